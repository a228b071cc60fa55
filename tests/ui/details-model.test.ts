// The rows of the ELF details view (src/ui/details/rows.ts) against GNU readelf -hlSdnV -W on
// /usr/bin/ls and the committed fixtures (ELF32, big-endian, section-less, shared library with
// version definitions, mixed-alignment and resolution notes): every count, type name, flag
// spelling and file offset the view shows must be the one readelf prints or implies.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ElfReport } from '../../src/core/elf/types.ts';
import { versionFlagsText } from '../../src/core/elf/names/versions.ts';
import { loadEngine } from '../../src/node/engine.ts';
import { detailsParts, ENTRY_OFFSET, FILE_OFFSET, type DetailsPart, type PartId } from '../../src/ui/details/rows.ts';
import {
  parseDynamic, parseFileHeader, parseNotes, parseProgramHeaders, parseSections, parseVersionInfo,
  readelfAvailable, readelfOne, type Note, type SectionHeader,
} from '../oracle/readelf.ts';

const FILES = [
  '/usr/bin/ls',
  ...readdirSync('tests/fixtures/elf').sort().map((f) => join('tests/fixtures/elf', f))
    // Its section headers are junk on purpose: readelf warns and prints junk sections there.
    .filter((f) => !f.endsWith('garbage-sections')),
];

async function reportOf(file: string): Promise<ElfReport> {
  const engine = await loadEngine();
  const result = engine.parse(new Uint8Array(readFileSync(file)), { symbols: true });
  if (!result.ok) throw new Error(`${file}: ${result.error.code}`);
  return result.report;
}

/** What readelf says about a file, parsed. */
function oracle(file: string) {
  const readelf = readelfOne(file, '-hlSdnV');
  const text = readelf.stdout;
  const fileHeader = parseFileHeader(text);
  return {
    diagnostics: readelf.diagnostics,
    text,
    fileHeader,
    sections: parseSections(text).sections,
    /** A numeric -h field: "64 (bytes into file)" -> 64n. */
    field: (name: string) => BigInt(/^\d+/.exec(fileHeader.fields.get(name) ?? '')?.[0] ?? 'NaN'),
  };
}

function part(parts: DetailsPart[], id: PartId): DetailsPart {
  const found = parts.find((p) => p.id === id);
  if (!found) throw new Error(`no ${id} part`);
  return found;
}

/** The cells of one column, by its label. */
function column(p: DetailsPart, label: string): string[] {
  const at = p.columns.findIndex((c) => c.label === label);
  if (at < 0) throw new Error(`${p.id} has no column ${label}`);
  return p.rows.map((row) => row[at] ?? '');
}

/** A hex cell as a number to compare with readelf's; an empty cell (no offset) reads as null. */
const num = (cell: string): bigint | null => (cell === '' ? null : BigInt(cell));

function sectionNamed(sections: SectionHeader[], name: string): SectionHeader {
  const s = sections.find((x) => x.name === name);
  if (!s) throw new Error(`readelf lists no section ${name}`);
  return s;
}

