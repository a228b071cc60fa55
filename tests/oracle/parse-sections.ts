// Parser for `readelf -S -W` (section headers).
//
//   There are 31 section headers, starting at offset 0x24770:
//   Section Headers:
//     [Nr] Name              Type            Address          Off    Size   ES Flg Lk Inf Al
//     [ 2] .note.gnu.property NOTE            0000000000000338 000338 000020 00   A  0   0  8
//   Key to Flags:
//
// Quirks:
// - With -W names are never truncated, so long names push the other columns
//   right; names may even contain spaces. The line is therefore parsed from the
//   right: Al, Inf, Lk (decimal), Flg (letters, possibly empty), ES, Size, Off,
//   Address (hex without "0x"), then the type, then the name.
// - Types of unknown sections contain a space: "00000123: <unknown>"
//   (binutils 2.40; older versions print "<unknown>: 123"). Range types look
//   like "LOOS+0xfff1234" / "LOUSER+0x123".
// - Address is 8 hex digits for ELF32, 16 for ELF64 ("Addr"/"Address" header).
// - Al is decimal, ES is hex.
// - "There are N section headers" is omitted when -h is also given;
//   "There are no sections in this file." is printed when e_shnum is 0.
import { hex, lines, match, type Groups } from './text-util.ts';

export interface SectionHeader {
  index: number;
  name: string;
  /** As printed: "PROGBITS", "NOTE", "LOOS+0xfff1234", "00000123: <unknown>". */
  type: string;
  address: bigint;
  offset: bigint;
  size: bigint;
  entsize: bigint;
  /** Flag letters as printed, e.g. "AX", "WA", "" (none). */
  flags: string;
  link: number;
  info: number;
  align: bigint;
}

export interface SectionsInfo {
  /** From "There are N section headers, starting at offset 0x...". */
  declaredCount: number | null;
  headersOffset: bigint | null;
  noSections: boolean;
  sections: SectionHeader[];
  unparsed: string[];
}

const ROW = /^  \[\s*(\d+)\] (.*)$/;
const TAIL =
  /^(.*?)\s+([0-9a-f]+) ([0-9a-f]+) ([0-9a-f]+) ([0-9a-f]+) +([A-Za-z]*) +(\d+) +(\d+) +(\d+)$/;
const UNKNOWN_TYPE = /(?:^| )((?:[0-9a-f]+: <unknown>)|(?:<unknown>: [0-9a-f]+))$/;

/** Split "name<padding> TYPE" into its parts. */
function splitNameType(head: string): { name: string; type: string } {
  const u = UNKNOWN_TYPE.exec(head);
  if (u) return { name: head.slice(0, u.index).trimEnd(), type: u[1] ?? '' };
  const i = head.lastIndexOf(' ');
  // Section 0 has an empty name: the whole head is the type.
  if (i < 0) return { name: '', type: head };
  return { name: head.slice(0, i).trimEnd(), type: head.slice(i + 1) };
}

export function parseSections(text: string): SectionsInfo {
  const info: SectionsInfo = {
    declaredCount: null,
    headersOffset: null,
    noSections: false,
    sections: [],
    unparsed: [],
  };
  let inTable = false;
  for (const line of lines(text)) {
    let m: Groups | null;
    if ((m = match(/^There (?:are|is) (\d+) section headers?, starting at offset (0x[0-9a-f]+|0):$/, line))) {
      info.declaredCount = Number(m[1]);
      info.headersOffset = hex(m[2]);
    } else if (line === 'There are no sections in this file.') {
      info.noSections = true;
    } else if (line === 'Section Headers:') {
      inTable = true;
    } else if (!inTable) {
      continue;
    } else if (line === '' || line === 'Key to Flags:') {
      inTable = false;
    } else if (/^  \[Nr\] Name\s+Type\s+Addr/.test(line)) {
      continue;
    } else if ((m = match(ROW, line))) {
      const t = match(TAIL, m[2]);
      if (!t) {
        info.unparsed.push(line);
        continue;
      }
      const { name, type } = splitNameType(t[1]);
      info.sections.push({
        index: Number(m[1]),
        name,
        type,
        address: hex(t[2]),
        offset: hex(t[3]),
        size: hex(t[4]),
        entsize: hex(t[5]),
        flags: t[6],
        link: Number(t[7]),
        info: Number(t[8]),
        align: BigInt(t[9]),
      });
    } else info.unparsed.push(line);
  }
  return info;
}
