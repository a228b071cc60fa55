// buildResolutionNote: patchelf 0.19's buildResolutionCache() (resolution-note.md §3.1) and the
// 0.19.1 changes (§3.2), over memory trees. The gcc-built scenarios of patchelf's own tests are in
// patchelf-scenarios.test.ts.
import { describe, expect, it } from 'vitest';
import {
  buildResolutionNote, splitRunPath, WARNING_NO_DYNAMIC, WARNING_NOTHING_RESOLVED, WARNING_NOTHING_TO_RESOLVE,
  type PatchelfVersion,
} from '../../src/core/note/build.ts';
import type { Vfs } from '../../src/core/vfs/types.ts';
import { fixture, parse, syntheticElf, text, tree } from './helpers.ts';

const WORKED_EXAMPLE = 'libbar.so\0=/s/A/lib/libbar.so:?$ORIGIN/../lib\0libfoo.so\0=/s/A/lib/libfoo.so:?$ORIGIN/../lib\0\0';
const workedTree = () => tree({ '/s/A/lib/libfoo.so': 'foo', '/s/A/lib/libbar.so': 'bar' }).vfs();

/** The descriptor built for a synthetic ELF, as text (NULs kept), or null. */
async function descriptorOf(o: { needed: string[]; runpath?: string; rpath?: string }, vfs: Vfs, patchelf: PatchelfVersion = '0.19.0') {
  return text(buildResolutionNote(await parse(syntheticElf(o)), vfs, { patchelf }).descriptor);
}

describe('the worked example (§2.2) against the committed fixtures', () => {
  for (const name of ['elf64-le-ldcache', 'elf64-be-ldcache']) {
    it(`${name}: the built descriptor is the one the file carries, byte for byte`, async () => {
      const bytes = fixture(`elf/${name}`);
      const report = await parse(bytes);
      const built = buildResolutionNote(report, workedTree(), { patchelf: '0.19.0' });
      const note = report.notes.find((n) => n.source === 'section' && n.owner === 'NixOS')!;
      expect(note.descSize).toBe(0x5d);
      expect(built.descriptor).toEqual(bytes.subarray(note.descOffset, note.descOffset + note.descSize));
      expect(text(built.descriptor)).toBe(WORKED_EXAMPLE);
      expect(built.warning).toBeNull();
      expect(built.runPath).toEqual({ tag: 'DT_RUNPATH', text: '/s/A/lib:$ORIGIN/../lib' });
      expect(built.entries.map((e) => [e.soname, e.elements])).toEqual([
        ['libbar.so', [{ kind: 'exact', path: '/s/A/lib/libbar.so' }, { kind: 'search', dir: '$ORIGIN/../lib' }]],
        ['libfoo.so', [{ kind: 'exact', path: '/s/A/lib/libfoo.so' }, { kind: 'search', dir: '$ORIGIN/../lib' }]],
      ]);
      expect(built.components).toEqual([
        { dir: '/s/A/lib', action: 'probe', reason: 'directory', errno: null, found: ['libfoo.so', 'libbar.so'] },
        { dir: '$ORIGIN/../lib', action: 'hint', reason: 'dst', errno: null, found: [] },
      ]);
    });
  }

  it('0.19.1 builds the same descriptor for it', async () => {
    const report = await parse(fixture('elf/elf64-le-ldcache'));
    expect(text(buildResolutionNote(report, workedTree(), { patchelf: '0.19.1' }).descriptor)).toBe(WORKED_EXAMPLE);
  });
});

