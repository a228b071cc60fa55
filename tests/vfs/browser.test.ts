// The archive readers in a real browser (Debian's chromium through Playwright): the same module,
// bundled by Vite, loads tar (plain, gzip, xz, zstd) and a NAR, resolves paths, and hands out file
// bytes that browser APIs accept (TextDecoder and Blob refuse views of resizable buffers, which
// Node accepts: only a browser shows that).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { build } from 'vite';
import { describe, expect, it } from 'vitest';
import { narDir, writeNar } from './nar-writer.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

async function bundle(): Promise<string> {
  const out = await build({
    configFile: false,
    logLevel: 'silent',
    build: {
      write: false,
      minify: false,
      lib: { entry: join(import.meta.dirname, '../../src/core/vfs/load-archive.ts'), formats: ['es'], fileName: 'vfs' },
    },
  });
  const outputs = (Array.isArray(out) ? out : [out]) as Array<{ output: Array<{ type: string; code?: string }> }>;
  const chunk = outputs[0]!.output.find((o) => o.type === 'chunk');
  if (chunk?.code === undefined) throw new Error('vite produced no chunk');
  return chunk.code;
}

describe.skipIf(!existsSync(CHROMIUM))('archives load in chromium', () => {
  it('tar (plain, gzip, xz, zstd) and NAR: paths resolve, file bytes work with TextDecoder and Blob', async () => {
    const work = mkdtempSync(join(tmpdir(), 'sg-browser-'));
    try {
      mkdirSync(join(work, 'src/lib'), { recursive: true });
      writeFileSync(join(work, 'src/lib/libx.so.1'), 'hello from libx\n');
      symlinkSync('/lib/libx.so.1', join(work, 'src/lib/libx.so'));
      execFileSync('tar', ['--format=pax', '-C', join(work, 'src'), '-cf', join(work, 'a.tar'), '.']);
      execFileSync('sh', ['-c', 'gzip -k a.tar && xz -k a.tar && zstd -q < a.tar > a.tar.zst'], { cwd: work });
      const files: Record<string, string> = {};
      for (const f of ['a.tar', 'a.tar.gz', 'a.tar.xz', 'a.tar.zst']) files[f] = readFileSync(join(work, f)).toString('base64');
      files['a.nar'] = Buffer.from(
        writeNar(narDir({ lib: narDir({ 'libx.so.1': { type: 'regular', contents: 'hello from libx\n' }, 'libx.so': { type: 'symlink', target: 'libx.so.1' } }) })),
      ).toString('base64');

      const code = (await bundle()).replace(/export\s*\{[^}]*\};?\s*$/, '');
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--disable-gpu', '--no-first-run', '--disable-background-networking'] });
      try {
        const page = await browser.newPage();
        const errors: string[] = [];
        page.on('pageerror', (e) => errors.push(e.message));
        await page.setContent('<!doctype html><title>vfs</title>');
        await page.addScriptTag({
          type: 'module',
          content: `${code}
const files = ${JSON.stringify(files)};
const results = {};
for (const [name, b64] of Object.entries(files)) {
  try {
    const r = await loadArchive(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)));
    if (!r.ok) { results[name] = r.error.code; continue; }
    const s = r.vfs.stat('/lib/libx.so', '/');
    const src = r.vfs.source(s.stat.id);
    const bytes = new Uint8Array(src.size);
    src.readInto(0, bytes);
    const view = src.bytes ?? bytes;
    results[name] = { realPath: s.realPath, text: new TextDecoder().decode(view), blob: new Blob([view]).size, compression: r.compression };
  } catch (e) { results[name] = 'threw: ' + e.message; }
}
window.__results = results;`,
        });
        await page.waitForFunction(() => (window as unknown as { __results?: unknown }).__results !== undefined || document.title === 'failed', null, { timeout: 60_000 }).catch(() => undefined);
        const results = await page.evaluate(() => (window as unknown as { __results?: unknown }).__results);
        expect(errors).toEqual([]);
        const expected = (compression: string) => ({ realPath: '/lib/libx.so.1', text: 'hello from libx\n', blob: 16, compression });
        expect(results).toEqual({
          'a.tar': expected('none'),
          'a.tar.gz': expected('gzip'),
          'a.tar.xz': expected('xz'),
          'a.tar.zst': expected('zstd'),
          'a.nar': expected('none'),
        });
      } finally {
        await browser.close();
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
