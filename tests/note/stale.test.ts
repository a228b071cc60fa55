// checkStale: a note built for one tree and one binary, then the tree or the binary changed
// (a library removed, RUNPATH or DT_NEEDED edited in a rebuilt binary carrying the old note), each
// difference named; patchelf's rebuild rule (resolution-note.md §2.4) and glibc's verdict (§4.2).
import { describe, expect, it } from 'vitest';
import { ALREADY_PRESENT, checkStale, glibcView } from '../../src/core/note/stale.ts';
import { buildResolutionNote, WARNING_NOTHING_RESOLVED, WARNING_NOTHING_TO_RESOLVE } from '../../src/core/note/build.ts';
import { MemorySource } from '../../src/core/vfs/memory-tree.ts';
import { fixture, parse, syntheticElf, text, tree } from './helpers.ts';

const WORKED_EXAMPLE = 'libbar.so\0=/s/A/lib/libbar.so:?$ORIGIN/../lib\0libfoo.so\0=/s/A/lib/libfoo.so:?$ORIGIN/../lib\0\0';
const worked = new TextEncoder().encode(WORKED_EXAMPLE);
const both = { '/s/A/lib/libfoo.so': 'foo', '/s/A/lib/libbar.so': 'bar' };
const v0 = { patchelf: '0.19.0' } as const;

describe('a note that is up to date', () => {
  it('the fixture’s note over the tree it describes: nothing to do, glibc accepts it', async () => {
    const bytes = fixture('elf/elf64-le-ldcache');
    const report = await parse(bytes);
    for (const file of [bytes, new MemorySource(bytes), undefined]) {
      const r = checkStale(report, tree(both).vfs(), { ...v0, file });
      expect(r).toMatchObject({ present: true, stale: false, differences: [], patchelf: { action: 'unchanged', message: null } });
      expect(r.note?.source).toBe('section');
      expect(text(r.recorded)).toBe(WORKED_EXAMPLE);
      expect(r.glibc).toMatchObject({ accepted: true, problem: null, misread: null });
      expect(r.glibc.note?.source).toBe('segment');
    }
  });

  it('the big-endian twin too', async () => {
    const bytes = fixture('elf/elf64-be-ldcache');
    expect(checkStale(await parse(bytes), tree(both).vfs(), { ...v0, file: bytes }).stale).toBe(false);
  });

  it('a note written from this builder’s own output is up to date (build → note → check)', async () => {
    const vfs = tree({ '/s/A/lib/libfoo.so': 'foo', '/s/B/lib/libbar.so': 'bar', '/h/glibc-hwcaps/': '' }).vfs();
    const o = { needed: ['libfoo.so', 'libbar.so', 'libfoo.so'], runpath: ':/s/A/lib:rel:/h:/s/B/lib' };
    const descriptor = buildResolutionNote(await parse(syntheticElf(o)), vfs, v0).descriptor;
    const bytes = syntheticElf({ ...o, descriptor });
    expect(checkStale(await parse(bytes), vfs, { ...v0, file: bytes })).toMatchObject({ stale: false, differences: [], patchelf: { action: 'unchanged' } });
  });
});

describe('the tree changed', () => {
  it('a library removed: its =path is missing, its path list changed, patchelf refuses', async () => {
    const bytes = fixture('elf/elf64-le-ldcache');
    const r = checkStale(await parse(bytes), tree({ '/s/A/lib/libfoo.so': 'foo' }).vfs(), { ...v0, file: bytes });
    expect(r.stale).toBe(true);
    expect(r.differences).toEqual([
      { kind: 'exact-file-missing', soname: 'libbar.so', path: '/s/A/lib/libbar.so', errno: 'ENOENT' },
      { kind: 'path-list-changed', soname: 'libbar.so', recorded: '=/s/A/lib/libbar.so:?$ORIGIN/../lib', fresh: '?$ORIGIN/../lib' },
    ]);
    expect(r.patchelf).toEqual({ action: 'refused', message: ALREADY_PRESENT });
    expect(ALREADY_PRESENT).toBe('--build-resolution-cache: a resolution cache note is already present; rebuild from an unpatched binary');
    // glibc still accepts the note: it would try the missing file and move on (§4.3).
    expect(r.glibc.accepted).toBe(true);
  });

  it('the run-path directory replaced by a file: ENOTDIR for both =paths', async () => {
    const bytes = fixture('elf/elf64-le-ldcache');
    const r = checkStale(await parse(bytes), tree({ '/s/A/lib': 'a file now' }).vfs(), { ...v0, file: bytes });
    expect(r.differences.filter((d) => d.kind === 'exact-file-missing')).toEqual([
      { kind: 'exact-file-missing', soname: 'libbar.so', path: '/s/A/lib/libbar.so', errno: 'ENOTDIR' },
      { kind: 'exact-file-missing', soname: 'libfoo.so', path: '/s/A/lib/libfoo.so', errno: 'ENOTDIR' },
    ]);
  });

  it('a glibc-hwcaps directory appeared: no file missing, but both path lists changed', async () => {
    const bytes = fixture('elf/elf64-le-ldcache');
    const r = checkStale(await parse(bytes), tree({ ...both, '/s/A/lib/glibc-hwcaps/': '' }).vfs(), { ...v0, file: bytes });
    expect(r.stale).toBe(true);
    expect(r.differences.map((d) => d.kind)).toEqual(['path-list-changed', 'path-list-changed']);
    expect(r.fresh.entries.map((e) => e.pathList)).toEqual(['?/s/A/lib:?$ORIGIN/../lib', '?/s/A/lib:?$ORIGIN/../lib']);
  });
});

