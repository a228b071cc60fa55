// NARs and nix-store --export streams: written by tests/vfs/nar-writer.ts from the format's
// grammar, checked against a layout Nix itself produced, read into a Vfs, and refused with a code
// and an offset when malformed (the rules of Nix's own parseDump in src/libutil/archive.cc).
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadArchive } from '../../src/core/vfs/load-archive.ts';
import type { MemFile } from '../../src/core/vfs/memory-tree.ts';
import { readNar } from '../../src/core/vfs/nar.ts';
import { readNixExport } from '../../src/core/vfs/nix-export.ts';
import { describeDir, describeTree } from './helpers.ts';
import { narDir, narFromDir, Wire, writeExport, writeNar, type NarNode } from './nar-writer.ts';

const file = (contents: string, executable = false): NarNode => ({ type: 'regular', executable, contents });

function refused(r: { ok: true } | { ok: false; error: { code: string; offset: number } }) {
  if (r.ok) throw new Error('accepted');
  return { code: r.error.code, offset: r.error.offset };
}

describe('NAR layout agrees with Nix', () => {
  // NixOS/nix tests/functional/nar-access.nix builds this tree, and nar-access.sh checks that
  // `nix nar ls --json -R` of its `nix-store --dump` reports foo/bar at narOffset 368, foo/baz at
  // 552 and foo/data (58 bytes) at 736: offsets of the file contents in a NAR written by Nix.
  const tree = narDir({
    foo: narDir({ bar: file(''), baz: file(''), data: file('d'.repeat(58)) }),
    'foo-x': file(''),
    qux: file(''),
    zyx: narDir({}),
  });

  it('puts file contents at the offsets Nix reports (368, 552, 736)', () => {
    const nar = writeNar(tree);
    const r = readNar(nar);
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    const offset = (p: string) => (r.tree.lookupLiteral(p) as MemFile).data as Uint8Array;
    expect(offset('foo/bar').byteOffset - nar.byteOffset).toBe(368);
    expect(offset('foo/baz').byteOffset - nar.byteOffset).toBe(552);
    expect(offset('foo/data').byteOffset - nar.byteOffset).toBe(736);
    expect(offset('foo/data').length).toBe(58);
    // The contents are views of the NAR, not copies.
    expect(offset('foo/data').buffer).toBe(nar.buffer);
    expect([...r.tree.vfs().list()]).toEqual(['/', '/foo/', '/foo/bar', '/foo/baz', '/foo/data', '/foo-x', '/qux', '/zyx/']);
  });
});

