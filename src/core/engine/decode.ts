// Turns the core's records (field lists in wasm/assembly/elf/*.ts) into an ElfReport.
// Strings are read from the input bytes at the offsets the core found; nothing is re-parsed here.
import { codeOfStatus, describeProblem } from '../elf/errors.ts';
import type {
  DynamicEntry, DynamicSymbol, ElfHeader, ElfReport, Problem, Section, Segment, StringRef,
  SymbolDigest, VersionDef, VersionNeed,
} from '../elf/types.ts';
import { fileTypeName, machineName } from '../elf/names/header.ts';
import { segmentFlagsText, segmentTypeName } from '../elf/names/segments.ts';
import { sectionFlagsText, sectionTypeName } from '../elf/names/sections.ts';
import { dynamicTagName } from '../elf/names/dynamic.ts';
import { RecordTag, RecordView, type RawRecord } from './records.ts';
import { decodeNotes } from './decode-notes.ts';

const utf8 = new TextDecoder('utf-8');

/** Reads strings out of the input at offsets found by the core. */
export class StringSource {
  constructor(private readonly input: Uint8Array) {}

  text(offset: number, length: number): string {
    // Nearly every ELF string is short ASCII: one String.fromCharCode over the bytes beats both
    // TextDecoder (Chromium's binding costs more than the decode) and appending char by char
    // (which builds a rope V8 must flatten before hashing), in Node and in the browser alike.
    const end = offset + length;
    if (length <= 256) {
      let ascii = true;
      for (let i = offset; i < end; i++) {
        if (this.input[i]! >= 0x80) {
          ascii = false;
          break;
        }
      }
      if (ascii) return String.fromCharCode.apply(null, this.input.subarray(offset, end) as unknown as number[]);
    }
    return utf8.decode(this.input.subarray(offset, end));
  }

  /** A StringRef from an (offset, length) field pair, or null when the offset is NONE. */
  ref(view: RecordView, offsetField: number, lengthField: number): StringRef | null {
    if (view.isNone(offsetField)) return null;
    const offset = view.num(offsetField);
    return { text: this.text(offset, view.num(lengthField)), offset };
  }

  bytes(offset: number, length: number): Uint8Array {
    return this.input.subarray(offset, offset + length);
  }
}

const DT_NEEDED = 1;
const DT_SONAME = 14;
const DT_RPATH = 15;
const DT_RUNPATH = 29;
const DT_FLAGS = 30;
const DT_FLAGS_1 = 0x6ffffffb;

// Field i of a record is v.field(f, i) (records.ts); the field lists are beside each emitter.

function decodeHeader(v: RecordView, f: number): ElfHeader {
  const type = v.field(f, 5);
  const machine = v.field(f, 6);
  return {
    class: v.field(f, 0) === 1 ? 'ELF32' : 'ELF64',
    data: v.field(f, 1) === 1 ? 'little-endian' : 'big-endian',
    osabi: v.field(f, 2), abiVersion: v.field(f, 3), type, typeName: fileTypeName(type), machine,
    machineName: machineName(machine), version: v.field(f, 7), entry: v.hexField(f, 8),
    phoff: v.field(f, 9), shoff: v.field(f, 10), flags: v.field(f, 11), ehsize: v.field(f, 12),
    phentsize: v.field(f, 13), phnum: v.field(f, 14), shentsize: v.field(f, 15),
    shnum: v.field(f, 16), shstrndx: v.field(f, 17),
  };
}

function decodeSegment(v: RecordView, f: number): Segment {
  const type = v.field(f, 2);
  const flags = v.field(f, 3);
  return {
    index: v.field(f, 0), headerOffset: v.field(f, 1), type, typeName: segmentTypeName(type), flags,
    flagsText: segmentFlagsText(flags), offset: v.field(f, 4), vaddr: v.hexField(f, 5),
    paddr: v.hexField(f, 6), filesz: v.field(f, 7), memsz: v.field(f, 8), align: v.field(f, 9),
  };
}

function decodeSection(v: RecordView, f: number, s: StringSource, header: ElfHeader): Section {
  const name = s.ref(v, v.at(f, 2), v.at(f, 3));
  const type = v.field(f, 4);
  const flags = v.field(f, 5);
  return {
    index: v.field(f, 0), headerOffset: v.field(f, 1), name: name?.text ?? '',
    nameOffset: name?.offset ?? -1, type, typeName: sectionTypeName(type, header.machine), flags,
    flagsText: sectionFlagsText(flags, header.machine, header.osabi), addr: v.hexField(f, 6), offset: v.field(f, 7),
    size: v.field(f, 8), link: v.field(f, 9), info: v.field(f, 10), addralign: v.field(f, 11),
    entsize: v.field(f, 12),
  };
}