describe('no note, with patchelf’s warnings (§2.5)', () => {
  it('an object without .dynamic (a relocatable .o): no dynamic section', async () => {
    const built = buildResolutionNote(await parse(fixture('elf/gcc-x86_64-relocatable.o')), workedTree(), { patchelf: '0.19.0' });
    expect(built).toMatchObject({ descriptor: null, warning: WARNING_NO_DYNAMIC, entries: [] });
    expect(WARNING_NO_DYNAMIC).toBe('no dynamic section (statically linked?); no cache written');
  });

  it('patchelf finds .dynamic by section name: garbage section headers mean no dynamic section', async () => {
    const built = buildResolutionNote(await parse(fixture('elf/elf64-le-garbage-sections')), workedTree(), { patchelf: '0.19.0' });
    expect(built.warning).toBe(WARNING_NO_DYNAMIC);
  });

  it('no run path (libstormglass.so.1 has none): nothing to resolve', async () => {
    const built = buildResolutionNote(await parse(fixture('elf/gcc-x86_64-libstormglass.so.1')), workedTree(), { patchelf: '0.19.1' });
    expect(built).toMatchObject({ descriptor: null, warning: WARNING_NOTHING_TO_RESOLVE, runPath: null, components: [] });
    expect(WARNING_NOTHING_TO_RESOLVE).toBe('no DT_NEEDED entries or run path to resolve; no cache written');
  });

  it('no DT_NEEDED: nothing to resolve', async () => {
    const report = await parse(syntheticElf({ needed: [], runpath: '/s/A/lib' }));
    expect(buildResolutionNote(report, workedTree(), { patchelf: '0.19.0' }).warning).toBe(WARNING_NOTHING_TO_RESOLVE);
  });

  it('an empty run path splits to no component in both versions: nothing to resolve', async () => {
    for (const patchelf of ['0.19.0', '0.19.1'] as const) {
      const report = await parse(syntheticElf({ needed: ['libfoo.so'], runpath: '' }));
      expect(buildResolutionNote(report, workedTree(), { patchelf }).warning).toBe(WARNING_NOTHING_TO_RESOLVE);
    }
  });

  it('nothing found and no hint: nothing resolved', async () => {
    const report = await parse(syntheticElf({ needed: ['libfoo.so'], runpath: '/s/B/lib:/s/A/lib' }));
    const built = buildResolutionNote(report, tree({ '/s/A/lib/other.so': 'x' }).vfs(), { patchelf: '0.19.0' });
    expect(built).toMatchObject({ descriptor: null, warning: WARNING_NOTHING_RESOLVED, entries: [] });
    expect(built.components.map((c) => [c.dir, c.action, c.reason, c.errno])).toEqual([
      ['/s/B/lib', 'probe', 'missing', 'ENOENT'],
      ['/s/A/lib', 'probe', 'directory', null],
    ]);
    expect(WARNING_NOTHING_RESOLVED).toBe('no libraries resolved against the run path; no cache written');
  });

  it('only DT_NEEDED names with a slash: nothing searched, nothing resolved', async () => {
    const report = await parse(syntheticElf({ needed: ['/s/A/lib/libfoo.so'], runpath: '$ORIGIN' }));
    const built = buildResolutionNote(report, workedTree(), { patchelf: '0.19.0' });
    expect(built).toMatchObject({ warning: WARNING_NOTHING_RESOLVED, searched: [], skipped: ['/s/A/lib/libfoo.so'] });
  });
});

