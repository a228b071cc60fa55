// Finding, comparing and removing `.note.nixos.ldcache` resolution notes, and checking the note
// bytes an embed is given (resolution-note.md §1, §2.1, §2.4).
//
// A note is recognised as patchelf does, by its section name, and also by content (owner "NixOS",
// type NT_NIXOS_LD_CACHE) in every PT_NOTE and SHT_NOTE, so files without section headers and
// notes placed by the linker count too. Removal follows patchelf's removeResolutionCache: the note
// bytes are zeroed (Nix's reference scanner must no longer see the old store paths), every PT_NOTE
// and PT_LOAD whose p_offset and p_filesz equal the note's is dropped, and so is its section.
// Beyond patchelf, a note that shares its PT_NOTE or SHT_NOTE with other notes (a linker-placed
// note next to .note.ABI-tag) is cut from that region's start or end; in its middle it becomes one
// empty note (n_namesz 0, n_type 0, zero descriptor) so the region still walks cleanly.
import { Status } from '../status';
import { bigEndian, fits, u8At } from '../bytes/reader';
import { PT_LOAD, PT_NOTE, SHT_NOBITS, SHT_NOTE } from '../elf/layout';
import { NT_NIXOS_LD_CACHE } from '../elf/ldcache';
import { argumentBase } from './buffers';
import { IN_FILE, OP_U32, OP_ZERO, addOp } from './ops';
import {
  alignUp64, fail, foundNoteAlign, foundNoteAt, foundNoteInSegment, foundNoteSize, foundNoteValid,
  markPhdrsDirty, markSectionsDirty, nullPhdr, phFilesz, phMemsz, phOffset, phPaddr, phType, phVaddr,
  shAddr, shIsLdcache, shOffset, shRemoved, shSize, shType,
} from './state';

// Extents to remove: [at, at + size), each a whole note or a whole named section.
export const noteAt = new Array<u64>(0);
export const noteSize = new Array<u64>(0);
const noteAlign = new Array<u64>(0);
const noteInSegment = new Array<bool>(0);
const noteValid = new Array<bool>(0);

function contains(start: u64, size: u64, at: u64, length: u64): bool {
  return at >= start && at - start <= size && length <= size - (at - start);
}

/** Collects the notes to consider: named sections first, then notes found by content. */
export function findNotes(): i32 {
  noteAt.length = 0;
  noteSize.length = 0;
  noteAlign.length = 0;
  noteInSegment.length = 0;
  noteValid.length = 0;
  let emptyNamed = 0;
  for (let i = 0; i < shIsLdcache.length; i++) {
    if (!shIsLdcache[i]) continue;
    if (shType[i] == SHT_NOBITS || shSize[i] == 0 || !fits(shOffset[i], shSize[i])) { emptyNamed++; continue; }
    noteAt.push(shOffset[i]);
    noteSize.push(shSize[i]);
    noteAlign.push(4);
    noteInSegment.push(false);
    noteValid.push(false);
  }
  for (let n = 0; n < foundNoteAt.length; n++) {
    const at = foundNoteAt[n];
    const size = foundNoteSize[n];
    let merged = false;
    for (let e = 0; e < noteAt.length; e++) {
      if (!contains(noteAt[e], noteSize[e], at, size)) continue;
      // The note lies in a named section (or is the same note seen twice): one extent.
      if (foundNoteInSegment[n]) noteInSegment[e] = true;
      if (noteAt[e] == at && noteSize[e] == size) { noteValid[e] = foundNoteValid[n]; noteAlign[e] = foundNoteAlign[n]; }
      merged = true;
      break;
    }
    if (merged) continue;
    noteAt.push(at);
    noteSize.push(size);
    noteAlign.push(foundNoteAlign[n]);
    noteInSegment.push(foundNoteInSegment[n]);
    noteValid.push(foundNoteValid[n]);
  }
  return noteAt.length + emptyNamed;
}

/**
 * Whether the file carries exactly the given note already: one note, loader-visible through a
 * PT_NOTE, valid for glibc, byte-equal to the argument (then an embed changes nothing, as
 * patchelf leaves a file whose descriptor is unchanged byte-identical).
 */
export function sameNoteAlready(length: u64): bool {
  if (noteAt.length != 1 || namedSections() > 1 || !noteInSegment[0] || !noteValid[0] || noteSize[0] != length) return false;
  for (let i: u64 = 0; i < length; i++) {
    if (u8At(noteAt[0] + i) != <u32>load<u8>(argumentBase + <usize>i)) return false;
  }
  return true;
}

function namedSections(): i32 {
  let n = 0;
  for (let i = 0; i < shIsLdcache.length; i++) if (shIsLdcache[i]) n++;
  return n;
}

/**
 * Plans the removal of every note found by findNotes(), and of every section named
 * `.note.nixos.ldcache` (patchelf's test is the name, so an empty one goes too).
 */
export function removeNotes(): void {
  for (let e = 0; e < noteAt.length; e++) removeExtent(noteAt[e], noteSize[e], noteAlign[e]);
  for (let i = 0; i < shIsLdcache.length; i++) {
    if (shIsLdcache[i] && !shRemoved[i]) { shRemoved[i] = true; markSectionsDirty(); }
  }
}

