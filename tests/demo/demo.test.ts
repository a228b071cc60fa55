// The demo closure the app ships (public/demo/closure.tar and demo.json, made by
// scripts/build-demo.ts from demo/src/): it must start up in the loader model with a visible
// storm, rebuild to the same trace, and be ELF files readelf reads without complaint.
//
// The trace runs through runCli, the code bin/stormglass.js starts (as tests/cli/ do), so no
// `npm run build:cli` is needed; when dist/cli exists the built binary is checked too.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../../src/cli/main.ts';
import type { Trace } from '../../src/core/loader/trace-types.ts';
import { buildDemo, type DemoManifest } from '../../scripts/build-demo.ts';
import { haveTool } from '../loader/tools.ts';

const REPO = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const DEMO_DIR = join(REPO, 'public', 'demo');
const manifest = JSON.parse(readFileSync(join(DEMO_DIR, 'demo.json'), 'utf8')) as DemoManifest;
const ARCHIVE = join(DEMO_DIR, manifest.archive);

function traceArgs(archive: string): string[] {
  return ['trace', '--archive', archive, '--profile', manifest.profile, '--cpu', manifest.cpu, '--json', manifest.program];
}

async function trace(archive: string): Promise<Trace> {
  let out = '';
  let err = '';
  const code = await runCli(traceArgs(archive), { out: (t) => void (out += t), err: (t) => void (err += t) });
  expect(err).toBe('');
  expect(code).toBe(0);
  return JSON.parse(out) as Trace;
}

/** The archive unpacked under a new temporary directory: its root, standing for `/`. */
function extract(archive: string): string {
  const root = mkdtempSync(join(tmpdir(), 'stormglass-demo-x-'));
  const r = spawnSync('tar', ['-xf', archive, '-C', root], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tar -xf ${archive}: ${r.stderr}`);
  return root;
}

/** Regular files under `dir`, as absolute paths inside the archive ("/nix/store/..."). */
function regularFiles(root: string, dir = ''): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) return regularFiles(root, rel);
    return e.isFile() ? [rel] : [];
  });
}

/** Failed opens plus failed stats: the calls that find nothing. */
const misses = (t: Trace) => t.totals.program.failedOpens + t.totals.program.failedStats;

describe('the demo closure (public/demo)', () => {
  it('describes a program inside the archive, for the NixOS preset', () => {
    expect(manifest.archive).toBe('closure.tar');
    expect(manifest.profile).toBe('nixos');
    expect(manifest.cpu).toBe('x86-64-v3');
    expect(manifest.program).toMatch(/^\/nix\/store\/[0-9abcdfghijklmnpqrsvwxyz]{32}-storm-demo-1\.0\/bin\/storm-demo$/);
    expect(manifest.title).not.toBe('');
    expect(manifest.description).not.toBe('');
    // Small enough to ship with the app and to serve offline.
    expect(lstatSync(ARCHIVE).size).toBeLessThan(200 * 1024);
  });

  it('starts up, every object from the archive, with a storm of failed calls', async () => {
    const t = await trace(ARCHIVE);
    expect(t.exitStatus).toBe(0);
    expect(t.error).toBeNull();
    const root = extract(ARCHIVE);
    try {
      const files = new Set(regularFiles(root));
      const libraries = t.objects.filter((o) => o.kind === 'library');
      expect(libraries.length).toBeGreaterThanOrEqual(8);
      for (const o of t.objects.filter((x) => x.kind !== 'vdso')) {
        expect(o.realPath).toMatch(/^\/nix\/store\//);
        expect(files.has(o.realPath), `${o.realPath} is a file of the archive`).toBe(true);
      }
      const interpreter = t.objects.find((o) => o.kind === 'interpreter');
      expect(interpreter?.realPath).toMatch(/^\/nix\/store\/[0-9a-z]{32}-glibc-2\.40-66\/lib\/ld-linux-x86-64\.so\.2$/);
      // The storm: many more calls that find nothing than libraries found.
      expect(misses(t)).toBeGreaterThan(5 * libraries.length);
      // The loader tries glibc-hwcaps subdirectories, and the x86-64-v3 build of libsqlite3 wins.
      expect(t.probes.some((p) => p.path?.includes('/glibc-hwcaps/'))).toBe(true);
      expect(libraries.some((o) => o.realPath.includes('/lib/glibc-hwcaps/x86-64-v3/libsqlite3.so.'))).toBe(true);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it.runIf(existsSync(join(REPO, 'dist/cli/stormglass.js')))('starts up through the built bin/stormglass.js too', () => {
    const r = spawnSync('node', ['bin/stormglass.js', ...traceArgs(ARCHIVE)], { cwd: REPO, encoding: 'utf8', maxBuffer: 64 << 20 });
    expect(r.status).toBe(0);
    const t = JSON.parse(r.stdout) as Trace;
    expect(t.exitStatus).toBe(0);
    expect(misses(t)).toBeGreaterThan(5 * t.objects.filter((o) => o.kind === 'library').length);
  });

  it('rebuilds from demo/src to the same trace', async (ctx) => {
    if (!haveTool('gcc')) ctx.skip('gcc is not installed: cannot rebuild the demo from demo/src');
    const out = mkdtempSync(join(tmpdir(), 'stormglass-demo-build-'));
    try {
      const rebuilt = buildDemo(out);
      expect(rebuilt).toEqual(manifest);
      expect(JSON.parse(readFileSync(join(out, 'demo.json'), 'utf8'))).toEqual(manifest);
      // Another gcc or binutils gives other bytes, so compare what the app shows, not the bytes.
      const [before, after] = [await trace(ARCHIVE), await trace(join(out, rebuilt.archive))];
      expect(after.totals).toEqual(before.totals);
      expect(after.objects).toEqual(before.objects);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('holds ELF files that readelf -dlW reads without a warning or error', (ctx) => {
    if (!haveTool('readelf')) ctx.skip('readelf (binutils) is not installed');
    const root = extract(ARCHIVE);
    try {
      const elves = regularFiles(root).filter((f) => readFileSync(join(root, f)).subarray(0, 4).equals(Buffer.from('\x7fELF', 'latin1')));
      expect(elves.length).toBe(regularFiles(root).length);
      for (const f of elves) {
        const r = spawnSync('readelf', ['-dlW', join(root, f)], { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
        expect(r.status, f).toBe(0);
        expect(`${r.stdout}\n${r.stderr}`, f).not.toMatch(/Warning|Error/);
        // Nix's shape: a RUNPATH of store lib dirs inside the closure, the store glibc's last.
        const runpath = /Library runpath: \[([^\]]*)\]/.exec(r.stdout)?.[1];
        if (runpath === undefined) continue; // the glibc stubs, as the real ones, have none
        const dirs = runpath.split(':');
        for (const d of dirs) expect(lstatSync(join(root, d)).isDirectory(), `${f}: ${d}`).toBe(true);
        expect(dirs.at(-1), f).toMatch(/^\/nix\/store\/[0-9a-z]{32}-glibc-2\.40-66\/lib$/);
        expect(r.stdout, f).toContain('Shared library: [libc.so.6]');
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