describe('the binary changed (rebuilt, carrying the old note)', () => {
  it('RUNPATH edited: every element of the old directory is no longer in the run path', async () => {
    const bytes = syntheticElf({ needed: ['libfoo.so', 'libbar.so'], runpath: '/s/B/lib:$ORIGIN/../lib', descriptor: worked });
    const vfs = tree({ ...both, '/s/B/lib/libfoo.so': 'foo', '/s/B/lib/libbar.so': 'bar' }).vfs();
    const r = checkStale(await parse(bytes), vfs, { ...v0, file: bytes });
    expect(r.differences).toEqual([
      { kind: 'element-not-in-run-path', soname: 'libbar.so', element: '=/s/A/lib/libbar.so', dir: '/s/A/lib' },
      { kind: 'path-list-changed', soname: 'libbar.so', recorded: '=/s/A/lib/libbar.so:?$ORIGIN/../lib', fresh: '=/s/B/lib/libbar.so:?$ORIGIN/../lib' },
      { kind: 'element-not-in-run-path', soname: 'libfoo.so', element: '=/s/A/lib/libfoo.so', dir: '/s/A/lib' },
      { kind: 'path-list-changed', soname: 'libfoo.so', recorded: '=/s/A/lib/libfoo.so:?$ORIGIN/../lib', fresh: '=/s/B/lib/libfoo.so:?$ORIGIN/../lib' },
    ]);
    expect(r.patchelf.action).toBe('refused');
  });

  it('a ?dir no longer in the run path', async () => {
    const bytes = syntheticElf({ needed: ['libfoo.so', 'libbar.so'], runpath: '/s/A/lib:$ORIGIN/lib', descriptor: worked });
    const r = checkStale(await parse(bytes), tree(both).vfs(), { ...v0, file: bytes });
    expect(r.differences.filter((d) => d.kind === 'element-not-in-run-path')).toEqual([
      { kind: 'element-not-in-run-path', soname: 'libbar.so', element: '?$ORIGIN/../lib', dir: '$ORIGIN/../lib' },
      { kind: 'element-not-in-run-path', soname: 'libfoo.so', element: '?$ORIGIN/../lib', dir: '$ORIGIN/../lib' },
    ]);
  });

  it('DT_NEEDED edited: an entry no longer needed, a needed library not recorded', async () => {
    const bytes = syntheticElf({ needed: ['libfoo.so', 'libbaz.so'], runpath: '/s/A/lib:$ORIGIN/../lib', descriptor: worked });
    const r = checkStale(await parse(bytes), tree({ ...both, '/s/A/lib/libbaz.so': 'baz' }).vfs(), { ...v0, file: bytes });
    expect(r.differences).toEqual([
      { kind: 'soname-not-needed', soname: 'libbar.so' },
      { kind: 'needed-not-recorded', soname: 'libbaz.so', pathList: '=/s/A/lib/libbaz.so:?$ORIGIN/../lib' },
    ]);
    expect(r.stale).toBe(true);
  });

  it('run path removed: patchelf would bail out early, and with a note present that is a refusal', async () => {
    const bytes = syntheticElf({ needed: ['libfoo.so', 'libbar.so'], descriptor: worked });
    const r = checkStale(await parse(bytes), tree(both).vfs(), { ...v0, file: bytes });
    expect(r.fresh).toMatchObject({ descriptor: null, warning: WARNING_NOTHING_TO_RESOLVE });
    expect(r).toMatchObject({ stale: true, patchelf: { action: 'refused', message: ALREADY_PRESENT } });
    expect(r.differences.map((d) => d.kind)).toEqual(Array(4).fill('element-not-in-run-path'));
  });
});