describe('NARs read into a Vfs', () => {
  it('round-trips a directory: kinds, contents, symlinks, the executable bit as mode 0555', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-nar-'));
    try {
      mkdirSync(join(dir, 'bin'));
      mkdirSync(join(dir, 'lib/empty'), { recursive: true });
      writeFileSync(join(dir, 'bin/hello'), '#!/bin/sh\necho hi\n');
      chmodSync(join(dir, 'bin/hello'), 0o755);
      writeFileSync(join(dir, 'lib/libx.so.1'), new Uint8Array(1000).fill(7));
      chmodSync(join(dir, 'lib/libx.so.1'), 0o644);
      symlinkSync('libx.so.1', join(dir, 'lib/libx.so'));
      symlinkSync('/lib/libx.so.1', join(dir, 'abs-link'));
      writeFileSync(join(dir, 'B'), 'sorts before a');
      const r = readNar(writeNar(narFromDir(dir)));
      if (!r.ok) throw new Error(JSON.stringify(r.error));
      // Modes are the store's, not the source's: compare the rest.
      const strip = (m: Map<string, object>) => new Map([...m].map(([k, v]) => [k, { ...v, mode: undefined }]));
      expect(strip(describeTree(r.tree))).toEqual(strip(describeDir(dir)));
      const vfs = r.tree.vfs();
      expect(vfs.stat('/bin/hello', '/')).toMatchObject({ ok: true, stat: { mode: 0o555, kind: 'file' } });
      expect(vfs.stat('/lib/libx.so', '/')).toMatchObject({ ok: true, stat: { mode: 0o444 }, realPath: '/lib/libx.so.1' });
      expect(vfs.stat('/abs-link', '/')).toMatchObject({ ok: true, realPath: '/lib/libx.so.1' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('places a NAR whose root is a file at /result', async () => {
    const r = await loadArchive(writeNar(file('just a file', true)));
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(r.format).toBe('nar');
    expect(r.vfs.stat('/result', '/')).toMatchObject({ ok: true, stat: { kind: 'file', size: 11, mode: 0o555 } });
  });

  it('parses 20000 nested directories without recursion', () => {
    const w = new Wire().str('nix-archive-1');
    const depth = 20_000;
    for (let i = 0; i < depth; i++) w.str('(').str('type').str('directory').str('entry').str('(').str('name').str('d').str('node');
    w.str('(').str('type').str('directory').str(')');
    for (let i = 0; i < depth; i++) w.str(')').str(')');
    const r = readNar(w.bytes());
    expect(r.ok).toBe(true);
  });
});

describe('malformed NARs are refused like Nix refuses them', () => {
  const valid = writeNar(narDir({ a: file('x'), b: file('y') }));
  // Offsets: magic 24, "(" 16, "type" 16, "directory" 24 -> first "entry" at 80;
  // entry a: "entry" "(" "name" -> name string at 128; one entry is 16*4+16 ("a") + node (16*6) + ")" 16.

  it('unsorted or repeated names', () => {
    const unsorted = writeNar({ type: 'directory', entries: [['b', file('y')], ['a', file('x')]] });
    const second = 80 + 9 * 16 + 16 + 16 * 2; // the second entry's name string
    expect(refused(readNar(unsorted))).toEqual({ code: 'archive_bad_nar', offset: second + 48 });
    const dup = writeNar({ type: 'directory', entries: [['a', file('y')], ['a', file('x')]] });
    expect(refused(readNar(dup)).code).toBe('archive_bad_nar');
  });

  it("names that are empty, '.', '..', or hold '/' or NUL", () => {
    for (const name of ['', '.', '..', 'a/b', 'a\0b']) {
      const nar = writeNar({ type: 'directory', entries: [[name, file('x')]] });
      expect({ name, r: refused(readNar(nar)) }).toEqual({ name, r: { code: 'archive_bad_nar', offset: 128 } });
    }
  });

  it('non-zero padding, unknown tags, a non-empty executable marker, executable after contents, trailing bytes', () => {
    const padded = new Wire().str('nix-archive-1', 0x20).bytes();
    expect(refused(readNar(new Uint8Array([...padded, ...valid.subarray(24)])))).toEqual({ code: 'archive_bad_nar', offset: 21 });
    const unknownType = new Wire().str('nix-archive-1').str('(').str('type').str('fifo').str(')').bytes();
    expect(refused(readNar(unknownType))).toEqual({ code: 'archive_bad_nar', offset: 56 });
    const execValue = new Wire().str('nix-archive-1').str('(').str('type').str('regular').str('executable').str('yes').bytes();
    expect(refused(readNar(execValue))).toEqual({ code: 'archive_bad_nar', offset: 96 });
    const execAfter = new Wire().str('nix-archive-1').str('(').str('type').str('regular').str('contents').str('x').str('executable').str('').str(')').bytes();
    expect(refused(readNar(execAfter))).toEqual({ code: 'archive_bad_nar', offset: 104 });
    expect(refused(readNar(new Uint8Array([...valid, 0, 0, 0, 0, 0, 0, 0, 0])))).toEqual({ code: 'archive_bad_nar', offset: valid.length });
    expect(refused(readNar(new Wire().str('nix-archive-2').bytes()))).toEqual({ code: 'archive_bad_nar', offset: 0 });
  });

  it('every proper prefix of a NAR is archive_truncated', () => {
    for (let cut = 0; cut < valid.length; cut++) {
      expect({ cut, r: refused(readNar(valid.subarray(0, cut))).code }).toEqual({ cut, r: 'archive_truncated' });
    }
  });

  it('a string length over 2^53 is archive_entry_too_large', () => {
    const w = new Wire().str('nix-archive-1').str('(').str('type').str('regular').str('contents').raw(new Uint8Array(8).fill(0xff));
    expect(refused(readNar(w.bytes()))).toEqual({ code: 'archive_entry_too_large', offset: 88 });
  });
});

describe('nix-store --export streams mount each NAR at its store path', () => {
  const glibc = '/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-glibc-2.40';
  const hello = '/nix/store/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-hello-2.12';
  const script = '/nix/store/cccccccccccccccccccccccccccccccc-script';
  const stream = () =>
    writeExport([
      {
        storePath: glibc,
        nar: writeNar(narDir({ lib: narDir({ 'libc.so.6': file('ELF libc', true), 'libc.so': { type: 'symlink', target: 'libc.so.6' } }) })),
      },
      {
        storePath: hello,
        nar: writeNar(narDir({ bin: narDir({ hello: file('ELF hello', true) }), lib: { type: 'symlink', target: glibc + '/lib' } })),
        references: [glibc, hello],
        deriver: '/nix/store/dddddddddddddddddddddddddddddddd-hello-2.12.drv',
        signature: 'cache.example.org-1:c2lnbmF0dXJl',
      },
      { storePath: script, nar: writeNar(file('#!/bin/sh\n', true)) },
    ]);

  it('resolves paths within and across store paths', async () => {
    const r = await loadArchive(stream());
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(r.format).toBe('nix-export');
    expect(r.storePaths.map((p) => [p.storePath, p.references, p.deriver])).toEqual([
      [glibc, [], ''],
      [hello, [glibc, hello], '/nix/store/dddddddddddddddddddddddddddddddd-hello-2.12.drv'],
      [script, [], ''],
    ]);
    const vfs = r.vfs;
    expect(vfs.stat(hello + '/lib/libc.so', '/')).toMatchObject({ ok: true, realPath: glibc + '/lib/libc.so.6', stat: { mode: 0o555 } });
    expect(vfs.stat(script, '/')).toMatchObject({ ok: true, stat: { kind: 'file', size: 10 } });
    expect(vfs.stat('/nix/store', '/')).toMatchObject({ ok: true, stat: { kind: 'dir' } });
    expect(vfs.stat(hello + '/bin/hello/', '/')).toEqual({ ok: false, errno: 'ENOTDIR' });
  });

  it('loads compressed export streams (xz, as nix-store --export | xz)', async () => {
    const xz = execFileSync('xz', ['-c'], { input: stream() });
    const r = await loadArchive(new Uint8Array(xz));
    expect(r.ok && r.compression).toBe('xz');
    expect(r.ok && r.format).toBe('nix-export');
  });

  it('refuses bad framing with archive_bad_export and the offset', () => {
    const nar = writeNar(file('x'));
    const afterNar = 8 + nar.length;
    expect(refused(readNixExport(writeExport([{ storePath: '/nix/store/x', nar, magic: 0x12345678 }])))).toEqual({ code: 'archive_bad_export', offset: afterNar });
    expect(refused(readNixExport(writeExport([{ storePath: 'relative/x', nar }])))).toEqual({ code: 'archive_bad_export', offset: afterNar + 8 });
    expect(refused(readNixExport(writeExport([{ storePath: '/nix/store/../etc', nar }])))).toEqual({ code: 'archive_bad_export', offset: afterNar + 8 });
    const flagAt = afterNar + 8 + 8 + 16 + 8 + 8; // magic, path "/nix/store/x" (8 + 16), no references, deriver ""
    expect(refused(readNixExport(writeExport([{ storePath: '/nix/store/x', nar, signatureFlag: 2 }])))).toEqual({ code: 'archive_bad_export', offset: flagAt });
    const twice = writeExport([
      { storePath: '/nix/store/x', nar },
      { storePath: '/nix/store/x', nar },
    ]);
    expect(refused(readNixExport(twice))).toEqual({ code: 'archive_bad_export', offset: flagAt + 8 + 8 + nar.length + 8 });
    const ok = writeExport([{ storePath: '/nix/store/x', nar }]);
    expect(refused(readNixExport(new Uint8Array([...ok, 1, 2, 3])))).toEqual({ code: 'archive_bad_export', offset: ok.length });
    const badNext = new Uint8Array(ok);
    badNext[ok.length - 8] = 7;
    expect(refused(readNixExport(badNext))).toEqual({ code: 'archive_bad_export', offset: ok.length - 8 });
  });

  it('every proper prefix of a stream is refused (never a partial store)', () => {
    const s = stream();
    for (let cut = 1; cut < s.length; cut += 3) {
      const r = readNixExport(s.subarray(0, cut));
      expect({ cut, code: refused(r).code }).toEqual({ cut, code: 'archive_truncated' });
    }
  });
});
