// Parser for `readelf -d -W` (the dynamic section).
//
//   Dynamic section at offset 0x23d98 contains 27 entries:
//     Tag        Type                         Name/Value
//    0x0000000000000001 (NEEDED)             Shared library: [libc.so.6]
//    0x000000000000001e (FLAGS)              BIND_NOW
//    0x000000006ffffffb (FLAGS_1)            Flags: NOW PIE
//    0x0000000000000018 (BIND_NOW)           <nothing>
//
// Quirks:
// - The tag is 16 hex digits for ELF64, 8 for ELF32; the "(NAME)" is padded to
//   a fixed column (19 / 27 wide) with at least one space.
// - Names of unknown tags contain spaces, e.g. "(Processor Specific: 70000123)"
//   or "(<unknown>: 123)", and may overflow the column (then one space follows).
// - FLAGS prints bare names ("SYMBOLIC BIND_NOW"), FLAGS_1 prefixes "Flags: ".
// - DT_BIND_NOW (and a few others) print an empty value: only padding follows.
// - "contains 1 entry:" is singular.
import { hex, lines, match, ENTRIES, type Groups } from './text-util.ts';

export interface DynamicEntry {
  tag: bigint;
  /** Tag name as printed between the parentheses: "NEEDED", "FLAGS_1". */
  name: string;
  /** Value text as printed, trimmed: "Shared library: [libc.so.6]", "0x4000". */
  value: string;
}

export interface DynamicInfo {
  /** File offset from the "Dynamic section at offset" line. */
  offset: bigint | null;
  declaredCount: number | null;
  noDynamicSection: boolean;
  entries: DynamicEntry[];
  /** DT_NEEDED names in order, duplicates kept. */
  needed: string[];
  soname: string | null;
  rpath: string | null;
  runpath: string | null;
  /** DT_FLAGS value text, e.g. "BIND_NOW". */
  flags: string | null;
  /** DT_FLAGS_1 value text, e.g. "Flags: NOW PIE". */
  flags1: string | null;
  unparsed: string[];
}

const ENTRY = /^ 0x([0-9a-f]+) \((.+?)\) +(.*)$/;
const BRACKETED: Record<string, string> = {
  NEEDED: 'Shared library: ',
  SONAME: 'Library soname: ',
  RPATH: 'Library rpath: ',
  RUNPATH: 'Library runpath: ',
};

/** "Shared library: [libc.so.6]" -> "libc.so.6"; anything else is returned as is. */
function bracketed(name: string, value: string): string {
  const prefix = BRACKETED[name];
  if (prefix && value.startsWith(prefix + '[') && value.endsWith(']')) {
    return value.slice(prefix.length + 1, -1);
  }
  return value;
}

export function parseDynamic(text: string): DynamicInfo {
  const info: DynamicInfo = {
    offset: null,
    declaredCount: null,
    noDynamicSection: false,
    entries: [],
    needed: [],
    soname: null,
    rpath: null,
    runpath: null,
    flags: null,
    flags1: null,
    unparsed: [],
  };
  let inTable = false;
  for (const line of lines(text)) {
    let m: Groups | null;
    if (line === '') {
      inTable = false;
    } else if ((m = match(/^Dynamic section at offset (0x[0-9a-f]+|0) /, line))) {
      info.offset = hex(m[1]);
      const c = match(ENTRIES, line);
      info.declaredCount = c ? Number(c[1]) : null;
      inTable = true;
    } else if (line === 'There is no dynamic section in this file.') {
      info.noDynamicSection = true;
    } else if (inTable) {
      if (/^  Tag\s+Type\s+Name\/Value$/.test(line)) continue;
      if ((m = match(ENTRY, line))) {
        const e: DynamicEntry = { tag: hex(m[1]), name: m[2], value: m[3].trimEnd() };
        info.entries.push(e);
        if (e.name === 'NEEDED') info.needed.push(bracketed(e.name, e.value));
        else if (e.name === 'SONAME') info.soname = bracketed(e.name, e.value);
        else if (e.name === 'RPATH') info.rpath = bracketed(e.name, e.value);
        else if (e.name === 'RUNPATH') info.runpath = bracketed(e.name, e.value);
        else if (e.name === 'FLAGS') info.flags = e.value;
        else if (e.name === 'FLAGS_1') info.flags1 = e.value;
      } else info.unparsed.push(line);
    }
  }
  return info;
}
