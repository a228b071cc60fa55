// A file's notes as the page lists them (NoteList, the ELF details' notes table): a note reached
// through both its PT_NOTE segment and its SHT_NOTE section is the same bytes, so it is listed
// once, with both places.
import type { Note, Section } from '../core/elf/types.ts';

export interface PlacedNote {
  note: Note;
  /** "segment N", or the section's name ("section N" when it has none), in the report's order. */
  places: string[];
}

/** The key a note is listed under: the same offset, type and owner are the same note. */
export function noteKey(note: Note): string {
  return `${note.offset}:${note.type}:${note.owner}`;
}

export function placedNotes(notes: readonly Note[], sections: readonly Section[]): PlacedNote[] {
  const place = (note: Note) => note.source === 'segment'
    ? `segment ${note.sourceIndex}`
    : sections[note.sourceIndex]?.name || `section ${note.sourceIndex}`;
  const byKey = new Map<string, PlacedNote>();
  for (const note of notes) {
    const seen = byKey.get(noteKey(note));
    if (seen) seen.places.push(place(note));
    else byKey.set(noteKey(note), { note, places: [place(note)] });
  }
  return [...byKey.values()];
}