describe('the rebuild rule compares bytes (§2.4)', () => {
  it('the same pairs in another order are stale with no per-entry difference', async () => {
    const swapped = new TextEncoder().encode('libfoo.so\0=/s/A/lib/libfoo.so:?$ORIGIN/../lib\0libbar.so\0=/s/A/lib/libbar.so:?$ORIGIN/../lib\0\0');
    const bytes = syntheticElf({ needed: ['libfoo.so', 'libbar.so'], runpath: '/s/A/lib:$ORIGIN/../lib', descriptor: swapped });
    const r = checkStale(await parse(bytes), tree(both).vfs(), { ...v0, file: bytes });
    expect(r).toMatchObject({ stale: true, differences: [], patchelf: { action: 'refused' } });
  });

  it('bytes after the terminating empty key make it stale, with or without the file’s bytes', async () => {
    const junk = new TextEncoder().encode(WORKED_EXAMPLE + 'junk\0\0');
    const bytes = syntheticElf({ needed: ['libfoo.so', 'libbar.so'], runpath: '/s/A/lib:$ORIGIN/../lib', descriptor: junk });
    const report = await parse(bytes);
    for (const file of [bytes, undefined]) {
      const r = checkStale(report, tree(both).vfs(), { ...v0, file });
      expect(r).toMatchObject({ stale: true, differences: [], patchelf: { action: 'refused' } });
      expect(r.glibc.accepted).toBe(true);
    }
  });

  it('a note 0.19.0 wrote is stale under 0.19.1 when the run path ends in ":"', async () => {
    const o = { needed: ['libfoo.so'], runpath: '/s/A/lib:' };
    const vfs = tree(both).vfs();
    const bytes = syntheticElf({ ...o, descriptor: buildResolutionNote(await parse(syntheticElf(o)), vfs, v0).descriptor });
    const report = await parse(bytes);
    expect(checkStale(report, vfs, { ...v0, file: bytes }).stale).toBe(false);
    const r = checkStale(report, vfs, { patchelf: '0.19.1', file: bytes });
    expect(r.differences).toEqual([{ kind: 'path-list-changed', soname: 'libfoo.so', recorded: '=/s/A/lib/libfoo.so', fresh: '=/s/A/lib/libfoo.so:?' }]);
  });
});

describe('no note', () => {
  it('patchelf would write one', async () => {
    const r = checkStale(await parse(syntheticElf({ needed: ['libfoo.so'], runpath: '/s/A/lib' })), tree(both).vfs(), v0);
    expect(r).toMatchObject({ present: false, note: null, recorded: null, stale: false, differences: [], patchelf: { action: 'write', message: null } });
    expect(r.glibc).toEqual({ note: null, accepted: false, problem: null, misread: null });
  });

  it('patchelf would write none: its warning', async () => {
    const r = checkStale(await parse(syntheticElf({ needed: ['libfoo.so'], runpath: '/nowhere' })), tree(both).vfs(), v0);
    expect(r.patchelf).toEqual({ action: 'no-op', message: WARNING_NOTHING_RESOLVED });
  });
});

describe('whether glibc accepts the note (the decoded valid/problem, §4.2)', () => {
  const check = async (name: string) => {
    const bytes = fixture(`bad/${name}`);
    return checkStale(await parse(bytes), tree(both).vfs(), { ...v0, file: bytes });
  };

  it('an unterminated descriptor is rejected (and differs from the fresh one)', async () => {
    const r = await check('ldcache_desc_unterminated');
    expect(r.glibc).toMatchObject({ accepted: false, problem: { code: 'ldcache_desc_unterminated' } });
    expect(r.patchelf.action).toBe('refused');
  });

  it('a "\\0\\0" descriptor is rejected', async () => {
    const r = await check('ldcache_desc_too_short');
    expect(r.glibc).toMatchObject({ accepted: false, problem: { code: 'ldcache_desc_too_short' } });
    expect(text(r.recorded)).toBe('\0\0');
    expect(r.stale).toBe(true);
  });

  it('an empty path list is rejected', async () => {
    expect((await check('ldcache_empty_pathlist')).glibc).toMatchObject({ accepted: false, problem: { code: 'ldcache_empty_pathlist' } });
  });

  it('a note not named "NixOS\\0" does not match: no accepted note', async () => {
    const r = await check('ldcache_bad_name');
    expect(r.glibc).toMatchObject({ accepted: false, problem: { code: 'ldcache_bad_name' } });
    expect(r.present).toBe(true);
  });

  it('glibc walks past a note of the type not named "NixOS\\0" to a later one', async () => {
    const enc = new TextEncoder();
    const report = await parse(syntheticElf({
      needed: ['libfoo.so'], runpath: '/s/A/lib',
      descriptor: enc.encode('libfoo.so\0=/s/A/lib/libfoo.so\0\0'), before: [{ owner: 'NixOs', desc: enc.encode('x\0?y\0\0') }],
    }));
    const segment = report.notes.find((n) => n.source === 'segment' && n.owner === 'NixOs')!;
    // The fixture builder's PT_NOTE covers only the first section of the group (p_filesz 0x1c,
    // readelf -l agrees), so the later note is reached through its section only; add it as a
    // segment note, as a PT_NOTE spanning both would show it.
    const later = report.notes.find((n) => n.source === 'section' && n.owner === 'NixOS')!;
    const withLater = { ...report, notes: [...report.notes, { ...later, source: 'segment' as const, sourceIndex: segment.sourceIndex }] };
    expect(glibcView(report)).toMatchObject({ note: { owner: 'NixOs' }, accepted: false, problem: { code: 'ldcache_bad_name' } });
    expect(glibcView(withLater)).toMatchObject({ note: { owner: 'NixOS', offset: later.offset }, accepted: true, problem: null });
  });

  it('p_align 8: the descriptor is byte-equal to the fresh one, but glibc reads it elsewhere', async () => {
    const r = await check('ldcache_segment_align');
    expect(r.stale).toBe(false);
    expect(r.glibc.misread).toMatchObject({ code: 'ldcache_segment_align' });
  });
});
