// Parser for `readelf -l -W` (program headers + section-to-segment mapping).
//
// ELF64 -W:
//   Type           Offset   VirtAddr           PhysAddr           FileSiz  MemSiz   Flg Align
//   LOAD           0x004000 0x0000000000004000 0x0000000000004000 0x015759 0x015759 R E 0x1000
//       [Requesting program interpreter: /lib64/ld-linux-x86-64.so.2]
// ELF32 -W (narrower address and size columns, same shape):
//   LOAD           0x001000 0x00001000 0x00001000 0x00002 0x00002 R E 0x1000
//
// Quirks:
// - The type is "%-14s" and may contain a space: unknown types print as
//   "<unknown>: 123", OS/processor ranges as "LOOS+0x1234" / "LOPROC+0x42".
// - Flg is exactly three characters, R/W/E or a blank each ("RW ", "   ").
// - Align is "%#lx", which prints a bare "0" for zero.
// - "Elf file type is", "Entry point" and "There are N program headers" are
//   omitted when -h is also given (the file header already says it).
// - Section names in the mapping are space separated, so a section name that
//   contains spaces cannot be recovered from it; `raw` keeps the text.
import { hex, lines, match, type Groups } from './text-util.ts';

export interface ProgramHeader {
  /** As printed: "LOAD", "GNU_STACK", "LOOS+0x1234", "<unknown>: 123". */
  type: string;
  offset: bigint;
  vaddr: bigint;
  paddr: bigint;
  filesz: bigint;
  memsz: bigint;
  /** Exactly three characters: "R E", "RW ", "R  ", "   ". */
  flags: string;
  align: bigint;
}

export interface SegmentMapping {
  segment: number;
  /** Section names split on spaces (ambiguous if a name contains spaces). */
  sections: string[];
  /** Text after the segment number, trimmed. */
  raw: string;
}

export interface ProgramHeadersInfo {
  /** "DYN (Position-Independent Executable file)"; null when -h was also given. */
  fileType: string | null;
  entry: bigint | null;
  /** The "There are N program headers" count; null when not printed. */
  declaredCount: number | null;
  noProgramHeaders: boolean;
  interpreter: string | null;
  headers: ProgramHeader[];
  mapping: SegmentMapping[];
  unparsed: string[];
}

const PHDR =
  /^  (.+?)\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+0x([0-9a-f]+) ([R ][W ][E ]) (0x[0-9a-f]+|0)$/;
const INTERP = /^\s+\[Requesting program interpreter: (.*)\]$/;
const MAPPING = /^   (\d+)\s{5}(.*)$/;

export function parseProgramHeaders(text: string): ProgramHeadersInfo {
  const info: ProgramHeadersInfo = {
    fileType: null,
    entry: null,
    declaredCount: null,
    noProgramHeaders: false,
    interpreter: null,
    headers: [],
    mapping: [],
    unparsed: [],
  };
  let mode: 'none' | 'headers' | 'mapping' = 'none';
  for (const line of lines(text)) {
    if (line === '') {
      mode = 'none';
      continue;
    }
    let m: Groups | null;
    if ((m = match(/^Elf file type is (.*)$/, line))) {
      info.fileType = m[1];
    } else if ((m = match(/^Entry point (0x[0-9a-f]+|0)$/, line))) {
      info.entry = hex(m[1]);
    } else if ((m = match(/^There are (\d+) program headers?, starting at offset/, line))) {
      info.declaredCount = Number(m[1]);
    } else if (line === 'There are no program headers in this file.') {
      info.noProgramHeaders = true;
    } else if (line === 'Program Headers:') {
      mode = 'headers';
    } else if (line === ' Section to Segment mapping:') {
      mode = 'mapping';
    } else if (mode === 'headers') {
      if (/^  Type\s+Offset\s+VirtAddr/.test(line)) continue;
      if ((m = match(INTERP, line))) {
        info.interpreter = m[1];
      } else if ((m = match(PHDR, line))) {
        info.headers.push({
          type: m[1],
          offset: hex(m[2]),
          vaddr: hex(m[3]),
          paddr: hex(m[4]),
          filesz: hex(m[5]),
          memsz: hex(m[6]),
          flags: m[7],
          align: hex(m[8]),
        });
      } else info.unparsed.push(line);
    } else if (mode === 'mapping') {
      if (line === '  Segment Sections...') continue;
      if ((m = match(MAPPING, line))) {
        const raw = m[2].trim();
        info.mapping.push({ segment: Number(m[1]), sections: raw === '' ? [] : raw.split(' '), raw });
      } else info.unparsed.push(line);
    }
  }
  return info;
}
