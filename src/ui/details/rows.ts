// The rows of the "ELF details" view, as plain strings: one table per part of the file, in
// readelf's vocabulary (its type names and flag letters come from src/core/elf/names/ through the
// report), with each row's file offset in hex. Kept apart from the markup so a test can hold every
// cell against readelf's own output.
//
// Every offset is one the engine recorded (ElfReport), except the header's table positions, which
// are e_phoff and e_shoff themselves. The ELF header's own fields get no offsets of their own:
// their layout table lives in the wasm core (wasm/assembly/elf/layout.ts), and a second copy here
// could drift from it.
import type { DynamicEntry, ElfReport, VersionDef, VersionNeed } from '../../core/elf/types.ts';
import { dtFlags1Names, dtFlagsNames } from '../../core/elf/names/dynamic.ts';
import { versionFlagsText } from '../../core/elf/names/versions.ts';
import { hex } from '../../core/elf/hex.ts';
import { noteDetail } from '../../core/inspect/text.ts';
import { placedNotes } from '../note-places.ts';

/**
 * How a column's cells are shown: `offset` and `number` right-aligned in monospace so digits line
 * up, `code` in monospace with its spaces kept (readelf's flags "R E"), `text` as prose.
 */
export type ColumnKind = 'offset' | 'number' | 'code' | 'text';

export interface Column {
  label: string;
  kind: ColumnKind;
}

export type PartId = 'header' | 'segments' | 'sections' | 'dynamic' | 'notes' | 'verneed' | 'verdef';

export interface DetailsPart {
  /** The table's data-testid is `details-${id}`. */
  id: PartId;
  title: string;
  /** How many entries the file has; null for the header, whose field count says nothing. */
  count: number | null;
  columns: Column[];
  /** Cells in column order; '' where the row has no such value. */
  rows: string[][];
  /** Said instead of an empty table. */
  empty: string;
  /** The key to the flag letters, for the parts that use letters. */
  legend: string | null;
}

const col = (label: string, kind: ColumnKind): Column => ({ label, kind });

/** The column every part has; the details test looks it up by this label. */
export const FILE_OFFSET = 'File offset';
/** Where a program or section header entry itself is, as opposed to the bytes it describes. */
export const ENTRY_OFFSET = 'Header entry at';

function headerPart(r: ElfReport): DetailsPart {
  const h = r.header;
  // An offset of 0 is the gABI's "no such table"; the count is shown as stored, even when 0
  // because the real one is in section 0 (extended numbering).
  const table = (num: number, entsize: number, at: number) =>
    at === 0 ? ['none', ''] : [`${num} entries of ${entsize} bytes`, hex(at)];
  const shstrtab = r.sections[h.shstrndx];
  const rows: string[][] = [
    ['Class (EI_CLASS)', h.class, ''],
    ['Data (EI_DATA)', h.data, ''],
    ['OS/ABI (EI_OSABI)', String(h.osabi), ''],
    ['ABI version (EI_ABIVERSION)', String(h.abiVersion), ''],
    ['Type (e_type)', h.typeName, ''],
    ['Machine (e_machine)', h.machineName, ''],
    ['Version (e_version)', String(h.version), ''],
    ['Entry point (e_entry)', h.entry, ''],
    ['Flags (e_flags)', hex(h.flags), ''],
    ['ELF header (e_ehsize)', `${h.ehsize} bytes`, hex(0)],
    ['Program headers (e_phoff, e_phnum, e_phentsize)', ...table(h.phnum, h.phentsize, h.phoff)],
    ['Section headers (e_shoff, e_shnum, e_shentsize)', ...table(h.shnum, h.shentsize, h.shoff)],
    // The offset here is where the names are, the one place a reader goes next from this field.
    ['Section name strings (e_shstrndx)', shstrtab ? `section ${h.shstrndx} (${shstrtab.name})` : String(h.shstrndx),
      shstrtab ? hex(shstrtab.offset) : ''],
  ];
  return {
    id: 'header', title: 'Header', count: null,
    columns: [col('Field', 'text'), col('Value', 'code'), col(FILE_OFFSET, 'offset')],
    rows, empty: '', legend: null,
  };
}

function segmentsPart(r: ElfReport): DetailsPart {
  return {
    id: 'segments', title: 'Program headers (segments)', count: r.segments.length,
    columns: [
      col('#', 'number'), col('Type', 'code'), col(FILE_OFFSET, 'offset'), col('VirtAddr', 'offset'),
      col('PhysAddr', 'offset'), col('FileSiz', 'offset'), col('MemSiz', 'offset'), col('Flg', 'code'),
      col('Align', 'offset'), col(ENTRY_OFFSET, 'offset'),
    ],
    rows: r.segments.map((s) => [
      String(s.index), s.typeName, hex(s.offset), s.vaddr, s.paddr, hex(s.filesz), hex(s.memsz),
      s.flagsText, hex(s.align), hex(s.headerOffset),
    ]),
    empty: 'No program headers.',
    legend: 'Flg: R (read), W (write), E (execute).',
  };
}

