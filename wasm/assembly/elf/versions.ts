// GNU symbol versioning: version needs (Verneed/Vernaux) and definitions (Verdef/Verdaux), as
// laid out in the LSB "Symbol Versioning" chapter. Records chain by byte offsets relative to the
// current record; an offset that is non-zero but smaller than a record means the records overlap
// or loop back, which is reported rather than followed.
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
  if (!locateTable(SHT_GNU_VERNEED, DT_VERNEED, Status.VerneedOutOfBounds)) return;
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
      if (next < VERNAUX_SIZE) { problem(Status.VerneedLoop, aux + 12); break; }
      auxPointer = aux + 12;
      aux += next;
    }
    const next = <u64>u32At(at + 12);
    if (next == 0) return;
    if (next < VERNEED_SIZE) { problem(Status.VerneedLoop, at + 12); return; }
    pointer = at + 12;
    at += next;
  }
}

/**
 * Verdef record fields: offset, vd_version, vd_flags, vd_ndx, vd_cnt, vd_hash.
 * Verdaux record fields: Verdef offset, offset, name offset, length.
 */
export function parseVersionDefinitions(): void {
  if (!locateTable(SHT_GNU_VERDEF, DT_VERDEF, Status.VerdefOutOfBounds)) return;
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
      if (next < VERDAUX_SIZE) { problem(Status.VerdefLoop, aux + 4); break; }
      auxPointer = aux + 4;
      aux += next;
    }
    const next = <u64>u32At(at + 16);
    if (next == 0) return;
    if (next < VERDEF_SIZE) { problem(Status.VerdefLoop, at + 16); return; }
    pointer = at + 16;
    at += next;
  }
}
