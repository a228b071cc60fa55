// Tests of the readelf oracle itself (runner, splitter, parsers, file walker),
// against real system files, raw header bytes and small ELF32 fixtures.
// The whole-directory sweep lives in readelf-corpus.test.ts.
import { execFileSync } from 'node:child_process';
import { copyFileSync, linkSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { emptyScanStats, listElfFiles } from './elf-files.ts';
import { buildElf32Fixtures } from './fixtures.ts';
import { rawBuildId, readRange, readRawElf } from './raw-elf.ts';
import {
  buildIdOf,
  hasReadelfError,
  parseDynamic,
  parseFileHeader,
  parseNotes,
  parseProgramHeaders,
  parseSections,
  parseVersionInfo,
  readelfAvailable,
  readelfBatch,
  readelfBatchDetailed,
  readelfOne,
  splitReadelfOutput,
} from './readelf.ts';

const LS = '/usr/bin/ls';
const LIBC = '/usr/lib/x86_64-linux-gnu/libc.so.6';
const SYSTEM_DIRS = ['/usr/bin', '/usr/lib/x86_64-linux-gnu'];

const PT: Record<string, number> = {
  NULL: 0, LOAD: 1, DYNAMIC: 2, INTERP: 3, NOTE: 4, SHLIB: 5, PHDR: 6, TLS: 7,
  GNU_EH_FRAME: 0x6474e550, GNU_STACK: 0x6474e551, GNU_RELRO: 0x6474e552, GNU_PROPERTY: 0x6474e553,
};

/** Numeric p_type for a readelf type name (including LOOS+/LOPROC+/<unknown>). */
function ptypeNumber(name: string): number {
  const known = PT[name];
  if (known !== undefined) return known;
  const m = /^(LOOS\+0x|LOPROC\+0x|<unknown>: )([0-9a-f]+)$/.exec(name);
  const base = { 'LOOS+0x': 0x60000000, 'LOPROC+0x': 0x70000000, '<unknown>: ': 0 }[m?.[1] ?? ''];
  if (m?.[2] !== undefined && base !== undefined) return base + parseInt(m[2], 16);
  throw new Error(`unmapped segment type ${name}`);
}

function flagBits(flags: string): number {
  return (flags[0] === 'R' ? 4 : 0) | (flags[1] === 'W' ? 2 : 0) | (flags[2] === 'E' ? 1 : 0);
}

/** Program headers and sections parsed from readelf must equal the raw tables. */
function expectMatchesRawBytes(file: string): void {
  const r = readelfOne(file, '-lS');
  const raw = readRawElf(file);
  const ph = parseProgramHeaders(r.stdout);
  expect(ph.unparsed).toEqual([]);
  expect(
    ph.headers.map((h) => ({ ...h, type: ptypeNumber(h.type), flags: flagBits(h.flags) })),
  ).toEqual(raw.phdrs.map((p) => ({ ...p, flags: p.flags & 7 })));
  const sh = parseSections(r.stdout);
  expect(sh.unparsed).toEqual([]);
  expect(sh.sections.map((s) => [s.index, s.name, s.address, s.offset, s.size, s.entsize, s.link, s.info, s.align])).toEqual(
    raw.shdrs.map((s, i) => [i, s.name, s.addr, s.offset, s.size, s.entsize, s.link, s.info, s.align]),
  );
}

describe.skipIf(!readelfAvailable())('readelf oracle', () => {
  afterAll(() => {
    const fx = buildElf32Fixtures();
    if (fx) rmSync(fx.dir, { recursive: true, force: true });
  });

  describe('splitting multi-file output', () => {
    it('gives a lone file all of stdout (readelf prints no "File:" line for one file)', () => {
      const one = readelfOne(LS, '-d');
      expect(one.stdout).not.toContain('File: ');
      expect(one.stdout.startsWith('\nDynamic section at offset')).toBe(true);
      expect(splitReadelfOutput('abc\n', ['/x'])).toEqual(new Map([['/x', 'abc\n']]));
    });

    it('splits on "\\nFile: <path>\\n" in argument order and marks absent files', () => {
      const text = '\nFile: /a\nA1\nA2\n\nFile: /c\nC\n';
      expect(splitReadelfOutput(text, ['/a', '/b', '/c'])).toEqual(
        new Map([['/a', 'A1\nA2\n'], ['/b', null], ['/c', 'C\n']]),
      );
    });

    it('parses a file identically alone and inside a batch of 50', () => {
      const files = listElfFiles(['/usr/bin']).slice(0, 50);
      expect(files.length).toBe(50);
      const batch = readelfBatch(files, '-lndSV', { batchSize: 50 });
      expect([...batch.keys()]).toEqual(files);
      for (const f of [files[0]!, files[1]!, files[24]!, files[49]!]) {
        const alone = readelfOne(f, '-lndSV').stdout;
        expect(batch.get(f)).toBe(alone);
        expect(parseDynamic(batch.get(f)!)).toEqual(parseDynamic(alone));
      }
      // Each part holds exactly one file's output: one program header table each.
      for (const f of files) expect(batch.get(f)!.match(/^Program Headers:$/gm)?.length ?? 0).toBeLessThanOrEqual(1);
    });

    it('marks a file readelf cannot open as missing, without disturbing its neighbours', () => {
      const files = [LS, '/nonexistent/stormglass-oracle', '/usr/bin/cat'];
      const res = readelfBatchDetailed(files, '-d');
      expect(res.get(files[1]!)).toEqual({
        stdout: '',
        diagnostics: ["readelf: Error: '/nonexistent/stormglass-oracle': No such file"],
        missing: true,
      });
      for (const f of [LS, '/usr/bin/cat']) {
        expect(res.get(f)!.missing).toBe(false);
        expect(res.get(f)!.diagnostics).toEqual([]);
        expect(res.get(f)!.stdout).toBe(readelfOne(f, '-d').stdout);
      }
    });

    it('gives the same per-file text whatever the batch size', () => {
      const files = listElfFiles(['/usr/bin']).slice(0, 30);
      expect(readelfBatch(files, '-d', { batchSize: 7 })).toEqual(readelfBatch(files, '-d', { batchSize: 200 }));
    });
  });

  describe('known system files', () => {
    it('/usr/bin/ls: interpreter, NEEDED, PIE flags and segments', () => {
      const r = readelfOne(LS, '-ld');
      const ph = parseProgramHeaders(r.stdout);
      expect(ph.interpreter).toBe('/lib64/ld-linux-x86-64.so.2');
      expect(ph.fileType).toMatch(/^DYN \(/);
      const types = ph.headers.map((h) => h.type);
      expect(types).toContain('LOAD');
      expect(types).toContain('GNU_STACK');
      expect(ph.headers.find((h) => h.type === 'GNU_STACK')!.flags).toBe('RW ');
      expect(ph.headers.filter((h) => h.type === 'LOAD').some((h) => h.flags === 'R E')).toBe(true);
      expect(ph.mapping.length).toBe(ph.headers.length);
      expect(ph.mapping[types.indexOf('INTERP')]?.sections).toEqual(['.interp']);

      const dyn = parseDynamic(r.stdout);
      expect(dyn.unparsed).toEqual([]);
      expect(dyn.needed).toContain('libc.so.6');
      expect(dyn.entries.length).toBe(dyn.declaredCount);
      expect(dyn.entries.at(-1)).toEqual({ tag: 0n, name: 'NULL', value: '0x0' });
      expect(dyn.flags1).toMatch(/^Flags: .*\bPIE\b/);
      expect(dyn.soname).toBeNull();
    });

    it('libc.so.6: SONAME, build-id note matching the raw bytes, version definitions', () => {
      const r = readelfOne(LIBC, '-dnSV');
      expect(parseDynamic(r.stdout).soname).toBe('libc.so.6');

      const notes = parseNotes(r.stdout);
      expect(notes.unparsed).toEqual([]);
      const bid = notes.notes.find((n) => n.description === 'NT_GNU_BUILD_ID (unique build ID bitstring)');
      expect(bid).toBeDefined();
      expect(bid!.owner).toBe('GNU');
      expect(bid!.source).toEqual({ kind: 'section', name: '.note.gnu.build-id' });
      const sec = parseSections(r.stdout).sections.find((s) => s.name === '.note.gnu.build-id')!;
      const fromBytes = rawBuildId(LIBC, Number(sec.offset), Number(sec.size));
      expect(fromBytes).toMatch(/^[0-9a-f]{16,}$/);
      expect(buildIdOf(notes)).toBe(fromBytes);
      expect(bid!.dataSize).toBe(fromBytes!.length / 2);

      const v = parseVersionInfo(r.stdout);
      expect(v.unparsed).toEqual([]);
      expect(v.definitions[0]).toMatchObject({ flags: 'BASE', index: 1, name: 'libc.so.6' });
      expect(v.definitions.map((d) => d.name)).toContain('GLIBC_2.2.5');
      expect(v.definitions.length).toBe(v.definitionsSection!.declaredCount);
      for (const d of v.definitions) expect(d.parents.length).toBe(d.count - 1);
      expect(v.symbols.length).toBe(v.symbolsSection!.declaredCount);
      // Symbol versions (index + hidden bit) equal the raw .gnu.version words.
      const versym = parseSections(r.stdout).sections.find((s) => s.name === '.gnu.version')!;
      const words = readRange(LIBC, Number(versym.offset), Number(versym.size));
      const raw = Array.from({ length: words.length / 2 }, (_, i) => words.readUInt16LE(2 * i));
      expect(v.symbols.map((s) => s.index | (s.hidden ? 0x8000 : 0))).toEqual(raw);
      expect(v.symbols.some((s) => s.hidden)).toBe(true);
    });

    it('/usr/bin/ls: version needs name libc.so.6 and match the symbol version table', () => {
      const v = parseVersionInfo(readelfOne(LS, '-V').stdout);
      expect(v.unparsed).toEqual([]);
      const libc = v.needs.find((n) => n.file === 'libc.so.6')!;
      expect(libc.entries.length).toBe(libc.count);
      expect(libc.entries.map((e) => e.name)).toContain('GLIBC_2.2.5');
      expect(v.needs.length).toBe(v.needsSection!.declaredCount);
      expect(v.symbols[0]).toEqual({ index: 0, hidden: false, name: '*local*' });
      const byIndex = new Map(v.needs.flatMap((n) => n.entries).map((e) => [e.version, e.name]));
      for (const s of v.symbols) if (s.index >= 2) expect(s.name).toBe(byIndex.get(s.index));
    });

    it('section count equals "Number of section headers" from -h', () => {
      for (const f of [LS, LIBC]) {
        const r = readelfOne(f, '-hS');
        const hdr = parseFileHeader(r.stdout);
        const s = parseSections(r.stdout);
        expect(hdr.sectionHeaderCount).toBeGreaterThan(10);
        expect(s.sections.length).toBe(hdr.sectionHeaderCount);
        expect(s.sections.map((x) => x.index)).toEqual([...Array(s.sections.length).keys()]);
        // With -h, readelf drops its own "There are N section headers" line.
        expect(s.declaredCount).toBeNull();
        expect(parseSections(readelfOne(f, '-S').stdout).declaredCount).toBe(hdr.sectionHeaderCount);
      }
    });

    it('parsed program and section headers equal the raw header tables', () => {
      expectMatchesRawBytes(LS);
      expectMatchesRawBytes(LIBC);
    });
  });

  describe.runIf(buildElf32Fixtures() !== null)('ELF32 fixtures (column widths, odd values)', () => {
    const fx = buildElf32Fixtures()!;

    it('exe32: interpreter, NEEDED, RUNPATH and flags', () => {
      const r = readelfOne(fx.exe, '-hld');
      expect(parseFileHeader(r.stdout).elfClass).toBe('ELF32');
      const ph = parseProgramHeaders(r.stdout);
      expect(ph.unparsed).toEqual([]);
      expect(ph.interpreter).toBe('/lib/ld-linux.so.2');
      const dyn = parseDynamic(r.stdout);
      expect(dyn.unparsed).toEqual([]);
      expect(dyn.needed).toEqual(['libfoo32.so.1']);
      expect(dyn.runpath).toBe('$ORIGIN/lib');
      expect(dyn.rpath).toBeNull();
      expect(dyn.flags).toBe('BIND_NOW');
      expect(dyn.flags1).toBe('Flags: NOW PIE');
      expect(dyn.entries[0]).toEqual({ tag: 1n, name: 'NEEDED', value: 'Shared library: [libfoo32.so.1]' });
      expectMatchesRawBytes(fx.exe);
    });

    it('exe32: version needs and the shared library definitions', () => {
      const need = parseVersionInfo(readelfOne(fx.exe, '-V').stdout);
      expect(need.unparsed).toEqual([]);
      expect(need.needs).toEqual([
        { offset: 0n, version: 1, file: 'libfoo32.so.1', count: 1, entries: [{ offset: 0x10n, name: 'FOO_1.0', flags: 'none', version: 2 }] },
      ]);
      const lib = readelfOne(fx.lib, '-dV');
      expect(parseDynamic(lib.stdout).soname).toBe('libfoo32.so.1');
      const defs = parseVersionInfo(lib.stdout).definitions;
      expect(defs.map((d) => [d.flags, d.index, d.name])).toEqual([['BASE', 1, 'libfoo32.so.1'], ['none', 2, 'FOO_1.0']]);
    });

    it('reads RPATH and the empty value of DT_BIND_NOW (old-style tags)', () => {
      const dyn = parseDynamic(readelfOne(fx.exeOldTags, '-d').stdout);
      expect(dyn.unparsed).toEqual([]);
      expect(dyn.rpath).toBe('/opt/x');
      expect(dyn.runpath).toBeNull();
      expect(dyn.entries.find((e) => e.name === 'BIND_NOW')).toEqual({ tag: 0x18n, name: 'BIND_NOW', value: '' });
    });

    it('keeps duplicate NEEDED entries in order and reads unknown tag names', () => {
      const dyn = parseDynamic(readelfOne(fx.exeDupNeeded, '-d').stdout);
      expect(dyn.unparsed).toEqual([]);
      expect(dyn.needed).toEqual(['libfoo32.so.1', 'libfoo32.so.1']);
      expect(dyn.runpath).toBeNull();
      expect(dyn.entries.find((e) => e.tag === 0x123n)?.name).toBe('<unknown>: 123');
    });

    it('odd32: unknown and flag-less segments, spaced section names, unknown types', () => {
      const r = readelfOne(fx.odd, '-lSn');
      const ph = parseProgramHeaders(r.stdout);
      expect(ph.unparsed).toEqual([]);
      expect(ph.headers.map((h) => [h.type, h.flags])).toEqual([
        ['LOAD', 'R E'], ['LOOS+0x1234', 'R  '], ['NULL', '   '], ['LOPROC+0x42', 'RWE'], ['NOTE', 'R  '], ['<unknown>: 123', 'R  '],
      ]);
      const sh = parseSections(r.stdout);
      expect(sh.unparsed).toEqual([]);
      expect(sh.sections.map((s) => [s.name, s.type, s.flags])).toEqual([
        ['', 'NULL', ''],
        ['.text', 'PROGBITS', 'AX'],
        ['a very long section name with spaces', 'PROGBITS', 'A'],
        ['.weird', 'LOOS+0xfff1234', 'A'],
        ['.note.test', 'NOTE', 'A'],
        ['.usr', 'LOUSER+0x123', ''],
        ['.unk', '00000123: <unknown>', 'A'],
        ['.note.stapsdt', 'NOTE', ''],
        ['.symtab', 'SYMTAB', ''],
        ['.strtab', 'STRTAB', ''],
        ['.shstrtab', 'STRTAB', ''],
      ]);
      const test = { kind: 'section', name: '.note.test' };
      expect(parseNotes(r.stdout)).toEqual({
        notes: [
          { source: test, owner: 'XYZ', dataSize: 8, description: 'Unknown note type: (0x00001234)', details: ['description data: ef be ad de be ba fe ca'] },
          { source: test, owner: 'Odd Owner 0x1234', dataSize: 0, description: 'Unknown note type: (0x00000099)', details: [] },
          {
            source: { kind: 'section', name: '.note.stapsdt' },
            owner: 'stapsdt',
            dataSize: 31,
            description: 'NT_STAPSDT (SystemTap probe descriptors)',
            details: ['Provider: prov', 'Name: probe', 'Location: 0x000100d4, Base: 0x00000200, Semaphore: 0x00000000', 'Arguments: -4@%eax'],
          },
        ],
        unparsed: [],
      });
      const load = ph.headers[0]!;
      expect(load.paddr - load.vaddr).toBe(0x10000n);
      expectMatchesRawBytes(fx.odd);
    });

    it('without section headers, notes are listed per PT_NOTE segment', () => {
      const withSections = parseNotes(readelfOne(fx.exe, '-n').stdout);
      const r = readelfOne(fx.exeNoSections, '-nS');
      expect(parseSections(r.stdout).noSections).toBe(true);
      const notes = parseNotes(r.stdout);
      expect(notes.unparsed).toEqual([]);
      expect(notes.notes).toHaveLength(1);
      expect(notes.notes[0]?.source.kind).toBe('segment');
      const note = parseProgramHeaders(readelfOne(fx.exe, '-l').stdout).headers.find((h) => h.type === 'NOTE')!;
      expect(notes.notes[0]?.source).toEqual({ kind: 'segment', offset: note.offset, length: note.filesz });
      expect(buildIdOf(notes)).toMatch(/^[0-9a-f]{40}$/);
      expect(buildIdOf(notes)).toBe(buildIdOf(withSections));
    });

    it('attributes diagnostics to the broken file of a batch and does not throw', () => {
      const good = listElfFiles(['/usr/bin']).slice(0, 9);
      const files = [...good.slice(0, 4), fx.truncated, ...good.slice(4)];
      const res = readelfBatchDetailed(files, '-lS');
      expect([...res.keys()]).toEqual(files);
      const broken = res.get(fx.truncated)!;
      expect(broken.diagnostics.length).toBeGreaterThan(0);
      expect(broken.diagnostics.every((d) => /^readelf: (Warning|Error): /.test(d))).toBe(true);
      expect(hasReadelfError(broken)).toBe(true);
      for (const f of good) {
        expect(res.get(f)!.diagnostics).toEqual([]);
        expect(parseProgramHeaders(res.get(f)!.stdout).headers.length).toBeGreaterThan(0);
      }
    });
  });

  describe('listElfFiles', () => {
    it('lists each real ELF once, skips directory symlinks, FIFOs and non-ELF files', () => {
      const fx = buildElf32Fixtures();
      const elfSource = fx?.exe ?? LS;
      const root = mkdtempSync(join(tmpdir(), 'stormglass-walk-'));
      const outside = mkdtempSync(join(tmpdir(), 'stormglass-outside-'));
      mkdirSync(join(root, 'sub'));
      copyFileSync(elfSource, join(root, 'sub', 'real'));
      linkSync(join(root, 'sub', 'real'), join(root, 'hardlink'));
      symlinkSync(join(root, 'sub', 'real'), join(root, 'link-to-real'));
      writeFileSync(join(root, 'text'), 'not elf');
      writeFileSync(join(root, 'short'), '\x7fEL');
      symlinkSync(join(root, 'missing'), join(root, 'dangling'));
      copyFileSync(elfSource, join(outside, 'elsewhere'));
      mkdirSync(join(outside, 'tree'));
      copyFileSync(elfSource, join(outside, 'tree', 'hidden'));
      symlinkSync(join(outside, 'elsewhere'), join(root, 'link-outside'));
      symlinkSync(join(outside, 'tree'), join(root, 'dirlink'));
      execFileSync('mkfifo', [join(root, 'fifo')]);

      try {
        const stats = emptyScanStats();
        expect(listElfFiles([root], { stats })).toEqual([join(outside, 'elsewhere'), join(root, 'hardlink')].sort());
        expect(stats).toMatchObject({ elf: 2, notElf: 2, brokenSymlinks: 1, skippedDirSymlinks: 1, duplicates: 2, unreadable: 0 });
        expect(listElfFiles([root], { followFileSymlinks: false })).toEqual([join(root, 'hardlink')]);
      } finally {
        rmSync(root, { recursive: true, force: true });
        rmSync(outside, { recursive: true, force: true });
      }
    });

    it('finds a sorted, duplicate-free set of >1000 ELF files in the system dirs', () => {
      const stats = emptyScanStats();
      const files = listElfFiles(SYSTEM_DIRS, { stats });
      expect(files.length).toBeGreaterThan(1000);
      expect(stats.elf).toBe(files.length);
      expect(files).toEqual([...files].sort());
      expect(new Set(files).size).toBe(files.length);
      expect(files).toContain(LS);
      expect(files).toContain(LIBC);
      expect(listElfFiles(SYSTEM_DIRS)).toEqual(files);
    });
  });
});
