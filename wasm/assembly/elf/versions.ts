// GNU symbol versioning: version needs (Verneed/Vernaux) and definitions (Verdef/Verdaux), as
// laid out in the LSB "Symbol Versioning" chapter. Records chain by 32-bit byte offsets relative
// to the current record (glibc dl-version.c adds them to a pointer, which wraps on a 32-bit host);
// a next record that does not start past the current one overlaps it or loops back, and is
// reported rather than followed.
import { Status } from '../status';
import { RecordTag } from '../out/tags';
import { NONE, problem, put, record } from '../out/records';
import { fits, u16At, u32At } from '../bytes/reader';
import { SHT_GNU_VERDEF, SHT_GNU_VERNEED } from './layout';
import { DT_VERDEF, DT_VERDEFNUM, DT_VERNEED, DT_VERNEEDNUM, dynValue } from './dynamic';
import { sectionInfo } from './sections';
import { locateTable, tableField, tableOffset, tableSection, tableStringsOffset, tableStringsSize } from './tables';
import { resolveString, resolvedLength, resolvedOffset } from './strtab';

const VERNEED_SIZE: u64 = 16;
const VERNAUX_SIZE: u64 = 16;
const VERDEF_SIZE: u64 = 20;
const VERDAUX_SIZE: u64 = 8;

/**
 * The record `next` bytes after `at`, in 32-bit arithmetic; NONE when it does not start after the
 * `size`-byte record at `at` (so a chain can only move forward, and always ends).
 */
function following(at: u64, next: u64, size: u64): u64 {
  const target = (at + next) & 0xffff_ffff;
  return target < at + size ? NONE : target;
}

/**
 * Where a record that does not fit went wrong: its own start when that is inside the file, else
 * the field that pointed at it (the table's sh_offset / DT_ entry, a vn_aux or vn_next field).
 */
function misplaced(code: Status, at: u64, pointer: u64): void {
  problem(code, fits(at, 0) ? at : pointer);
}

let stringsOffset: u64 = NONE;
let stringsSize: u64 = 0;

function recordCount(countTag: u64): u64 {
  if (tableSection >= 0) return sectionInfo(<u64>tableSection);
  const n = dynValue(countTag);
  return n == NONE ? 0 : n;
}

function versionString(index: u64, field: u64): void {
  if (!resolveString(stringsOffset, stringsSize, index, field, Status.VersionNameOutOfBounds, Status.VersionNameOutOfBounds)) {
    return;
  }
}

/** Puts a string's offset and length (NONE, 0 when unresolved); call after versionString. */
function putResolved(): void {
  put(resolvedOffset);
  put(resolvedLength);
}

/**
 * Verneed record fields: offset, file name offset, length.
 * Vernaux record fields: Verneed offset, offset, name offset, length, vna_hash, vna_flags, vna_other.
 */
export function parseVersionNeeds(): void {
  if (!locateTable(SHT_GNU_VERNEED, DT_VERNEED, Status.VerneedOutOfBounds, Status.VerneedOutOfBounds)) return;
  stringsOffset = tableStringsOffset;
  stringsSize = tableStringsSize;
  const count = recordCount(DT_VERNEEDNUM);
  let at = tableOffset;
  let pointer = tableField;
  for (let i: u64 = 0; i < count; i++) {
    if (!fits(at, VERNEED_SIZE)) { misplaced(Status.VerneedOutOfBounds, at, pointer); return; }
    const auxCount = <u64>u16At(at + 2);
    versionString(<u64>u32At(at + 4), at + 4);
    record(RecordTag.Verneed, 3);
    put(at);
    putResolved();
    let aux = at + <u64>u32At(at + 8);
    let auxPointer = at + 8;
    for (let j: u64 = 0; j < auxCount; j++) {
      if (!fits(aux, VERNAUX_SIZE)) { misplaced(Status.VerneedOutOfBounds, aux, auxPointer); break; }
      versionString(<u64>u32At(aux + 8), aux + 8);
      record(RecordTag.Vernaux, 7);
      put(at);
      put(aux);
      putResolved();
      put(<u64>u32At(aux));
      put(<u64>u16At(aux + 4));
      put(<u64>u16At(aux + 6));
      const next = <u64>u32At(aux + 12);
      if (next == 0) break;
      const target = following(aux, next, VERNAUX_SIZE);
      if (target == NONE) { problem(Status.VerneedLoop, aux + 12); break; }
      auxPointer = aux + 12;
      aux = target;
    }
    const next = <u64>u32At(at + 12);
    if (next == 0) return;
    const target = following(at, next, VERNEED_SIZE);
    if (target == NONE) { problem(Status.VerneedLoop, at + 12); return; }
    pointer = at + 12;
    at = target;
  }
}

/**
 * Verdef record fields: offset, vd_version, vd_flags, vd_ndx, vd_cnt, vd_hash.
 * Verdaux record fields: Verdef offset, offset, name offset, length.
 */
export function parseVersionDefinitions(): void {
  if (!locateTable(SHT_GNU_VERDEF, DT_VERDEF, Status.VerdefOutOfBounds, Status.VerdefOutOfBounds)) return;
  stringsOffset = tableStringsOffset;
  stringsSize = tableStringsSize;
  const count = recordCount(DT_VERDEFNUM);
  let at = tableOffset;
  let pointer = tableField;
  for (let i: u64 = 0; i < count; i++) {
    if (!fits(at, VERDEF_SIZE)) { misplaced(Status.VerdefOutOfBounds, at, pointer); return; }
    const auxCount = <u64>u16At(at + 6);
    record(RecordTag.Verdef, 6);
    put(at);
    put(<u64>u16At(at));
    put(<u64>u16At(at + 2));
    put(<u64>u16At(at + 4));
    put(auxCount);
    put(<u64>u32At(at + 8));
    let aux = at + <u64>u32At(at + 12);
    let auxPointer = at + 12;
    for (let j: u64 = 0; j < auxCount; j++) {
      if (!fits(aux, VERDAUX_SIZE)) { misplaced(Status.VerdefOutOfBounds, aux, auxPointer); break; }
      versionString(<u64>u32At(aux), aux);
      record(RecordTag.Verdaux, 4);
      put(at);
      put(aux);
      putResolved();
      const next = <u64>u32At(aux + 4);
      if (next == 0) break;
      const target = following(aux, next, VERDAUX_SIZE);
      if (target == NONE) { problem(Status.VerdefLoop, aux + 4); break; }
      auxPointer = aux + 4;
      aux = target;
    }
    const next = <u64>u32At(at + 16);
    if (next == 0) return;
    const target = following(at, next, VERDEF_SIZE);
    if (target == NONE) { problem(Status.VerdefLoop, at + 16); return; }
    pointer = at + 16;
    at = target;
  }
}
