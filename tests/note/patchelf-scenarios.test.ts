// The descriptor scenarios of patchelf's own tests (resolution-note.md §5.1:
// build-resolution-cache.sh and build-resolution-cache-search-hint.sh), with programs linked by
// gcc against real libfoo.so/libbar.so and run-path directories on the real filesystem (a temp
// dir, read through realFsVfs), then the 0.19.1 differences (§3.2) the same way.
// Each program needs libfoo.so, libbar.so and libc.so.6 (-Wl,--no-as-needed keeps them all).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildResolutionNote, WARNING_NOTHING_RESOLVED, WARNING_NOTHING_TO_RESOLVE, type PatchelfVersion } from '../../src/core/note/build.ts';
import { realFsVfs } from '../../src/node/real-fs.ts';
import { GccWorkspace, hasGcc, parse, text } from './helpers.ts';

describe.skipIf(!hasGcc())('patchelf’s resolution-cache test scenarios, gcc-built', () => {
  let ws: GccWorkspace;
  let d: string;
  beforeAll(() => {
    ws = new GccWorkspace();
    d = ws.dir;
    const put = (path: string, bytes: Uint8Array) => {
      mkdirSync(join(d, path, '..'), { recursive: true });
      writeFileSync(join(d, path), bytes);
    };
    put('libsA/libfoo.so', ws.library('libfoo.so'));
    put('libsB/libbar.so', ws.library('libbar.so'));
    put('libsC/libfoo.so', ws.library('libfoo.so'));
    put('libs/libfoo.so', ws.library('libfoo.so'));
    put('libs/libbar.so', ws.library('libbar.so'));
    put('hw/libfoo.so', ws.library('libfoo.so'));
    mkdirSync(join(d, 'hw/glibc-hwcaps/x86-64-v3'), { recursive: true });
    // Would be found if patchelf probed a relative component against its own CWD.
    put('relative/dir/libfoo.so', ws.library('libfoo.so'));
    writeFileSync(join(d, 'plainfile'), 'not a directory');
    symlinkSync('libsA', join(d, 'libsA-link'));
  });
  afterAll(() => ws?.dispose());

  /** The descriptor text for a program linked with `runPath`, read over the real filesystem now. */
  async function build(runPath: string | null, patchelf: PatchelfVersion = '0.19.0', dtag: 'runpath' | 'rpath' = 'runpath') {
    return buildResolutionNote(await parse(ws.link(runPath, dtag)), realFsVfs('/'), { patchelf });
  }
  const desc = async (runPath: string, patchelf: PatchelfVersion = '0.19.0') => text((await build(runPath, patchelf)).descriptor)!;

  describe('build-resolution-cache.sh', () => {
    it('resolves libfoo.so into libsA and libbar.so into libsB; libc.so.6, found nowhere, gets no pair', async () => {
      expect(await desc(`${d}/libsA:${d}/libsB`)).toBe(`libbar.so\0=${d}/libsB/libbar.so\0libfoo.so\0=${d}/libsA/libfoo.so\0\0`);
    });

    it('a DT_RPATH-only binary gets a cache too', async () => {
      const built = await build(`${d}/libsA:${d}/libsB`, '0.19.0', 'rpath');
      expect(built.runPath).toEqual({ tag: 'DT_RPATH', text: `${d}/libsA:${d}/libsB` });
      expect(text(built.descriptor)).toBe(`libbar.so\0=${d}/libsB/libbar.so\0libfoo.so\0=${d}/libsA/libfoo.so\0\0`);
    });

    it('after --set-rpath to a new dir, the rebuilt note resolves to the new dir', async () => {
      expect(await desc(`${d}/libsC`)).toBe(`libfoo.so\0=${d}/libsC/libfoo.so\0\0`);
    });

    it('no run path: the warning and no note', async () => {
      expect(await build(null)).toMatchObject({ descriptor: null, warning: WARNING_NOTHING_TO_RESOLVE });
    });

    it('the recorded path is the run path’s spelling through a symlinked directory', async () => {
      expect(await desc(`${d}/libsA-link`)).toBe(`libfoo.so\0=${d}/libsA-link/libfoo.so\0\0`);
    });
  });

  describe('build-resolution-cache-search-hint.sh', () => {
    it('$ORIGIN/libs is the hint ?$ORIGIN/libs, never an = entry', async () => {
      const s = await desc('$ORIGIN/libs');
      expect(s).toContain('?$ORIGIN/libs');
      expect(s).not.toContain('=$ORIGIN');
      // Hints go to every searched soname (libc.so.6 included).
      expect(s).toBe('libbar.so\0?$ORIGIN/libs\0libc.so.6\0?$ORIGIN/libs\0libfoo.so\0?$ORIGIN/libs\0\0');
    });

    it('a directory with a glibc-hwcaps subdirectory is a ? hint, not =…/libfoo.so', async () => {
      const s = await desc(`${d}/hw`);
      expect(s).toContain(`?${d}/hw`);
      expect(s).not.toContain(`=${d}/hw/libfoo.so`);
    });

    it('a leading empty component gives ?:=<abs>/libs/libfoo.so', async () => {
      const s = await desc(`:${d}/libs`);
      expect(s).toContain(`?:=${d}/libs/libfoo.so`);
      expect(s).toBe(`libbar.so\0?:=${d}/libs/libbar.so\0libc.so.6\0?\0libfoo.so\0?:=${d}/libs/libfoo.so\0\0`);
    });

    it('a relative component gives ?relative/dir:=<abs>/libs/libfoo.so and is never probed', async () => {
      const s = await desc(`relative/dir:${d}/libs`);
      expect(s).toContain(`?relative/dir:=${d}/libs/libfoo.so`);
      expect(s).not.toContain('=relative/dir/libfoo.so');
    });

    it('nothing found and no hint: the warning and no note', async () => {
      expect(await build(`${d}/relative`)).toMatchObject({ descriptor: null, warning: WARNING_NOTHING_RESOLVED });
    });
  });

  describe('0.19.1 (§3.2)', () => {
    it('a missing absolute directory becomes ?dir', async () => {
      const rp = `${d}/absent:${d}/libsA`;
      expect(await desc(rp, '0.19.0')).toBe(`libfoo.so\0=${d}/libsA/libfoo.so\0\0`);
      expect(await desc(rp, '0.19.1')).toBe(
        `libbar.so\0?${d}/absent\0libc.so.6\0?${d}/absent\0libfoo.so\0?${d}/absent:=${d}/libsA/libfoo.so\0\0`,
      );
    });

    it('a trailing empty component is kept as a ? hint', async () => {
      const rp = `${d}/libsA:`;
      expect(await desc(rp, '0.19.0')).toBe(`libfoo.so\0=${d}/libsA/libfoo.so\0\0`);
      expect(await desc(rp, '0.19.1')).toBe(`libbar.so\0?\0libc.so.6\0?\0libfoo.so\0=${d}/libsA/libfoo.so:?\0\0`);
    });

    it('a plain file as a component is a ? hint', async () => {
      const rp = `${d}/plainfile:${d}/libsB`;
      expect(await desc(rp, '0.19.0')).toBe(`libbar.so\0=${d}/libsB/libbar.so\0\0`);
      expect(await desc(rp, '0.19.1')).toBe(
        `libbar.so\0?${d}/plainfile:=${d}/libsB/libbar.so\0libc.so.6\0?${d}/plainfile\0libfoo.so\0?${d}/plainfile\0\0`,
      );
    });
  });
});
