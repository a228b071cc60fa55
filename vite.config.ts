import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { VitePWA } from 'vite-plugin-pwa';

export default defineConfig({
  plugins: [
    svelte(),
    VitePWA({
      // 'prompt': the new service worker waits until the user accepts the update
      // (src/ui/UpdatePrompt.svelte), instead of reloading the page under them mid-analysis.
      registerType: 'prompt',
      // src/ui/pwa.svelte.ts registers it through virtual:pwa-register, which also tells us when
      // an update is waiting; the plugin's own injected script would not.
      injectRegister: false,
      manifest: {
        name: 'Stormglass',
        short_name: 'Stormglass',
        description:
          'See how Linux programs find their shared libraries: read ELF files, their interpreter, ' +
          'NEEDED libraries and RPATH/RUNPATH, in your browser, offline.',
        theme_color: '#0e1217',
        background_color: '#0e1217',
        display: 'standalone',
        start_url: './',
        scope: './',
        icons: [
          { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: 'icons/icon-512-maskable.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        // Workbox precaches only js, css and html by default: without 'wasm' the engine worker
        // would load offline and then fail to fetch the ELF core (docs/toolchain.md).
        globPatterns: ['**/*.{js,css,html,wasm,svg,png,ico,webmanifest,tar,gz,json}'],
        // Workbox skips (with only a build warning) any file over 2 MiB; the wasm core and
        // bundled example archives must never be silently left out.
        maximumFileSizeToCacheInBytes: 8 * 1024 * 1024,
        // Any navigation offline is answered with the precached app shell.
        navigateFallback: 'index.html',
        // Drop precaches left by older Workbox versions' cache formats.
        cleanupOutdatedCaches: true,
      },
    }),
  ],
  build: {
    outDir: 'dist/app',
    emptyOutDir: true,
    target: 'es2022',
    // Never inline the wasm core as a data: URL (docs/toolchain.md).
    assetsInlineLimit: (file) => (file.endsWith('.wasm') ? false : undefined),
  },
  worker: { format: 'es' },
  preview: { port: 4173, strictPort: true },
});
