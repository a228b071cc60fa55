// Parser for `readelf -n -W` (ELF notes).
//
//   Displaying notes found in: .note.gnu.build-id
//     Owner                Data size \tDescription
//     GNU                  0x00000014\tNT_GNU_BUILD_ID (unique build ID bitstring)\t    Build ID: 15df...
//
// or, for files without section headers, one block per PT_NOTE segment:
//   Displaying notes found at file offset 0x00000358 with length 0x00000044:
//
// Quirks:
// - With -W the first detail line is on the note's own line after a second TAB
//   (without -W it is on the next line). Further detail lines (e.g. stapsdt
//   "Name:", "Location:", "Arguments:") follow, indented by four spaces.
// - Owner is "%-20s" but not truncated with -W, and may contain spaces and
//   "0x" (annobin owners like "GA$<tool>running gcc 8.5.0 20210514",
//   "GA*<ABI>0x12"), so it is everything before the first " 0x<8+ hex>\t".
// - Data size is "0x%08lx".
// - Multiple GNU properties are joined with ", " on one line in -W mode.
// - A note type readelf does not know prints "Unknown note type: (0x00001234)"
//   and a "description data: ef be ..." detail with a trailing space.
import { hex, lines, match, type Groups } from './text-util.ts';

export type NoteSource =
  | { kind: 'section'; name: string }
  | { kind: 'segment'; offset: bigint; length: bigint };

export interface Note {
  source: NoteSource;
  owner: string;
  dataSize: number;
  /** Exactly as printed: "NT_GNU_BUILD_ID (unique build ID bitstring)". */
  description: string;
  /** Detail lines, leading/trailing blanks removed: "Build ID: 15df...". */
  details: string[];
}

export interface NotesInfo {
  notes: Note[];
  unparsed: string[];
}

const NOTE = /^  (.*?) +0x([0-9a-f]{8,})\t([^\t]*?)\s*(?:\t(.*))?$/;

export function parseNotes(text: string): NotesInfo {
  const info: NotesInfo = { notes: [], unparsed: [] };
  let source: NoteSource | null = null;
  let last: Note | null = null;
  for (const line of lines(text)) {
    let m: Groups | null;
    if (line === '') {
      source = null;
      last = null;
    } else if ((m = match(/^Displaying notes found in: (.*)$/, line))) {
      source = { kind: 'section', name: m[1] };
      last = null;
    } else if ((m = match(/^Displaying notes found at file offset (0x[0-9a-f]+) with length (0x[0-9a-f]+):$/, line))) {
      source = { kind: 'segment', offset: hex(m[1]), length: hex(m[2]) };
      last = null;
    } else if (source === null) {
      continue; // not inside a notes block: output of another option
    } else if (/^  Owner\s+Data size\s*\tDescription$/.test(line)) {
      continue;
    } else if ((m = match(NOTE, line))) {
      last = {
        source,
        owner: m[1],
        dataSize: Number(hex(m[2])),
        description: m[3],
        details: m[4].trim() !== '' ? [m[4].trim()] : [],
      };
      info.notes.push(last);
    } else if (/^ {4}/.test(line) && last) {
      // Checked after NOTE: a note with an empty owner also starts with blanks.
      last.details.push(line.trim());
    } else info.unparsed.push(line);
  }
  return info;
}

/** The first "Build ID: ..." detail of an NT_GNU_BUILD_ID note, or null. */
export function buildIdOf(info: NotesInfo): string | null {
  for (const n of info.notes) {
    if (!n.description.startsWith('NT_GNU_BUILD_ID')) continue;
    for (const d of n.details) {
      const m = match(/^Build ID: ([0-9a-f]+)$/, d);
      if (m) return m[1];
    }
  }
  return null;
}
