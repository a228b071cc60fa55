// .note.nixos.ldcache, validated exactly as the patched glibc reader does
// (shared/docs/resolution-note.md §4.2, nixpkgs ldcache.patch _dl_find_nixos_cache):
// owner "NixOS\0" (n_namesz 6), n_type 0x63a86cb6, a PT_NOTE whose p_align is 4 (glibc reads
// with max(p_align, 4), so 8 would misplace the descriptor), n_descsz > 2, the descriptor ending
// in two NULs; then pairs `soname\0pathlist\0` until an empty soname. An empty path list makes
// the whole cache invalid for that object.
import { Status } from '../status';
import { RecordTag } from '../out/tags';
import { problem, put, record } from '../out/records';
import { u8At } from '../bytes/reader';
import { stringLength } from '../bytes/strings';
import { segmentAlign, segmentAlignField } from './segments';
import { NOTE_FROM_SEGMENT } from './layout';

export const NT_NIXOS_LD_CACHE: u64 = 0x63a86cb6;
const NIXOS_NAME: StaticArray<u8> = [0x4e, 0x69, 0x78, 0x4f, 0x53, 0]; // "NixOS\0"

function ownerIsNixos(nameOffset: u64, namesz: u64): bool {
  if (namesz != 6) return false;
  for (let i = 0; i < 6; i++) if (u8At(nameOffset + <u64>i) != NIXOS_NAME[i]) return false;
  return true;
}

/**
 * Ldcache record fields: note offset, status (0 valid), offset of the problem.
 * LdcacheEntry record fields: note offset, soname offset, soname length, path-list offset, length.
 */
export function decodeLdcacheNote(
  source: u64, sourceIndex: u64, note: u64, nameOffset: u64, namesz: u64, type: u64, desc: u64, descsz: u64,
): void {
  if (type != NT_NIXOS_LD_CACHE) return;
  let status = Status.Ok;
  let at: u64 = 0;
  if (!ownerIsNixos(nameOffset, namesz)) {
    // glibc matches the name too and ignores this note; the 32-bit type says it was meant as one.
    status = Status.LdcacheBadName;
    at = note;
  } else if (source == NOTE_FROM_SEGMENT && segmentAlign(sourceIndex) > 4) {
    status = Status.LdcacheSegmentAlign;
    at = segmentAlignField(sourceIndex);
  } else if (descsz <= 2) {
    status = Status.LdcacheDescTooShort;
    at = note + 4;
  } else if (u8At(desc + descsz - 2) != 0 || u8At(desc + descsz - 1) != 0) {
    status = Status.LdcacheDescUnterminated;
    at = desc + descsz - 1;
  } else {
    const end = desc + descsz;
    let pair = desc;
    while (pair < end) {
      const sonameLength = stringLength(pair, end);
      if (sonameLength <= 0) break;
      const pathList = pair + <u64>sonameLength + 1;
      const pathLength = stringLength(pathList, end);
      if (pathLength < 0) break;
      if (pathLength == 0) { status = Status.LdcacheEmptyPathlist; at = pair; break; }
      record(RecordTag.LdcacheEntry, 5);
      put(note);
      put(pair);
      put(<u64>sonameLength);
      put(pathList);
      put(<u64>pathLength);
      pair = pathList + <u64>pathLength + 1;
    }
  }
  record(RecordTag.Ldcache, 3);
  put(note);
  put(<u64>status);
  put(at);
  if (status != Status.Ok) problem(status, at);
}
