// The parsed form of one ELF file, as the engine hands it to the CLI, the worker and the page.
// Plain data only (it crosses postMessage and goes into IndexedDB). Offsets are file offsets in
// bytes, so later edits (the resolution note, RUNPATH rewrites) can address the original bytes.
// Addresses and other values that may use all 64 bits are "0x…" hex strings so they stay exact;
// offsets, sizes and counts are numbers.
import type { ErrorCode } from './errors.ts';

/** A problem found in the file: a stable code, the byte offset where it went wrong, a message. */
export interface Problem {
  code: ErrorCode;
  offset: number;
  message: string;
}

/** A NUL-terminated string read from the file, with the file offset of its first byte. */
export interface StringRef {
  text: string;
  offset: number;
}

export interface ElfHeader {
  class: 'ELF32' | 'ELF64';
  data: 'little-endian' | 'big-endian';
  osabi: number;
  abiVersion: number;
  type: number;
  typeName: string;
  machine: number;
  machineName: string;
  version: number;
  entry: string;
  phoff: number;
  shoff: number;
  flags: number;
  ehsize: number;
  phentsize: number;
  phnum: number;
  shentsize: number;
  shnum: number;
  shstrndx: number;
}

export interface Segment {
  index: number;
  /** File offset of this program header entry. */
  headerOffset: number;
  type: number;
  typeName: string;
  flags: number;
  /** readelf's spelling: "R E", "RW ", ... */
  flagsText: string;
  offset: number;
  vaddr: string;
  paddr: string;
  filesz: number;
  memsz: number;
  align: number;
}

export interface Section {
  index: number;
  headerOffset: number;
  name: string;
  nameOffset: number;
  type: number;
  typeName: string;
  flags: number;
  /** readelf's key letters: "WA", "AX", ... */
  flagsText: string;
  addr: string;
  offset: number;
  size: number;
  link: number;
  info: number;
  addralign: number;
  entsize: number;
}

export interface DynamicEntry {
  index: number;
  /** File offset of the entry (d_tag). */
  offset: number;
  tag: number;
  tagName: string;
  value: string;
  /** For string-valued tags (DT_NEEDED, DT_SONAME, DT_RPATH, DT_RUNPATH, ...). */
  string: StringRef | null;
}

export interface GnuProperty {
  type: number;
  typeName: string;
  dataSize: number;
  /** Decoded words for 4- and 8-byte properties, as hex. */
  value: string | null;
  /** Human reading, e.g. "IBT, SHSTK" or "x86-64-baseline". */
  text: string;
}

export type LdcacheElement = { kind: 'exact'; path: string } | { kind: 'search'; dir: string };

export interface LdcacheEntry {
  soname: StringRef;
  pathList: StringRef;
  elements: LdcacheElement[];
}

export type NoteDecoded =
  | { kind: 'gnu-build-id'; buildId: string }
  | { kind: 'gnu-abi-tag'; os: string; version: string }
  | { kind: 'gnu-properties'; properties: GnuProperty[] }
  | { kind: 'gnu-gold-version'; text: string }
  | {
      kind: 'nixos-ldcache';
      /** Whether glibc's patched reader would accept this note (resolution-note.md §4.2). */
      valid: boolean;
      problem: Problem | null;
      entries: LdcacheEntry[];
    };

export interface Note {
  source: 'segment' | 'section';
  /** Index of the PT_NOTE segment or SHT_NOTE section holding the note. */
  sourceIndex: number;
  /** File offset of the note header (n_namesz). */
  offset: number;
  owner: string;
  type: number;
  /** readelf's name for the type, e.g. "NT_GNU_BUILD_ID". */
  typeName: string;
  nameSize: number;
  descSize: number;
  descOffset: number;
  /** The alignment the note was read with (4 or 8, as binutils does). */
  align: number;
  decoded: NoteDecoded | null;
}

export interface VersionNeedAux {
  offset: number;
  name: StringRef;
  hash: number;
  flags: number;
  /** The version index (vna_other) used by .gnu.version entries. */
  index: number;
}

export interface VersionNeed {
  offset: number;
  file: StringRef;
  versions: VersionNeedAux[];
}

export interface VersionDef {
  offset: number;
  index: number;
  flags: number;
  hash: number;
  names: StringRef[];
}

export interface DynamicSymbol {
  index: number;
  name: StringRef;
  value: string;
  size: number;
  bind: number;
  type: number;
  visibility: number;
  shndx: number;
  /** Raw .gnu.version entry (hidden bit included), null without DT_VERSYM. */
  versym: number | null;
}

/**
 * The dynamic symbol table in two numbers (wasm/assembly/bytes/digest.ts): equal for tables whose
 * every entry (name, value, size, info, other, section, version) is the same.
 */
export interface SymbolDigest {
  count: number;
  /** 64 bits as "0x…". */
  digest: string;
}

export interface ElfReport {
  size: number;
  header: ElfHeader;
  segments: Segment[];
  sections: Section[];
  interpreter: StringRef | null;
  dynamic: DynamicEntry[];
  needed: StringRef[];
  soname: StringRef | null;
  rpath: StringRef | null;
  runpath: StringRef | null;
  flags: number | null;
  flags1: number | null;
  notes: Note[];
  versionNeeds: VersionNeed[];
  versionDefs: VersionDef[];
  /** Present when symbols were asked for. */
  symbols: DynamicSymbol[] | null;
  /** Present when the symbol digest was asked for (and not the symbols themselves). */
  symbolDigest: SymbolDigest | null;
  /** Non-fatal problems: what could not be read, while everything else still was. */
  problems: Problem[];
}

export type ParseResult = { ok: true; report: ElfReport } | { ok: false; error: Problem };
