// Parser for `readelf -h -W` (the ELF file header).
//
//   ELF Header:
//     Magic:   7f 45 4c 46 02 01 01 00 ...
//     Class:                             ELF64
//     Number of section headers:         31
//
// With extended numbering (e_shnum == 0 and the real count in section 0's
// sh_size) readelf prints "0 (70000)"; the count in parentheses is the real one.
import { hex, lines, match } from './text-util.ts';

export interface FileHeaderInfo {
  /** Every "Key: value" line, value as printed (trimmed). */
  fields: Map<string, string>;
  elfClass: string | null; // "ELF32" | "ELF64"
  type: string | null; // "DYN (Position-Independent Executable file)"
  machine: string | null;
  entry: bigint | null;
  programHeaderCount: number | null;
  sectionHeaderCount: number | null;
  sectionStringIndex: number | null;
  unparsed: string[];
}

function count(v: string | undefined): number | null {
  if (v === undefined) return null;
  const m = match(/^(\d+)(?: \((\d+)\))?/, v);
  if (!m) return null;
  return Number(m[2] || m[1]);
}

export function parseFileHeader(text: string): FileHeaderInfo {
  const fields = new Map<string, string>();
  const unparsed: string[] = [];
  let inHeader = false;
  for (const line of lines(text)) {
    if (line === 'ELF Header:') {
      inHeader = true;
      continue;
    }
    if (!inHeader) continue;
    if (line === '' || !line.startsWith('  ')) {
      inHeader = false;
      continue;
    }
    const m = match(/^  ([^:]+):\s*(.*?)\s*$/, line);
    if (m) {
      // "Version:" appears twice (e_ident version, then e_version); keep both.
      const key = fields.has(m[1]) ? `${m[1]}#2` : m[1];
      fields.set(key, m[2]);
    } else unparsed.push(line);
  }
  const entry = fields.get('Entry point address');
  return {
    fields,
    elfClass: fields.get('Class') ?? null,
    type: fields.get('Type') ?? null,
    machine: fields.get('Machine') ?? null,
    entry: entry !== undefined ? hex(entry) : null,
    programHeaderCount: count(fields.get('Number of program headers')),
    sectionHeaderCount: count(fields.get('Number of section headers')),
    sectionStringIndex: count(fields.get('Section header string table index')),
    unparsed,
  };
}