function removeExtent(at: u64, size: u64, align: u64): void {
  const end = at + size;
  // Is the note in the middle of a region that also holds other notes?
  let middle = false;
  for (let i = 0; i < phType.length; i++) {
    if (phType[i] != PT_NOTE || !contains(phOffset[i], phFilesz[i], at, size)) continue;
    if (phOffset[i] != at && phOffset[i] + phFilesz[i] != end) middle = true;
  }
  for (let i = 0; i < shType.length; i++) {
    if (shRemoved[i] || (shType[i] != SHT_NOTE && !shIsLdcache[i]) || !contains(shOffset[i], shSize[i], at, size)) continue;
    if (shOffset[i] != at && shOffset[i] + shSize[i] != end) middle = true;
  }

  for (let i = 0; i < phType.length; i++) {
    const type = phType[i];
    if (type != PT_NOTE && type != PT_LOAD) continue;
    if (phOffset[i] == at && phFilesz[i] == size) { nullPhdr(i); continue; }
    if (type != PT_NOTE || middle || !contains(phOffset[i], phFilesz[i], at, size)) continue;
    if (phOffset[i] == at) {
      phOffset[i] += size;
      phVaddr[i] += size;
      phPaddr[i] += size;
    }
    phFilesz[i] -= size;
    phMemsz[i] = phMemsz[i] >= size ? phMemsz[i] - size : 0;
    markPhdrsDirty();
  }
  for (let i = 0; i < shType.length; i++) {
    if (shRemoved[i] || (shType[i] != SHT_NOTE && !shIsLdcache[i]) || !contains(shOffset[i], shSize[i], at, size)) continue;
    if (shOffset[i] == at && shSize[i] == size) { shRemoved[i] = true; markSectionsDirty(); continue; }
    if (middle) continue;
    if (shOffset[i] == at) {
      shOffset[i] += size;
      if (shAddr[i] != 0) shAddr[i] += size;
    }
    shSize[i] -= size;
    markSectionsDirty();
  }

  if (middle) {
    // One empty note over the whole extent: n_namesz 0, n_descsz = the rest, n_type 0.
    const headerSize = alignUp64(12, align < 4 ? 4 : align);
    addOp(OP_ZERO, IN_FILE, at, 0, size);
    addOp(OP_U32, IN_FILE, at, 0, 0);
    addOp(OP_U32, IN_FILE, at + 4, size - headerSize, 0);
    addOp(OP_U32, IN_FILE, at + 8, 0, 0);
  } else {
    addOp(OP_ZERO, IN_FILE, at, 0, size);
  }
}

/** "NixOS\0" and the padding to 8 bytes, as patchelf writes the owner (§2.1). */
const OWNER: StaticArray<u8> = [0x4e, 0x69, 0x78, 0x4f, 0x53, 0, 0, 0];

function argByte(i: u64): u32 {
  return load<u8>(argumentBase + <usize>i);
}

function argWord(i: u64): u32 {
  const v = load<u32>(argumentBase + <usize>i);
  return bigEndian ? bswap<u32>(v) : v;
}

/** Length of the string at `at` ending before `end`, or -1 when unterminated. */
function argString(at: u64, end: u64): i64 {
  for (let i = at; i < end; i++) if (argByte(i) == 0) return <i64>(i - at);
  return -1;
}

/**
 * Checks that the argument is one resolution note in the file's byte order (§2.1): header words
 * n_namesz 6, n_type NT_NIXOS_LD_CACHE, owner "NixOS\0" padded to 8, the descriptor valid for
 * glibc (§4.2: more than 2 bytes, ending in two NULs, pairs with non-empty path lists up to the
 * empty soname that ends it), zero padding to a multiple of 4. The failure offset is the offset
 * in the note bytes where they went wrong.
 */
export function checkNoteArgument(length: u64): Status {
  if (length < 20) return fail(Status.WriteBadNote, 0);
  if (argWord(0) != 6) return fail(Status.WriteBadNote, 0);
  if (<u64>argWord(8) != NT_NIXOS_LD_CACHE) return fail(Status.WriteBadNote, 8);
  for (let i = 0; i < 8; i++) if (argByte(12 + <u64>i) != <u32>OWNER[i]) return fail(Status.WriteBadNote, 12 + <u64>i);
  const descsz = <u64>argWord(4);
  if (descsz <= 2 || 20 + alignUp64(descsz, 4) != length) return fail(Status.WriteBadNote, 4);
  const end = 20 + descsz;
  if (argByte(end - 2) != 0 || argByte(end - 1) != 0) return fail(Status.WriteBadNote, end - 1);
  let pair: u64 = 20;
  while (true) {
    const soname = argString(pair, end);
    if (soname < 0) return fail(Status.WriteBadNote, pair);
    if (soname == 0) {
      if (pair != end - 1) return fail(Status.WriteBadNote, pair);
      break;
    }
    const list = pair + <u64>soname + 1;
    const listLength = argString(list, end);
    if (listLength <= 0) return fail(Status.WriteBadNote, list);
    pair = list + <u64>listLength + 1;
  }
  for (let i = end; i < length; i++) if (argByte(i) != 0) return fail(Status.WriteBadNote, i);
  return Status.Ok;
}