describe.runIf(readelfAvailable())('ELF details rows vs readelf', () => {
  describe.each(FILES)('%s', (file) => {
    // In beforeAll, not here: a skipped suite's body still runs, and readelf may be missing.
    let readelf: ReturnType<typeof oracle>;
    let parts: DetailsPart[];
    beforeAll(async () => {
      readelf = oracle(file);
      parts = detailsParts(await reportOf(file));
    });

    it('is a file readelf reads without complaint', () => {
      expect(readelf.diagnostics).toEqual([]);
    });

    it('header: the values readelf -h prints, the ELF header at 0 and both tables at e_phoff/e_shoff', () => {
      const { sections, field, fileHeader } = readelf;
      const p = part(parts, 'header');
      expect(p.count).toBeNull();
      const rows = new Map(p.rows.map(([label, value, offset]) => [label, { value, offset: num(offset ?? '') }]));
      expect(rows.get('Class (EI_CLASS)')?.value).toBe(fileHeader.elfClass);
      expect(rows.get('Machine (e_machine)')?.value).toBe(fileHeader.machine);
      expect(fileHeader.type).toContain(rows.get('Type (e_type)')?.value);
      expect(num(rows.get('Entry point (e_entry)')?.value ?? '')).toBe(fileHeader.entry);
      expect(rows.get('ELF header (e_ehsize)')).toEqual({ value: `${field('Size of this header')} bytes`, offset: 0n });
      const phoff = field('Start of program headers');
      const shoff = field('Start of section headers');
      // readelf prints 0 for "no such table"; the view leaves the offset empty.
      expect(rows.get('Program headers (e_phoff, e_phnum, e_phentsize)')?.offset).toBe(phoff === 0n ? null : phoff);
      expect(rows.get('Section headers (e_shoff, e_shnum, e_shentsize)')?.offset).toBe(shoff === 0n ? null : shoff);
      const shstrtab = sections[Number(field('Section header string table index'))];
      expect(rows.get('Section name strings (e_shstrndx)')?.offset).toBe(shstrtab?.offset ?? null);
    });

    it('program headers: types, flags and offsets as readelf -l, each entry at e_phoff + i * e_phentsize', () => {
      const { text, field } = readelf;
      const p = part(parts, 'segments');
      const theirs = parseProgramHeaders(text).headers;
      expect(p.count).toBe(theirs.length);
      expect(p.rows.length).toBe(theirs.length);
      expect(column(p, 'Type')).toEqual(theirs.map((h) => h.type));
      expect(column(p, 'Flg')).toEqual(theirs.map((h) => h.flags));
      expect(column(p, FILE_OFFSET).map(num)).toEqual(theirs.map((h) => h.offset));
      expect(column(p, 'VirtAddr').map(num)).toEqual(theirs.map((h) => h.vaddr));
      expect(column(p, 'FileSiz').map(num)).toEqual(theirs.map((h) => h.filesz));
      expect(column(p, 'MemSiz').map(num)).toEqual(theirs.map((h) => h.memsz));
      expect(column(p, 'Align').map(num)).toEqual(theirs.map((h) => h.align));
      const phoff = field('Start of program headers');
      const phentsize = field('Size of program headers');
      expect(column(p, ENTRY_OFFSET).map(num)).toEqual(theirs.map((_, i) => phoff + BigInt(i) * phentsize));
    });

    it('section headers: names, types, flags and offsets as readelf -S, each entry at e_shoff + i * e_shentsize', () => {
      const { sections, field } = readelf;
      const p = part(parts, 'sections');
      expect(p.count).toBe(sections.length);
      expect(column(p, 'Name')).toEqual(sections.map((s) => s.name));
      expect(column(p, 'Type')).toEqual(sections.map((s) => s.type));
      expect(column(p, 'Flg')).toEqual(sections.map((s) => s.flags));
      expect(column(p, FILE_OFFSET).map(num)).toEqual(sections.map((s) => s.offset));
      expect(column(p, 'Size').map(num)).toEqual(sections.map((s) => s.size));
      expect(column(p, 'Al').map(BigInt)).toEqual(sections.map((s) => s.align));
      const shoff = field('Start of section headers');
      const shentsize = field('Size of section headers');
      expect(column(p, ENTRY_OFFSET).map(num)).toEqual(sections.map((_, i) => shoff + BigInt(i) * shentsize));
    });

    it('dynamic section: tags and names as readelf -d, entry i at the table offset + i * sizeof(ElfN_Dyn)', () => {
      const { text, fileHeader } = readelf;
      const p = part(parts, 'dynamic');
      const dyn = parseDynamic(text);
      expect(p.count).toBe(dyn.entries.length);
      if (dyn.declaredCount !== null) expect(p.count).toBe(dyn.declaredCount);
      expect(column(p, 'Tag').map(num)).toEqual(dyn.entries.map((e) => e.tag));
      expect(column(p, 'Type')).toEqual(dyn.entries.map((e) => e.name));
      const size = fileHeader.elfClass === 'ELF64' ? 16n : 8n;
      expect(column(p, FILE_OFFSET).map(num)).toEqual(dyn.entries.map((_, i) => dyn.offset! + BigInt(i) * size));
      // Strings are readelf's bracketed text; flag names its FLAGS / FLAGS_1 values.
      const meanings = column(p, 'Meaning');
      dyn.entries.forEach((e, i) => {
        const meaning = meanings[i]!;
        if (['NEEDED', 'SONAME', 'RPATH', 'RUNPATH'].includes(e.name)) expect(e.value.slice(e.value.indexOf(': [') + 3, -1)).toBe(meaning);
        if (e.name === 'FLAGS') expect(meaning).toBe(e.value);
        if (e.name === 'FLAGS_1') expect(`Flags: ${meaning}`).toBe(e.value);
      });
    });

    it('notes: each note of readelf -n once, at an offset inside the section or segment readelf read it from', () => {
      const { text, sections } = readelf;
      const p = part(parts, 'notes');
      const offsets = column(p, FILE_OFFSET).map(num);
      expect(new Set(offsets).size).toBe(offsets.length);
      // readelf lists notes block by block: per SHT_NOTE section, or per PT_NOTE segment without sections.
      const blocks = new Map<string, { start: bigint; end: bigint; section: string | null; notes: Note[] }>();
      for (const note of parseNotes(text).notes) {
        const s = note.source;
        const key = s.kind === 'section' ? s.name : `${s.offset}+${s.length}`;
        let block = blocks.get(key);
        if (!block) {
          const range = s.kind === 'section' ? sectionNamed(sections, s.name) : { offset: s.offset, size: s.length };
          block = { start: range.offset, end: range.offset + range.size, section: s.kind === 'section' ? s.name : null, notes: [] };
          blocks.set(key, block);
        }
        block.notes.push(note);
      }
      const cells = (label: string) => column(p, label);
      const [owner, size, type, foundIn] = [cells('Owner'), cells('Data size'), cells('Type'), cells('Found in')];
      let matched = 0;
      for (const block of blocks.values()) {
        const ours = offsets.flatMap((o, i) => (o !== null && o >= block.start && o < block.end ? [i] : []));
        expect(ours.map((i) => [owner[i], Number(size[i]), type[i]]))
          .toEqual(block.notes.map((n) => [n.owner, n.dataSize, n.description]));
        expect(offsets[ours[0]!]).toBe(block.start);
        if (block.section) for (const i of ours) expect(foundIn[i]!.split(', ')).toContain(block.section);
        matched += ours.length;
      }
      // With sections, readelf shows only the notes sections hold; without, all of them.
      if (sections.length === 0) expect(p.count).toBe(matched);
      else expect(p.count).toBeGreaterThanOrEqual(matched);
    });

    // readelf -V reads the version sections, so a file without sections has nothing to compare.
    it('version needs: the rows of readelf -V, at the section offset + readelf\'s relative offsets', () => {
      const { text, sections } = readelf;
      const p = part(parts, 'verneed');
      const v = parseVersionInfo(text);
      if (!v.needsSection) {
        if (sections.length > 0) expect(p.rows).toEqual([]);
        return;
      }
      const base = sectionNamed(sections, v.needsSection.section).offset;
      expect(p.count).toBe(v.needsSection.declaredCount);
      const withoutHash = p.rows.map((row) => [num(row[0]!), ...row.slice(1, -1)]);
      expect(withoutHash).toEqual(v.needs.flatMap((n) => [
        [base + n.offset, 'Verneed', n.file, '', ''],
        ...n.entries.map((e) => [base + e.offset, 'Vernaux', e.name, e.flags, String(e.version)]),
      ]));
    });

    it('version definitions: present exactly when readelf -V lists some, with its offsets, flags and names', () => {
      const { text, sections } = readelf;
      const p = parts.find((x) => x.id === 'verdef');
      const v = parseVersionInfo(text);
      if (!v.definitionsSection) {
        if (sections.length > 0) expect(p).toBeUndefined();
        return;
      }
      const base = sectionNamed(sections, v.definitionsSection.section).offset;
      expect(p?.count).toBe(v.definitionsSection.declaredCount);
      expect(p?.rows.map((row) => [num(row[0]!), row[1], row[2], row[4], row[5]])).toEqual(
        v.definitions.map((d) => [base + d.offset, String(d.index), d.flags, d.name, d.parents.join(', ')]),
      );
    });
  });
});

describe('versionFlagsText', () => {
  it('spells vd_flags / vna_flags as readelf get_ver_flags does', () => {
    expect(versionFlagsText(0)).toBe('none');
    expect(versionFlagsText(1)).toBe('BASE');
    expect(versionFlagsText(6)).toBe('WEAK | INFO');
    expect(versionFlagsText(0x11)).toBe('BASE | <unknown>');
    expect(versionFlagsText(0x30)).toBe('<unknown>');
  });
});
