// The installable, offline app, end to end against the built app: the web manifest and its icons;
// once the service worker controls the page, the page loads and the wasm engine analyses a file
// with the network off (everything it needs, worker and .wasm included, was precached); and a new
// deploy is offered with an "update available" prompt instead of being forced on the page.
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { tabTo } from './support.ts';

const LS = '/usr/bin/ls';
/** The built app that `vite preview` serves (playwright.config.ts). */
const BUILT_APP = 'dist/app';
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * The only step that depends on the main page's layout: open one file and wait until the page has
 * traced it. It runs the engine worker and its wasm core, which is what must keep working offline.
 */
async function analyse(page: Page, path: string) {
  const status = page.getByTestId('status');
  // The page opens the built-in demo (or the last workspace) by itself and takes no drop until
  // that is traced.
  await expect(status).toHaveText(/^Traced /);
  await page.getByLabel('Choose files').setInputFiles(path);
  await expect(status).toHaveText(`Traced /${basename(path)}.`);
}

async function expectHeading(page: Page) {
  await expect(page.getByRole('heading', { level: 1, name: 'Stormglass' })).toBeVisible();
}

async function waitUntilControlled(page: Page) {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  // registerType 'prompt' does not claim the page that installed the worker: the next load is
  // the first one it controls.
  if (!(await page.evaluate(() => navigator.serviceWorker.controller !== null))) await page.reload();
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
}

/** Paths of every request stored in the page's Cache Storage (the service worker's precache). */
function cachedPaths(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const paths: string[] = [];
    for (const name of await caches.keys()) {
      for (const request of await (await caches.open(name)).keys()) paths.push(new URL(request.url).pathname);
    }
    return paths;
  });
}

test('the web manifest is linked and lists 192, 512 and maskable PNG icons that load', async ({ page, request }) => {
  await page.goto('/');
  await expectHeading(page);

  const href = await page.locator('link[rel="manifest"]').getAttribute('href');
  expect(href).not.toBeNull();
  const manifestUrl = new URL(href!, page.url());
  const response = await request.get(manifestUrl.href);
  expect(response.ok()).toBe(true);
  const manifest = await response.json();
  expect(manifest).toMatchObject({
    name: 'Stormglass',
    short_name: 'Stormglass',
    display: 'standalone',
    start_url: './',
    scope: './',
  });

  const icons: { src: string; sizes: string; type: string; purpose?: string }[] = manifest.icons;
  expect(icons.map((icon) => `${icon.sizes} ${icon.purpose ?? 'any'}`).sort()).toEqual([
    '192x192 any',
    '512x512 any',
    '512x512 maskable',
  ]);
  for (const icon of icons) {
    // Icon URLs are relative to the manifest, not to the page.
    const png = await request.get(new URL(icon.src, manifestUrl).href);
    expect(png.ok(), icon.src).toBe(true);
    expect(png.headers()['content-type']).toBe('image/png');
    const bytes = await png.body();
    expect([...bytes.subarray(0, 8)], icon.src).toEqual(PNG_SIGNATURE);
    // IHDR is the first chunk: width and height at bytes 16 and 20.
    expect(`${bytes.readUInt32BE(16)}x${bytes.readUInt32BE(20)}`, icon.src).toBe(icon.sizes);
  }

  for (const rel of ['icon', 'apple-touch-icon']) {
    const iconHref = await page.locator(`link[rel="${rel}"]`).getAttribute('href');
    expect(iconHref, rel).not.toBeNull();
    const icon = await request.get(new URL(iconHref!, page.url()).href);
    expect(icon.ok(), rel).toBe(true);
    expect(icon.headers()['content-type'], rel).toMatch(/^image\/(svg\+xml|png)/);
  }
});