describe('which run path, which names', () => {
  it('DT_RPATH when there is no DT_RUNPATH; a duplicated DT_NEEDED duplicates its elements', async () => {
    // elf32-le-i386: DT_NEEDED libm.so.6, libc.so.6, libdl.so.2, libm.so.6; DT_RPATH only.
    const report = await parse(fixture('elf/elf32-le-i386'));
    const built = buildResolutionNote(report, tree({ '/opt/i386/lib/libm.so.6': 'm' }).vfs(), { patchelf: '0.19.0' });
    expect(built.runPath).toEqual({ tag: 'DT_RPATH', text: '/opt/i386/lib:$ORIGIN/../lib' });
    expect(text(built.descriptor)).toBe(
      'libc.so.6\0?$ORIGIN/../lib\0' +
      'libdl.so.2\0?$ORIGIN/../lib\0' +
      'libm.so.6\0=/opt/i386/lib/libm.so.6:=/opt/i386/lib/libm.so.6:?$ORIGIN/../lib:?$ORIGIN/../lib\0\0',
    );
  });

  it('DT_RUNPATH wins over DT_RPATH', async () => {
    const vfs = tree({ '/r/libfoo.so': 'r', '/p/libfoo.so': 'p' }).vfs();
    expect(await descriptorOf({ needed: ['libfoo.so'], runpath: '/r', rpath: '/p' }, vfs)).toBe('libfoo.so\0=/r/libfoo.so\0\0');
    expect(await descriptorOf({ needed: ['libfoo.so'], rpath: '/p' }, vfs)).toBe('libfoo.so\0=/p/libfoo.so\0\0');
  });

  it('skips names containing a slash, keeps DT_NEEDED order in `searched`', async () => {
    const report = await parse(syntheticElf({ needed: ['libfoo.so', './libbar.so', 'sub/libbar.so', 'libbar.so'], runpath: '/s/A/lib' }));
    const built = buildResolutionNote(report, workedTree(), { patchelf: '0.19.0' });
    expect(built.searched).toEqual(['libfoo.so', 'libbar.so']);
    expect(built.skipped).toEqual(['./libbar.so', 'sub/libbar.so']);
    expect(text(built.descriptor)).toBe('libbar.so\0=/s/A/lib/libbar.so\0libfoo.so\0=/s/A/lib/libfoo.so\0\0');
  });

  it('sorts pairs by their UTF-8 bytes (std::map), not by UTF-16 units', async () => {
    // U+FF61 is EF BD A1 in UTF-8, U+1F600 is F0 9F 98 80: bytewise U+FF61 first, though its
    // UTF-16 unit 0xFF61 sorts after the surrogate 0xD83D.
    const names = ['liba.so', 'lib\u{1F600}.so', 'libZ.so', 'lib\uFF61.so', 'lib~.so', 'lib\u00e9.so'];
    const built = buildResolutionNote(await parse(syntheticElf({ needed: names, runpath: '$ORIGIN' })), workedTree(), { patchelf: '0.19.0' });
    expect(built.entries.map((e) => e.soname)).toEqual(['libZ.so', 'liba.so', 'lib~.so', 'lib\u00e9.so', 'lib\uFF61.so', 'lib\u{1F600}.so']);
  });
});

describe('classifying run-path components (§3.1 step 5)', () => {
  it('records the spelling, not the symlink target; a dangling symlink is not found', async () => {
    const vfs = tree({
      '/real/libfoo.so.1': 'foo',
      '/s/A/lib/libfoo.so': { link: '../../../real/libfoo.so.1' },
      '/s/A/lib/libbar.so': { link: '/nowhere/libbar.so' },
      '/s/L': { link: '/s/A/lib' },
    }).vfs();
    expect(await descriptorOf({ needed: ['libfoo.so', 'libbar.so'], runpath: '/s/L:/s/A/lib/' }, vfs))
      .toBe('libfoo.so\0=/s/L/libfoo.so:=/s/A/lib//libfoo.so\0\0');
  });

  it('a directory holding glibc-hwcaps (any kind of entry, symlinks followed) is a hint, its files unprobed', async () => {
    const vfs = tree({
      '/h1/glibc-hwcaps/x86-64-v3/': '', '/h1/libfoo.so': 'foo',
      '/h2/glibc-hwcaps': 'a plain file', '/h2/libfoo.so': 'foo',
      '/h3/glibc-hwcaps': { link: '/h1/glibc-hwcaps' }, '/h3/libfoo.so': 'foo',
      '/h4/glibc-hwcaps': { link: '/missing' }, '/h4/libfoo.so': 'foo',
    }).vfs();
    const built = buildResolutionNote(await parse(syntheticElf({ needed: ['libfoo.so'], runpath: '/h1:/h2:/h3:/h4' })), vfs, { patchelf: '0.19.0' });
    expect(text(built.descriptor)).toBe('libfoo.so\0?/h1:?/h2:?/h3:=/h4/libfoo.so\0\0');
    expect(built.components.map((c) => c.reason)).toEqual(['hwcaps', 'hwcaps', 'hwcaps', 'directory']);
  });

  it('any "$" makes a hint: DST tokens and other dollars alike', async () => {
    const vfs = tree({ '/opt/$FOO/lib/libfoo.so': 'x', '/opt/${LIB}/libfoo.so': 'x' }).vfs();
    const built = buildResolutionNote(await parse(syntheticElf({ needed: ['libfoo.so'], runpath: '/opt/$FOO/lib:/opt/${LIB}' })), vfs, { patchelf: '0.19.0' });
    expect(text(built.descriptor)).toBe('libfoo.so\0?/opt/$FOO/lib:?/opt/${LIB}\0\0');
    expect(built.components.map((c) => c.reason)).toEqual(['dollar', 'dst']);
  });

  it('every hint goes to every searched soname, found or not, in run-path order', async () => {
    expect(await descriptorOf({ needed: ['libfoo.so', 'libnone.so'], runpath: 'rel:/s/A/lib::$ORIGIN' }, workedTree()))
      .toBe('libfoo.so\0?rel:=/s/A/lib/libfoo.so:?:?$ORIGIN\0libnone.so\0?rel:?:?$ORIGIN\0\0');
  });
});