function decodeDynamic(v: RecordView, f: number, s: StringSource): DynamicEntry {
  const tag = v.field(f, 2);
  return {
    index: v.field(f, 0), offset: v.field(f, 1), tag, tagName: dynamicTagName(tag),
    value: v.hexField(f, 3), string: s.ref(v, v.at(f, 4), v.at(f, 5)),
  };
}

function decodeSymbol(v: RecordView, f: number, s: StringSource): DynamicSymbol {
  const info = v.field(f, 5);
  return {
    index: v.field(f, 0), name: s.ref(v, v.at(f, 1), v.at(f, 2)) ?? { text: '', offset: -1 },
    value: v.hexField(f, 3), size: v.field(f, 4), bind: info >> 4, type: info & 0xf,
    visibility: v.field(f, 6) & 3, shndx: v.field(f, 7),
    versym: v.isNone(v.at(f, 8)) ? null : v.field(f, 8),
  };
}

function decodeVersions(records: RawRecord[], v: RecordView, s: StringSource) {
  const needs = new Map<number, VersionNeed>();
  const defs = new Map<number, VersionDef>();
  const missing = { text: '', offset: -1 };
  for (const { tag, fields: f } of records) {
    if (tag === RecordTag.Verneed) {
      needs.set(v.field(f, 0), { offset: v.field(f, 0), file: s.ref(v, v.at(f, 1), v.at(f, 2)) ?? missing, versions: [] });
    } else if (tag === RecordTag.Vernaux) {
      needs.get(v.field(f, 0))?.versions.push({
        offset: v.field(f, 1), name: s.ref(v, v.at(f, 2), v.at(f, 3)) ?? missing, hash: v.field(f, 4),
        flags: v.field(f, 5), index: v.field(f, 6),
      });
    } else if (tag === RecordTag.Verdef) {
      defs.set(v.field(f, 0), {
        offset: v.field(f, 0), flags: v.field(f, 2), index: v.field(f, 3), hash: v.field(f, 5), names: [],
      });
    } else if (tag === RecordTag.Verdaux) {
      defs.get(v.field(f, 0))?.names.push(s.ref(v, v.at(f, 2), v.at(f, 3)) ?? missing);
    }
  }
  return { versionNeeds: [...needs.values()], versionDefs: [...defs.values()] };
}

export function decodeReport(view: RecordView, input: Uint8Array, withSymbols: boolean): ElfReport {
  const records = view.records();
  const strings = new StringSource(input);
  let header: ElfHeader | null = null;
  const segments: Segment[] = [];
  const sections: Section[] = [];
  const dynamic: DynamicEntry[] = [];
  const symbols: DynamicSymbol[] = [];
  const problems: Problem[] = [];
  let interpreter: StringRef | null = null;
  let symbolDigest: SymbolDigest | null = null;
  for (const { tag, fields } of records) {
    switch (tag) {
      case RecordTag.Header: header = decodeHeader(view, fields); break;
      case RecordTag.Segment: segments.push(decodeSegment(view, fields)); break;
      case RecordTag.Section: sections.push(decodeSection(view, fields, strings, header!)); break;
      case RecordTag.Interp: interpreter = strings.ref(view, view.at(fields, 0), view.at(fields, 1)); break;
      case RecordTag.Dynamic: dynamic.push(decodeDynamic(view, fields, strings)); break;
      case RecordTag.Symbol: symbols.push(decodeSymbol(view, fields, strings)); break;
      case RecordTag.SymbolDigest: symbolDigest = { count: view.field(fields, 0), digest: view.hexField(fields, 1) }; break;
      case RecordTag.Problem:
        problems.push(describeProblem(codeOfStatus(view.field(fields, 0)), view.field(fields, 1)));
        break;
      default: break;
    }
  }
  if (!header) throw new Error('ELF core returned no header record');
  const stringsOf = (t: number) => dynamic.filter((d) => d.tag === t && d.string).map((d) => d.string!);
  const valueOf = (t: number) => {
    const entry = dynamic.find((d) => d.tag === t);
    return entry ? Number(BigInt(entry.value) & 0xffffffffn) : null;
  };
  return {
    size: input.length,
    header,
    segments,
    sections,
    interpreter,
    dynamic,
    needed: stringsOf(DT_NEEDED),
    soname: stringsOf(DT_SONAME)[0] ?? null,
    rpath: stringsOf(DT_RPATH)[0] ?? null,
    runpath: stringsOf(DT_RUNPATH)[0] ?? null,
    flags: valueOf(DT_FLAGS),
    flags1: valueOf(DT_FLAGS_1),
    notes: decodeNotes(records, view, strings),
    ...decodeVersions(records, view, strings),
    symbols: withSymbols ? symbols : null,
    symbolDigest,
    problems,
  };
}
