// Hand-made tar archives, hostile or odd: each is refused with its code and the offset of the
// header at fault, or loads with GNU tar's name rules; symlink loops load and fail at stat time.
import { describe, expect, it } from 'vitest';
import { readTar } from '../../src/core/vfs/tar.ts';
import { loadArchive } from '../../src/core/vfs/load-archive.ts';
import { archive, entry, header, pax } from './tar-writer.ts';

function refused(bytes: Uint8Array) {
  const r = readTar(bytes);
  if (r.ok) throw new Error('archive was accepted');
  return { code: r.error.code, offset: r.error.offset };
}

const one = entry({ name: 'ok.txt' }, 'hello'); // 1024 bytes: the second header is at 1024

describe('tar member names follow GNU tar', () => {
  it("strips leading '/', './' and empty components", () => {
    const r = readTar(archive([entry({ name: '/etc/passwd' }, 'root'), entry({ name: './a/./b//c' }, 'c'), entry({ name: '//double' }, 'd')]));
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    const vfs = r.tree.vfs();
    expect(vfs.stat('/etc/passwd', '/')).toMatchObject({ ok: true, realPath: '/etc/passwd' });
    expect(vfs.stat('/a/b/c', '/')).toMatchObject({ ok: true, stat: { size: 1 } });
    expect(vfs.stat('/double', '/')).toMatchObject({ ok: true });
  });

  it('joins the ustar prefix, and lets GNU long names and pax paths win', () => {
    const r = readTar(
      archive([
        entry({ name: 'file', prefix: 'some/prefix' }, 'p'),
        entry({ name: '././@LongLink', type: 'L', magic: 'gnu' }, 'gnu/' + 'l'.repeat(120) + '\0'),
        entry({ name: 'short-ignored', magic: 'gnu' }, 'long'),
        pax({ path: 'pax/' + 'p'.repeat(200), linkpath: 'pax-target' }),
        entry({ name: 'also-ignored', type: '2', linkname: 'ignored' }),
        pax({ path: 'global-dir/x' }, 'g'),
        entry({ name: 'overridden-by-global' }, 'g1'),
      ]),
    );
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    const t = r.tree;
    expect(t.lookupLiteral('some/prefix/file')?.kind).toBe('file');
    expect(t.lookupLiteral('gnu/' + 'l'.repeat(120))?.kind).toBe('file');
    const link = t.lookupLiteral('pax/' + 'p'.repeat(200));
    expect(link?.kind === 'symlink' && link.target).toBe('pax-target');
    expect(t.lookupLiteral('global-dir/x')?.kind).toBe('file');
    expect(t.lookupLiteral('short-ignored')).toBeNull();
  });

  it('lets a later member replace an earlier file, and keeps set-uid bits', () => {
    const r = readTar(archive([entry({ name: 'f' }, 'old'), entry({ name: 'f', mode: 0o4755 }, 'newer')]));
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(r.tree.vfs().stat('/f', '/')).toMatchObject({ ok: true, stat: { size: 5, mode: 0o4755 } });
  });

  it('reads v7 headers (no magic) and old-style directories (type 0, name ending in /)', () => {
    const r = readTar(archive([entry({ name: 'olddir/', magic: 'v7', mode: 0o750 }), entry({ name: 'olddir/f', magic: 'v7' }, 'x')]));
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(r.tree.vfs().stat('/olddir', '/')).toMatchObject({ ok: true, stat: { kind: 'dir', mode: 0o750 } });
  });
});