describe('0.19.0 and 0.19.1 (§3.2)', () => {
  const needed = ['libfoo.so'];

  it('splits: 0.19.0 drops only a trailing empty component, 0.19.1 keeps it', () => {
    expect(splitRunPath('a::b:', '0.19.0')).toEqual(['a', '', 'b']);
    expect(splitRunPath('a::b:', '0.19.1')).toEqual(['a', '', 'b', '']);
    expect(splitRunPath(':', '0.19.0')).toEqual(['']);
    expect(splitRunPath(':', '0.19.1')).toEqual(['', '']);
    expect(splitRunPath('', '0.19.1')).toEqual([]);
  });

  it('a trailing empty component: no hint in 0.19.0, "?" in 0.19.1', async () => {
    const o = { needed, runpath: '/s/A/lib:' };
    expect(await descriptorOf(o, workedTree(), '0.19.0')).toBe('libfoo.so\0=/s/A/lib/libfoo.so\0\0');
    expect(await descriptorOf(o, workedTree(), '0.19.1')).toBe('libfoo.so\0=/s/A/lib/libfoo.so:?\0\0');
  });

  it('a missing absolute directory: nothing in 0.19.0, "?dir" in 0.19.1', async () => {
    const o = { needed, runpath: '/run/opengl-driver/lib:/s/A/lib' };
    expect(await descriptorOf(o, workedTree(), '0.19.0')).toBe('libfoo.so\0=/s/A/lib/libfoo.so\0\0');
    expect(await descriptorOf(o, workedTree(), '0.19.1')).toBe('libfoo.so\0?/run/opengl-driver/lib:=/s/A/lib/libfoo.so\0\0');
  });

  it('only missing directories: 0.19.0 writes no note, 0.19.1 writes hints', async () => {
    const report = await parse(syntheticElf({ needed, runpath: '/run/opengl-driver/lib' }));
    expect(buildResolutionNote(report, workedTree(), { patchelf: '0.19.0' }).warning).toBe(WARNING_NOTHING_RESOLVED);
    const built = buildResolutionNote(report, workedTree(), { patchelf: '0.19.1' });
    expect(text(built.descriptor)).toBe('libfoo.so\0?/run/opengl-driver/lib\0\0');
    expect(built.components[0]).toMatchObject({ action: 'hint', reason: 'missing', errno: 'ENOENT' });
  });

  it('a plain file as a component: nothing in 0.19.0, "?" in 0.19.1', async () => {
    const vfs = tree({ '/s/A/lib/libfoo.so': 'foo', '/s/file': 'not a dir' }).vfs();
    const o = { needed, runpath: '/s/file:/s/file/:/s/A/lib' };
    expect(await descriptorOf(o, vfs, '0.19.0')).toBe('libfoo.so\0=/s/A/lib/libfoo.so\0\0');
    expect(await descriptorOf(o, vfs, '0.19.1')).toBe('libfoo.so\0?/s/file:?/s/file/:=/s/A/lib/libfoo.so\0\0');
    const built = buildResolutionNote(await parse(syntheticElf(o)), vfs, { patchelf: '0.19.1' });
    expect(built.components.slice(0, 2).map((c) => [c.reason, c.errno])).toEqual([['not-directory', 'ENOTDIR'], ['not-directory', 'ENOTDIR']]);
  });

  it('a directory with no execute bit: probed by 0.19.0 (the Vfs models no users), a hint in 0.19.1', async () => {
    const vfs = tree({ '/s/A/lib/libfoo.so': 'foo', '/s/A/lib/': { dir: 0o644 } }).vfs();
    const o = { needed, runpath: '/s/A/lib' };
    expect(await descriptorOf(o, vfs, '0.19.0')).toBe('libfoo.so\0=/s/A/lib/libfoo.so\0\0');
    expect(await descriptorOf(o, vfs, '0.19.1')).toBe('libfoo.so\0?/s/A/lib\0\0');
  });
});