test('once the service worker controls the page, it loads and analyses a file offline', async ({ page, context }) => {
  await page.goto('/');
  await expectHeading(page);
  await waitUntilControlled(page);

  const cached = await cachedPaths(page);
  expect(cached.some((path) => path.endsWith('.wasm')), cached.join('\n')).toBe(true);
  expect(cached.some((path) => /\/engine\.worker-[^/]*\.js$/.test(path)), cached.join('\n')).toBe(true);

  await context.setOffline(true);
  await page.reload();
  await expectHeading(page);
  await analyse(page, LS);

  // Coming back offline restores what was dropped (IndexedDB), and the worker traces it again.
  await page.reload();
  await expect(page.getByTestId('workspace-source')).toContainText('1 dropped file');
  await expect(page.getByTestId('status')).toHaveText('Traced /ls.');
});

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
  '.webmanifest': 'application/manifest+json',
  '.json': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.tar': 'application/x-tar',
  '.gz': 'application/gzip',
};

/**
 * A copy of the built app served from a temporary folder on a loopback port of its own, so the
 * test can deploy a new version by changing files without touching dist/app (which `vite preview`
 * serves to the other tests). The origin differs from theirs, so the service worker does too.
 */
async function serveCopyOfBuiltApp() {
  const dir = mkdtempSync(join(tmpdir(), 'stormglass-pwa-'));
  cpSync(BUILT_APP, dir, { recursive: true });
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    const file = join(dir, path.endsWith('/') ? `${path}index.html` : path);
    let body: Buffer;
    try {
      if (!file.startsWith(dir)) throw new Error('outside the app');
      body = readFileSync(file);
    } catch {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, {
      'content-type': MIME[extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-cache',
    });
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    dir,
    origin: `http://127.0.0.1:${port}`,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Deploy a new version of index.html the way a rebuild does: new content, and a new precache
 * revision for it in sw.js (workbox revisions are the MD5 of the file), so the browser sees a
 * changed service worker script.
 */
function deployNewIndex(dir: string, marker: string) {
  const indexPath = join(dir, 'index.html');
  const oldIndex = readFileSync(indexPath);
  const newIndex = oldIndex.toString('utf8').replace('<title>', `<meta name="stormglass-deploy" content="${marker}" />\n    <title>`);
  const md5 = (data: Buffer | string) => createHash('md5').update(data).digest('hex');
  const swPath = join(dir, 'sw.js');
  const sw = readFileSync(swPath, 'utf8');
  expect(sw, 'sw.js precaches index.html with its MD5 revision').toContain(md5(oldIndex));
  writeFileSync(indexPath, newIndex);
  writeFileSync(swPath, sw.replaceAll(md5(oldIndex), md5(newIndex)));
}

test('a new deploy shows the update prompt; "Later" keeps the old version, "Reload to update" applies it', async ({ page }) => {
  const app = await serveCopyOfBuiltApp();
  try {
    await page.goto(`${app.origin}/`);
    await expectHeading(page);
    await waitUntilControlled(page);
    const prompt = page.getByRole('complementary', { name: 'Update available' });
    await expect(prompt).toHaveCount(0);

    deployNewIndex(app.dir, 'v2');
    // The browser checks sw.js on navigations; ask now so the prompt shows in this very page.
    await page.evaluate(async () => {
      await (await navigator.serviceWorker.getRegistration())?.update();
    });
    await expect(prompt).toBeVisible();
    await expect(prompt).toContainText('A new version of Stormglass is available.');

    // "Later": the prompt goes, and the page keeps running the old version.
    await prompt.getByRole('button', { name: 'Later' }).click();
    await expect(prompt).toHaveCount(0);
    await expect(page.locator('meta[name="stormglass-deploy"]')).toHaveCount(0);

    // The new version is still waiting, so the next load offers it again.
    await page.reload();
    await expect(prompt).toBeVisible();
    await expect(page.locator('meta[name="stormglass-deploy"]')).toHaveCount(0);

    // Reach "Reload to update" with the keyboard and press it: the page reloads into the new version.
    const reload = prompt.getByRole('button', { name: 'Reload to update' });
    await tabTo(page, reload, 50);
    await expect(reload).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page.locator('meta[name="stormglass-deploy"]')).toHaveAttribute('content', 'v2');
    await expectHeading(page);
    await expect(prompt).toHaveCount(0);
    expect(await page.evaluate(async () => !!(await navigator.serviceWorker.getRegistration())?.waiting)).toBe(false);
  } finally {
    await app.close();
  }
});
