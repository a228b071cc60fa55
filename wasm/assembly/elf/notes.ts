// Notes in every PT_NOTE segment and every SHT_NOTE section, walked as binutils' readelf walks
// them (binutils/readelf.c process_notes_at): an alignment below 4 counts as 4, only 4 and 8 are
// accepted, the descriptor starts at ELF_NOTE_DESC_OFFSET(namesz, align) and the next note at
// ELF_NOTE_NEXT_OFFSET(namesz, descsz, align). The first malformed note ends its region.
import { Status } from '../status';
import { RecordTag } from '../out/tags';
import { problem, put, record } from '../out/records';
import { alignUp, fits, u32At, u8At } from '../bytes/reader';
import { starved } from '../bytes/presence';
import { NOTE_FROM_SECTION, NOTE_FROM_SEGMENT, PT_NOTE, SHT_NOTE } from './layout';
import { segmentAlign, segmentAlignField, segmentCount, segmentFilesz, segmentOffset, segmentOffsetField, segmentType } from './segments';
import {
  sectionAlign, sectionAlignField, sectionCount, sectionDataFits, sectionOffset, sectionSize,
  sectionType,
} from './sections';
import { decodeGnuNote } from './notes-gnu';
import { decodeLdcacheNote } from './ldcache';

const NOTE_HEADER_SIZE: u64 = 12;

export function parseNotes(): void {
  for (let i: u64 = 0; i < segmentCount; i++) {
    if (segmentType(i) != PT_NOTE) continue;
    const offset = segmentOffset(i);
    const size = segmentFilesz(i);
    if (!fits(offset, size)) { problem(Status.NoteRegionOutOfBounds, segmentOffsetField(i)); continue; }
    walkNotes(NOTE_FROM_SEGMENT, i, offset, size, segmentAlign(i), segmentAlignField(i));
  }
  for (let i: u64 = 0; i < sectionCount; i++) {
    if (sectionType(i) != SHT_NOTE || !sectionDataFits(i, Status.NoteRegionOutOfBounds)) continue;
    walkNotes(NOTE_FROM_SECTION, i, sectionOffset(i), sectionSize(i), sectionAlign(i), sectionAlignField(i));
  }
}

/** Length of the owner name: up to its first NUL, or all namesz bytes when there is none. */
function ownerLength(nameOffset: u64, namesz: u64): u64 {
  for (let i: u64 = 0; i < namesz; i++) if (u8At(nameOffset + i) == 0) return i;
  return namesz;
}

/**
 * Note record fields: source (0 segment, 1 section), source index, note offset, namesz, descsz,
 * type, name offset, name length, descriptor offset, alignment used.
 */
function walkNotes(source: u64, sourceIndex: u64, start: u64, size: u64, declaredAlign: u64, alignField: u64): void {
  const align: u64 = declaredAlign < 4 ? 4 : declaredAlign;
  if (align != 4 && align != 8) { problem(Status.NoteBadAlignment, alignField); return; }
  const end = start + size;
  let at = start;
  while (at < end && !starved()) {
    if (end - at < NOTE_HEADER_SIZE) { problem(Status.NoteHeaderTruncated, at); return; }
    const namesz = <u64>u32At(at);
    const descsz = <u64>u32At(at + 4);
    const type = <u64>u32At(at + 8);
    const nameOffset = at + NOTE_HEADER_SIZE;
    if (namesz > end - nameOffset) { problem(Status.NoteNameOutOfBounds, at); return; }
    const descOffset = at + alignUp(NOTE_HEADER_SIZE + namesz, align);
    if (descOffset > end || descsz > end - descOffset) { problem(Status.NoteDescOutOfBounds, at + 4); return; }
    record(RecordTag.Note, 10);
    put(source);
    put(sourceIndex);
    put(at);
    put(namesz);
    put(descsz);
    put(type);
    put(nameOffset);
    put(ownerLength(nameOffset, namesz));
    put(descOffset);
    put(align);
    decodeGnuNote(at, nameOffset, namesz, type, descOffset, descsz);
    decodeLdcacheNote(source, sourceIndex, at, nameOffset, namesz, type, descOffset, descsz);
    at = at + alignUp(descOffset - at + descsz, align);
  }
}
