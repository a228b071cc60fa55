// Turns the core's records (field lists in wasm/assembly/elf/*.ts) into an ElfReport.
// Strings are read from the input bytes at the offsets the core found; nothing is re-parsed here.
import { codeOfStatus, describeProblem } from '../elf/errors.ts';
import type {
  DynamicEntry, DynamicSymbol, ElfHeader, ElfReport, Problem, Section, Segment, StringRef,
  VersionDef, VersionNeed,
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
    return utf8.decode(this.input.subarray(offset, offset + length));
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

function decodeHeader(v: RecordView, f: number[]): ElfHeader {
  const n = (i: number) => v.num(f[i]!);
  const type = n(5);
  const machine = n(6);
  return {
    class: n(0) === 1 ? 'ELF32' : 'ELF64',
    data: n(1) === 1 ? 'little-endian' : 'big-endian',
    osabi: n(2), abiVersion: n(3), type, typeName: fileTypeName(type), machine,
    machineName: machineName(machine), version: n(7), entry: v.hex(f[8]!), phoff: n(9),
    shoff: n(10), flags: n(11), ehsize: n(12), phentsize: n(13), phnum: n(14), shentsize: n(15),
    shnum: n(16), shstrndx: n(17),
  };
}

function decodeSegment(v: RecordView, f: number[]): Segment {
  const n = (i: number) => v.num(f[i]!);
  return {
    index: n(0), headerOffset: n(1), type: n(2), typeName: segmentTypeName(n(2)), flags: n(3),
    flagsText: segmentFlagsText(n(3)), offset: n(4), vaddr: v.hex(f[5]!), paddr: v.hex(f[6]!),
    filesz: n(7), memsz: n(8), align: n(9),
  };
}

function decodeSection(v: RecordView, f: number[], s: StringSource, machine: number): Section {
  const n = (i: number) => v.num(f[i]!);
  const name = s.ref(v, f[2]!, f[3]!);
  return {
    index: n(0), headerOffset: n(1), name: name?.text ?? '', nameOffset: name?.offset ?? -1,
    type: n(4), typeName: sectionTypeName(n(4), machine), flags: n(5),
    flagsText: sectionFlagsText(n(5), machine), addr: v.hex(f[6]!), offset: n(7), size: n(8),
    link: n(9), info: n(10), addralign: n(11), entsize: n(12),
  };
}

function decodeDynamic(v: RecordView, f: number[], s: StringSource): DynamicEntry {
  const tag = v.num(f[2]!);
  return {
    index: v.num(f[0]!), offset: v.num(f[1]!), tag, tagName: dynamicTagName(tag),
    value: v.hex(f[3]!), string: s.ref(v, f[4]!, f[5]!),
  };
}

function decodeSymbol(v: RecordView, f: number[], s: StringSource): DynamicSymbol {
  const info = v.num(f[5]!);
  return {
    index: v.num(f[0]!), name: s.ref(v, f[1]!, f[2]!) ?? { text: '', offset: -1 },
    value: v.hex(f[3]!), size: v.num(f[4]!), bind: info >> 4, type: info & 0xf,
    visibility: v.num(f[6]!) & 3, shndx: v.num(f[7]!), versym: v.isNone(f[8]!) ? null : v.num(f[8]!),
  };
}

function decodeVersions(records: RawRecord[], v: RecordView, s: StringSource) {
  const needs = new Map<number, VersionNeed>();
  const defs = new Map<number, VersionDef>();
  const missing = { text: '', offset: -1 };
  for (const { tag, fields: f } of records) {
    if (tag === RecordTag.Verneed) {
      needs.set(v.num(f[0]!), { offset: v.num(f[0]!), file: s.ref(v, f[1]!, f[2]!) ?? missing, versions: [] });
    } else if (tag === RecordTag.Vernaux) {
      needs.get(v.num(f[0]!))?.versions.push({
        offset: v.num(f[1]!), name: s.ref(v, f[2]!, f[3]!) ?? missing, hash: v.num(f[4]!),
        flags: v.num(f[5]!), index: v.num(f[6]!),
      });
    } else if (tag === RecordTag.Verdef) {
      defs.set(v.num(f[0]!), {
        offset: v.num(f[0]!), flags: v.num(f[2]!), index: v.num(f[3]!), hash: v.num(f[5]!), names: [],
      });
    } else if (tag === RecordTag.Verdaux) {
      defs.get(v.num(f[0]!))?.names.push(s.ref(v, f[2]!, f[3]!) ?? missing);
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
  for (const { tag, fields } of records) {
    switch (tag) {
      case RecordTag.Header: header = decodeHeader(view, fields); break;
      case RecordTag.Segment: segments.push(decodeSegment(view, fields)); break;
      case RecordTag.Section: sections.push(decodeSection(view, fields, strings, header?.machine ?? 0)); break;
      case RecordTag.Interp: interpreter = strings.ref(view, fields[0]!, fields[1]!); break;
      case RecordTag.Dynamic: dynamic.push(decodeDynamic(view, fields, strings)); break;
      case RecordTag.Symbol: symbols.push(decodeSymbol(view, fields, strings)); break;
      case RecordTag.Problem:
        problems.push(describeProblem(codeOfStatus(view.num(fields[0]!)), view.num(fields[1]!)));
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
    problems,
  };
}