describe('hostile tar archives are refused with a code and the offset of the header at fault', () => {
  it("'..' anywhere in a name, a long name, a pax path or a hard link target: archive_path_escape", () => {
    expect(refused(archive([one, entry({ name: '../evil' }, 'x')]))).toEqual({ code: 'archive_path_escape', offset: 1024 });
    expect(refused(archive([one, entry({ name: 'a/../../b' }, 'x')]))).toEqual({ code: 'archive_path_escape', offset: 1024 });
    expect(refused(archive([one, entry({ name: 'a/..' }, 'x')]))).toEqual({ code: 'archive_path_escape', offset: 1024 });
    const longDotDot = entry({ name: '././@LongLink', type: 'L', magic: 'gnu' }, '../../etc/x\0');
    expect(refused(archive([one, longDotDot, entry({ name: 'x', magic: 'gnu' }, 'x')]))).toEqual({ code: 'archive_path_escape', offset: 2048 });
    expect(refused(archive([pax({ path: 'x/../../y' }), entry({ name: 'x' }, 'x')]))).toEqual({ code: 'archive_path_escape', offset: 1024 });
    expect(refused(archive([one, entry({ name: 'h', type: '1', linkname: '../ok.txt' })]))).toEqual({ code: 'archive_path_escape', offset: 1024 });
  });

  it('data past the end, a cut header, a missing end marker: archive_truncated', () => {
    const big = archive([one, entry({ name: 'big', size: 100_000 }, 'short')], false);
    expect(refused(big)).toEqual({ code: 'archive_truncated', offset: 1024 });
    const full = archive([one, entry({ name: 'two' }, 'x')]);
    expect(refused(full.subarray(0, 1024 + 300))).toEqual({ code: 'archive_truncated', offset: 1024 });
    expect(refused(archive([one, entry({ name: 'two' }, 'x')], false))).toEqual({ code: 'archive_truncated', offset: 2048 });
    // A file whose data fits but whose padding is cut off.
    expect(refused(archive([one, entry({ name: 'two' }, 'x')], false).subarray(0, 1024 + 512 + 1))).toEqual({ code: 'archive_truncated', offset: 1024 });
    // An extended header with no member after it.
    expect(refused(archive([one, pax({ path: 'dangling-pax' })]))).toEqual({ code: 'archive_truncated', offset: 2048 });
    expect(refused(new Uint8Array(0))).toEqual({ code: 'archive_truncated', offset: 0 });
  });

  it('a header changed after its checksum: archive_bad_checksum', () => {
    const bad = entry({ name: 'tampered', corruptAfterChecksum: (h) => (h[0] = 0x54) }, 'x');
    expect(refused(archive([one, bad]))).toEqual({ code: 'archive_bad_checksum', offset: 1024 });
  });

  it('sizes no file can have: archive_entry_too_large; a huge octal size: archive_truncated', () => {
    const base256 = new Uint8Array(12);
    base256[0] = 0x80;
    base256[4] = 0x40; // 2^62 and more
    expect(refused(archive([one, entry({ name: 'huge', sizeField: base256 })]))).toEqual({ code: 'archive_entry_too_large', offset: 1024 });
    const negative = new Uint8Array(12).fill(0xff);
    expect(refused(archive([one, entry({ name: 'neg', sizeField: negative })]))).toEqual({ code: 'archive_entry_too_large', offset: 1024 });
    const octal8G = new TextEncoder().encode('77777777777\0');
    expect(refused(archive([one, entry({ name: 'eight-gig', sizeField: octal8G })]))).toEqual({ code: 'archive_truncated', offset: 1024 });
    expect(refused(archive([pax({ size: '99999999999999999999' }), entry({ name: 'p' })]))).toEqual({ code: 'archive_entry_too_large', offset: 1024 });
  });

  it('malformed number fields and pax records: archive_bad_header, archive_bad_pax', () => {
    expect(refused(archive([one, entry({ name: 'm', modeField: new TextEncoder().encode('0000958\0') })]))).toEqual({ code: 'archive_bad_header', offset: 1024 });
    const badRecord = entry({ name: 'PaxHeader', type: 'x' }, '12 path=abc\n30 this-is-not-a-record');
    // The second record starts 12 bytes into the data (which starts at 512).
    expect(refused(archive([badRecord, entry({ name: 'f' })]))).toEqual({ code: 'archive_bad_pax', offset: 512 + 12 });
    const noNewline = entry({ name: 'PaxHeader', type: 'x' }, '11 path=abcX');
    expect(refused(archive([one, noNewline, entry({ name: 'f' })]))).toEqual({ code: 'archive_bad_pax', offset: 1024 + 512 });
  });

  it('hard links to nothing or to a directory: archive_link_target_missing', () => {
    expect(refused(archive([one, entry({ name: 'h', type: '1', linkname: 'missing' })]))).toEqual({ code: 'archive_link_target_missing', offset: 1024 });
    expect(refused(archive([entry({ name: 'd', type: '5' }), entry({ name: 'h', type: '1', linkname: 'd' })]))).toEqual({ code: 'archive_link_target_missing', offset: 512 });
    // A hard link may only name an earlier member.
    expect(refused(archive([entry({ name: 'h', type: '1', linkname: 'later' }), entry({ name: 'later' }, 'x')]))).toEqual({ code: 'archive_link_target_missing', offset: 0 });
  });

  it('a member below a file, or a file over a directory: archive_path_conflict', () => {
    expect(refused(archive([one, entry({ name: 'ok.txt/inside' }, 'x')]))).toEqual({ code: 'archive_path_conflict', offset: 1024 });
    expect(refused(archive([one, entry({ name: 'ok.txt/inside', type: '5' })]))).toEqual({ code: 'archive_path_conflict', offset: 1024 });
    expect(refused(archive([entry({ name: 'd', type: '5' }), entry({ name: 'd' }, 'x')]))).toEqual({ code: 'archive_path_conflict', offset: 512 });
    // Below a symlink: the archive's names are literal, a symlink is no directory.
    expect(refused(archive([entry({ name: 'l', type: '2', linkname: '/etc' }), entry({ name: 'l/passwd' }, 'x')]))).toEqual({ code: 'archive_path_conflict', offset: 512 });
  });

  it('GNU sparse and multi-volume members: archive_unsupported_entry', () => {
    expect(refused(archive([one, entry({ name: 's', type: 'S', magic: 'gnu' })]))).toEqual({ code: 'archive_unsupported_entry', offset: 1024 });
    expect(refused(archive([one, pax({ 'GNU.sparse.major': '1' }), entry({ name: 's' })]))).toEqual({ code: 'archive_unsupported_entry', offset: 1024 + 512 });
  });

  it('bytes that are no archive: archive_unknown_format', async () => {
    const junk = new TextEncoder().encode('#!/bin/sh\necho this is not an archive\n'.repeat(40));
    const r = await loadArchive(junk);
    expect(r.ok ? 'accepted' : { code: r.error.code, offset: r.error.offset }).toEqual({ code: 'archive_unknown_format', offset: 0 });
  });
});

