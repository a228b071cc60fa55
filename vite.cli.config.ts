// Builds the Node CLI (src/cli/stormglass.ts) into dist/cli/, next to the app in dist/app/.
// The wasm is not bundled: the CLI reads wasm/build/stormglass.wasm from the package at run time.
import { defineConfig } from 'vite';

export default defineConfig({
  build: {
    ssr: 'src/cli/stormglass.ts',
    outDir: 'dist/cli',
    emptyOutDir: true,
    target: 'node20',
    rollupOptions: { output: { entryFileNames: 'stormglass.js' } },
  },
});