function sectionsPart(r: ElfReport): DetailsPart {
  return {
    id: 'sections', title: 'Section headers', count: r.sections.length,
    columns: [
      col('Nr', 'number'), col('Name', 'code'), col('Type', 'code'), col('Flg', 'code'),
      col('Address', 'offset'), col(FILE_OFFSET, 'offset'), col('Size', 'offset'), col('ES', 'offset'),
      col('Lk', 'number'), col('Inf', 'number'), col('Al', 'number'), col(ENTRY_OFFSET, 'offset'),
    ],
    rows: r.sections.map((s) => [
      String(s.index), s.name, s.typeName, s.flagsText, s.addr, hex(s.offset), hex(s.size),
      hex(s.entsize), String(s.link), String(s.info), String(s.addralign), hex(s.headerOffset),
    ]),
    empty: 'No section headers.',
    // readelf -S's "Key to Flags", for the letters sectionFlagsText can give.
    legend:
      'Flg: W (write), A (alloc), X (execute), M (merge), S (strings), I (info), L (link order), ' +
      'O (extra OS processing required), G (group), T (TLS), C (compressed), E (exclude), R (retain), ' +
      'l (large), o (OS specific), p (processor specific), x (unknown).',
  };
}

/** What a dynamic entry's value stands for, where readelf -d says more than the number. */
function dynamicMeaning(d: DynamicEntry): string {
  if (d.string) return d.string.text;
  // Compared by name so the tag numbers stay in names/dynamic.ts only.
  if (d.tagName === 'FLAGS') return dtFlagsNames(Number(BigInt(d.value) & 0xffffffffn)).join(' ');
  if (d.tagName === 'FLAGS_1') return dtFlags1Names(Number(BigInt(d.value) & 0xffffffffn)).join(' ');
  return '';
}

function dynamicPart(r: ElfReport): DetailsPart {
  return {
    id: 'dynamic', title: 'Dynamic section', count: r.dynamic.length,
    columns: [
      col('#', 'number'), col(FILE_OFFSET, 'offset'), col('Tag', 'offset'), col('Type', 'code'),
      col('Value', 'offset'), col('Meaning', 'code'), col('String at', 'offset'),
    ],
    rows: r.dynamic.map((d) => [
      String(d.index), hex(d.offset), hex(d.tag), d.tagName, d.value, dynamicMeaning(d),
      d.string ? hex(d.string.offset) : '',
    ]),
    empty: 'No dynamic section.',
    legend: null,
  };
}

/** One row per note, each listed once with every place it was found in (note-places.ts). */
function noteRows(r: ElfReport): string[][] {
  return placedNotes(r.notes, r.sections).map(({ note: n, places }) => [
    hex(n.offset), n.owner, hex(n.descSize), n.typeName, hex(n.descOffset), places.join(', '), noteDetail(n),
  ]);
}

function notesPart(r: ElfReport): DetailsPart {
  const rows = noteRows(r);
  return {
    id: 'notes', title: 'Notes', count: rows.length,
    columns: [
      col(FILE_OFFSET, 'offset'), col('Owner', 'code'), col('Data size', 'offset'), col('Type', 'code'),
      col('Data at', 'offset'), col('Found in', 'code'), col('Contents', 'code'),
    ],
    rows, empty: 'No notes.', legend: null,
  };
}

/** A Verneed row (the library) followed by one Vernaux row per version needed from it. */
function verneedRows(needs: VersionNeed[]): string[][] {
  return needs.flatMap((n) => [
    [hex(n.offset), 'Verneed', n.file.text, '', '', ''],
    ...n.versions.map((a) => [hex(a.offset), 'Vernaux', a.name.text, versionFlagsText(a.flags), String(a.index), hex(a.hash)]),
  ]);
}

function verneedPart(r: ElfReport): DetailsPart {
  return {
    id: 'verneed', title: 'Symbol version needs', count: r.versionNeeds.length,
    columns: [
      col(FILE_OFFSET, 'offset'), col('Entry', 'text'), col('Library or version', 'code'), col('Flags', 'code'),
      col('Version index', 'number'), col('Hash', 'offset'),
    ],
    rows: verneedRows(r.versionNeeds), empty: 'No symbol version needs.', legend: null,
  };
}

/** The Verdaux entries' own offsets are not in the report: their names are given, not placed. */
function verdefRows(defs: VersionDef[]): string[][] {
  return defs.map((d) => [
    hex(d.offset), String(d.index), versionFlagsText(d.flags), hex(d.hash), d.names[0]?.text ?? '',
    d.names.slice(1).map((n) => n.text).join(', '),
  ]);
}

function verdefPart(r: ElfReport): DetailsPart {
  return {
    id: 'verdef', title: 'Version definitions', count: r.versionDefs.length,
    columns: [
      col(FILE_OFFSET, 'offset'), col('Index', 'number'), col('Flags', 'code'), col('Hash', 'offset'),
      col('Name', 'code'), col('Parents', 'code'),
    ],
    rows: verdefRows(r.versionDefs), empty: 'No version definitions.', legend: null,
  };
}

/** The parts in file-reading order; version definitions only when the file has some. */
export function detailsParts(r: ElfReport): DetailsPart[] {
  const parts = [headerPart(r), segmentsPart(r), sectionsPart(r), dynamicPart(r), notesPart(r), verneedPart(r)];
  if (r.versionDefs.length > 0) parts.push(verdefPart(r));
  return parts;
}
