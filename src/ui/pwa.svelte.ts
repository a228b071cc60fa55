/// <reference types="vite-plugin-pwa/client" />
// The service worker's side of the page: registers the worker that vite-plugin-pwa generates
// (vite.config.ts) and exposes what the update prompt shows. With registerType 'prompt' a new
// version installs in the background and then waits; it takes over only when applyUpdate() asks it
// to (workbox's SKIP_WAITING message), after which virtual:pwa-register reloads the page.
import { registerSW } from 'virtual:pwa-register';

export const pwa = $state({
  /** A new version is installed and waiting for applyUpdate(). */
  needRefresh: false,
  /** Everything is precached: the app now loads and analyses files without a network. */
  offlineReady: false,
});

let updateServiceWorker: (() => Promise<void>) | null = null;

/** Call once at start-up. Does nothing under `vite dev`, where no service worker is built. */
export function registerServiceWorker(): void {
  if (import.meta.env.DEV || updateServiceWorker) return;
  updateServiceWorker = registerSW({
    onNeedRefresh: () => (pwa.needRefresh = true),
    onOfflineReady: () => (pwa.offlineReady = true),
  });
}

/** Activate the waiting version; the page reloads once it controls the page. */
export async function applyUpdate(): Promise<void> {
  await updateServiceWorker?.();
}
