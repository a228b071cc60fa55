// Parser for `readelf -V -W` (symbol versioning).
//
//   Version symbols section '.gnu.version' contains 127 entries:
//    Addr: 0x000000000000161a  Offset: 0x0000161a  Link: 6 (.dynsym)
//     000:   0 (*local*)       2 (GLIBC_2.3)     3h(GLIBC_2.2.5) ...
//   Version definition section '.gnu.version_d' contains 39 entries:
//     000000: Rev: 1  Flags: BASE  Index: 1  Cnt: 1  Name: libc.so.6
//     0x0038: Rev: 1  Flags: none  Index: 3  Cnt: 2  Name: GLIBC_2.2.6
//     0x0054: Parent 1: GLIBC_2.2.5
//   Version needs section '.gnu.version_r' contains 2 entries:
//     000000: Version: 1  File: libselinux.so.1  Cnt: 1
//     0x0010:   Name: LIBSELINUX_1.0  Flags: none  Version: 4
//
// Quirks:
// - Offsets are "%#06x": zero prints as "000000", everything else as "0x0010".
// - "contains 1 entry:" is singular.
// - Flags are "none", "BASE", "WEAK", "INFO" or combinations like "BASE | WEAK".
// - In the symbol table an "h" right after the index marks a hidden version.
import { hex, lines, match, ENTRIES, type Groups } from './text-util.ts';

export interface VersionNeedEntry {
  offset: bigint;
  name: string;
  flags: string;
  /** vna_other: the version index symbols use to refer to this entry. */
  version: number;
}

export interface VersionNeed {
  offset: bigint;
  /** vn_version (always 1 in practice). */
  version: number;
  file: string;
  count: number;
  entries: VersionNeedEntry[];
}

export interface VersionDefinition {
  offset: bigint;
  revision: number;
  flags: string;
  index: number;
  count: number;
  name: string;
  /** Names of the "Parent N:" lines, in order. */
  parents: string[];
}

export interface VersionSymbol {
  /** Version index (without the hidden bit): 0 local, 1 global, >= 2 named. */
  index: number;
  hidden: boolean;
  /** Name as printed, including "*local*" and "*global*". */
  name: string;
}

export interface VersionSectionHeader {
  section: string;
  declaredCount: number;
}

export interface VersionInfo {
  noVersionInfo: boolean;
  symbolsSection: VersionSectionHeader | null;
  definitionsSection: VersionSectionHeader | null;
  needsSection: VersionSectionHeader | null;
  symbols: VersionSymbol[];
  definitions: VersionDefinition[];
  needs: VersionNeed[];
  unparsed: string[];
}

const OFF = '(0x[0-9a-f]+|0+)';
const NEED = new RegExp(`^  ${OFF}: Version: (\\d+)  File: (.*)  Cnt: (\\d+)$`);
const NEED_AUX = new RegExp(`^  ${OFF}:   Name: (.*?)  Flags: (.*)  Version: (\\d+)$`);
const DEF = new RegExp(`^  ${OFF}: Rev: (\\d+)  Flags: (.*?)  Index: (\\d+)  Cnt: (\\d+)  Name: (.*)$`);
const DEF_PARENT = new RegExp(`^  ${OFF}: Parent (\\d+): (.*)$`);
const SYM_ROW = /^  ([0-9a-f]{3,}):(.*)$/;
const SYM_ENTRY = /([0-9a-f]+)([h ])\(([^)]*)\)/g;
type Mode = 'none' | 'symbols' | 'definition' | 'needs';
const SECTION = /^Version (symbols|definition|needs) section '(.*)' contains/;

export function parseVersionInfo(text: string): VersionInfo {
  const info: VersionInfo = {
    noVersionInfo: false,
    symbolsSection: null,
    definitionsSection: null,
    needsSection: null,
    symbols: [],
    definitions: [],
    needs: [],
    unparsed: [],
  };
  let mode = 'none' as Mode;
  for (const line of lines(text)) {
    let m: Groups | null;
    if (line === '') {
      mode = 'none';
    } else if (line === 'No version information found in this file.') {
      info.noVersionInfo = true;
    } else if ((m = match(SECTION, line))) {
      mode = m[1] as Mode;
      const c = match(ENTRIES, line);
      const header = { section: m[2], declaredCount: c ? Number(c[1]) : NaN };
      if (mode === 'symbols') info.symbolsSection = header;
      else if (mode === 'definition') info.definitionsSection = header;
      else info.needsSection = header;
    } else if (mode === 'none') {
      continue;
    } else if (/^ Addr: /.test(line)) {
      continue;
    } else if (mode === 'symbols' && (m = match(SYM_ROW, line))) {
      const before = info.symbols.length;
      for (const e of m[2].matchAll(SYM_ENTRY)) {
        info.symbols.push({ index: parseInt(e[1] ?? '', 16), hidden: e[2] === 'h', name: e[3] ?? '' });
      }
      if (info.symbols.length === before) info.unparsed.push(line);
    } else if (mode === 'needs' && (m = match(NEED, line))) {
      info.needs.push({ offset: hex(m[1]), version: Number(m[2]), file: m[3], count: Number(m[4]), entries: [] });
    } else if (mode === 'needs' && (m = match(NEED_AUX, line)) && info.needs.length > 0) {
      info.needs[info.needs.length - 1]!.entries.push({
        offset: hex(m[1]),
        name: m[2],
        flags: m[3],
        version: Number(m[4]),
      });
    } else if (mode === 'definition' && (m = match(DEF, line))) {
      info.definitions.push({
        offset: hex(m[1]),
        revision: Number(m[2]),
        flags: m[3],
        index: Number(m[4]),
        count: Number(m[5]),
        name: m[6],
        parents: [],
      });
    } else if (mode === 'definition' && (m = match(DEF_PARENT, line)) && info.definitions.length > 0) {
      info.definitions[info.definitions.length - 1]!.parents.push(m[3]);
    } else info.unparsed.push(line);
  }
  return info;
}
