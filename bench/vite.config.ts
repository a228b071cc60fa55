// Bundles the measured part of bench/note.ts (bench/note-measure.ts) the way the CLI is bundled,
// so the benchmark times the code users run rather than tsx's on-the-fly transform.
import { defineConfig } from 'vite';

export default defineConfig({
  build: {
    ssr: 'bench/note-measure.ts',
    outDir: 'dist/bench',
    emptyOutDir: true,
    target: 'node20',
    rollupOptions: { output: { entryFileNames: 'note-measure.js' } },
  },
});
