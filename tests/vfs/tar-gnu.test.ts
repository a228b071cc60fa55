// Archives made by the real GNU tar (ustar, gnu and pax formats; plain, gzip, xz and zstd), read
// by src/core/vfs and compared with the directory they were made from: every path, its kind,
// mode bits (set-uid included), size, content hash, symlink target, and hard links as one node
// with one FileId. Needs tar, gzip, xz and zstd (Debian: tar, gzip, xz-utils, zstd).
import { execFileSync } from 'node:child_process';
import { chmodSync, linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadArchive } from '../../src/core/vfs/load-archive.ts';
import { describeDir, describeTree, randomBytes } from './helpers.ts';

let work = '';

function makeTree(root: string, long: boolean): void {
  const file = (rel: string, bytes: Uint8Array | string, mode = 0o644) => {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), bytes);
    chmodSync(join(root, rel), mode);
  };
  file('bin/prog', randomBytes(10_000, 1), 0o755);
  file('bin/setuid-prog', randomBytes(3000, 2), 0o4755);
  file('lib/libfoo.so.1.2.3', randomBytes(50_000, 3), 0o644);
  symlinkSync('libfoo.so.1.2.3', join(root, 'lib/libfoo.so.1'));
  symlinkSync('/lib/libfoo.so.1', join(root, 'lib/libfoo.so'));
  file('lib/hard-a', randomBytes(777, 4));
  linkSync(join(root, 'lib/hard-a'), join(root, 'lib/hard-b'));
  mkdirSync(join(root, 'other'));
  linkSync(join(root, 'lib/hard-a'), join(root, 'other/hard-c'));
  mkdirSync(join(root, 'empty-dir'));
  chmodSync(join(root, 'empty-dir'), 0o700);
  symlinkSync('nowhere', join(root, 'dangling'));
  file('ünïcødé.txt', 'unicode name\n');
  file('empty', '');
  file('exact-512', randomBytes(512, 5));
  file('exact-1024', randomBytes(1024, 6));
  // A path over 100 bytes whose components are short: ustar splits it into prefix and name.
  const deep = 'deep/' + 'a'.repeat(60) + '/' + 'b'.repeat(60);
  file(deep + '/file.txt', 'deep file\n');
  if (long) {
    // A component over 100 bytes (GNU 'L' / pax path), a link target over 100 bytes (GNU 'K' /
    // pax linkpath) and a hard link whose target name is long.
    file('long/' + 'n'.repeat(150), randomBytes(2000, 7));
    symlinkSync('../' + deep + '/file.txt', join(root, 'long/link-with-long-target'));
    linkSync(join(root, 'long/' + 'n'.repeat(150)), join(root, 'long/hard-to-long'));
  }
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'sg-tar-'));
  makeTree(join(work, 'basic'), false);
  makeTree(join(work, 'long'), true);
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

const formats = ['ustar', 'gnu', 'pax'] as const;
const compressions = [
  { name: 'none', flag: [] as string[], expect: 'none' },
  { name: 'gzip', flag: ['-z'], expect: 'gzip' },
  { name: 'xz', flag: ['-J'], expect: 'xz' },
  { name: 'zstd', flag: ['--zstd'], expect: 'zstd' },
];

describe('archives made by GNU tar load as the directory they were made from', () => {
  for (const format of formats) {
    for (const c of compressions) {
      it(`--format=${format} ${c.flag.join(' ') || '(uncompressed)'}`, async () => {
        const src = join(work, format === 'ustar' ? 'basic' : 'long');
        const out = join(work, `${format}-${c.name}.tar`);
        execFileSync('tar', [`--format=${format}`, ...c.flag, '-C', src, '-cf', out, '.']);
        const loaded = await loadArchive(new Uint8Array(readFileSync(out)));
        if (!loaded.ok) throw new Error(JSON.stringify(loaded.error));
        expect(loaded.format).toBe('tar');
        expect(loaded.compression).toBe(c.expect);
        expect(describeTree(loaded.tree)).toEqual(describeDir(src));

        // Through the Vfs: hard links are one file, symlinks resolve inside the tree.
        const vfs = loaded.vfs;
        const a = vfs.stat('/lib/hard-a', '/');
        const b = vfs.stat('lib/hard-b', '/');
        const cc = vfs.stat('/other/../other/hard-c', '/');
        expect(a.ok && b.ok && cc.ok).toBe(true);
        if (a.ok && b.ok && cc.ok) {
          expect(b.stat.id).toEqual(a.stat.id);
          expect(cc.stat.id).toEqual(a.stat.id);
        }
        const viaAbs = vfs.stat('/lib/libfoo.so', '/');
        expect(viaAbs.ok && viaAbs.realPath).toBe('/lib/libfoo.so.1.2.3');
        const suid = vfs.stat('/bin/setuid-prog', '/');
        expect(suid.ok && suid.stat.mode).toBe(0o4755);
        expect(vfs.stat('/dangling', '/')).toEqual({ ok: false, errno: 'ENOENT' });
        const prog = vfs.stat('/bin/prog', '/');
        if (!prog.ok) throw new Error('bin/prog missing');
        const source = vfs.source(prog.stat.id);
        const head = new Uint8Array(16);
        source.readInto(100, head);
        expect([...head]).toEqual([...randomBytes(10_000, 1).subarray(100, 116)]);
        if (format !== 'ustar') {
          const long = vfs.stat('/long/link-with-long-target', '/');
          expect(long.ok && long.realPath).toMatch(/\/deep\/a+\/b+\/file\.txt$/);
        }
        // The uncompressed archive is used in place: file bytes are views of it.
        if (c.name === 'none') expect(loaded.buffer).toBe('none');
      });
    }
  }

  it('lists every path, directories with a trailing slash', async () => {
    const out = join(work, 'list.tar');
    execFileSync('tar', ['--format=gnu', '-C', join(work, 'basic'), '-cf', out, '.']);
    const loaded = await loadArchive(new Uint8Array(readFileSync(out)));
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.error));
    const listed = [...loaded.vfs.list()];
    expect(listed[0]).toBe('/');
    expect(listed).toContain('/bin/');
    expect(listed).toContain('/bin/prog');
    expect(listed).toContain('/lib/libfoo.so');
    expect(listed).toContain('/empty-dir/');
    expect(listed.length).toBe(describeDir(join(work, 'basic')).size);
  });
});