describe('symlink loops load, and fail at stat time as the kernel would', () => {
  it('ELOOP for loops and for chains of 41 links; 40 links resolve', () => {
    const parts = [
      entry({ name: 'a', type: '2', linkname: 'b' }),
      entry({ name: 'b', type: '2', linkname: '/a' }),
      entry({ name: 'self', type: '2', linkname: './self' }),
      entry({ name: 'target' }, 'end'),
      entry({ name: 'empty-target', type: '2', linkname: '' }),
    ];
    for (let i = 0; i < 41; i++) parts.push(entry({ name: `c${i}`, type: '2', linkname: i === 40 ? 'target' : `c${i + 1}` }));
    const r = readTar(archive(parts));
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    const vfs = r.tree.vfs();
    expect(vfs.stat('/a', '/')).toEqual({ ok: false, errno: 'ELOOP' });
    expect(vfs.stat('self/x', '/')).toEqual({ ok: false, errno: 'ELOOP' });
    expect(vfs.stat('/c0', '/')).toEqual({ ok: false, errno: 'ELOOP' });
    expect(vfs.stat('/c1', '/')).toMatchObject({ ok: true, realPath: '/target' });
    expect(vfs.stat('/empty-target', '/')).toEqual({ ok: false, errno: 'ENOENT' });
  });

  it('a truncated header block reports the block offset, not a later one', () => {
    const h = header({ name: 'x' });
    expect(refused(h.subarray(0, 100))).toEqual({ code: 'archive_truncated', offset: 0 });
  });
});
