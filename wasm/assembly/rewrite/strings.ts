// Edits of the dynamic string table (DT_STRTAB, DT_STRSZ, `.dynstr`).
//
// A new string that is no longer than the old one is written in place and the rest of the old
// string is zeroed (patchelf's modifyRPath writes a shorter run path in place too; it fills the
// rest with 'X', this writer with NULs). That is only safe when no other reference shares the old
// bytes: linkers merge string-table suffixes (GNU ld's elf-strtab.c), so a DT_NEEDED or a symbol
// name may point into the middle of a run path. Every reference the parse resolved (dynamic
// entries, dynamic symbols, version needs and definitions) is checked (state.ts refuses files
// whose tables the parse could not read whole); when a section other than the dynamic ones links
// to the table, its references are unknown and nothing is edited in place.
//
// Otherwise a new table is appended in the new PT_LOAD: a copy of the old table followed by the
// new strings, so every existing d_val / st_name / vn_file offset stays valid. DT_STRTAB,
// DT_STRSZ and the `.dynstr` section header move to it (layout.ts). The old table is no longer
// referenced by anything.
import { SHT_DYNSYM, SHT_NOBITS } from '../elf/layout';
import { fits } from '../bytes/reader';
import { IN_FILE, OP_ARGUMENT, OP_ZERO, addOp } from './ops';
import {
  refExcluded, refLength, refStart, sectionsUsable, shLink, shOffset, shSize, shType,
  strOffset, strSize,
} from './state';
import { SHT_DYNAMIC, SHT_GNU_VERDEF, SHT_GNU_VERNEED, SHT_STRTAB } from '../elf/layout';


export let strMoved: bool = false;
/** Bytes appended after the copy of the old table. */
export let strAppended: u64 = 0;
export const appendSource = new Array<u64>(0);
export const appendLength = new Array<u64>(0);

export function resetStrings(): void {
  strMoved = false;
  strAppended = 0;
  appendSource.length = 0;
  appendLength.length = 0;
}

/**
 * Index of the `.dynstr` section header: the section with file data at DT_STRTAB's offset (the
 * SHT_STRTAB one if several start there), or -1. It moves with the table, whatever its type says.
 */
export function dynstrSection(): i32 {
  if (!sectionsUsable) return -1;
  let found = -1;
  for (let i = 1; i < shType.length; i++) {
    if (shOffset[i] != strOffset || shType[i] == SHT_NOBITS) continue;
    if (shType[i] == SHT_STRTAB) return i;
    if (found < 0) found = i;
  }
  return found;
}

/** Whether every reference into the table is known (see the file comment). */
export function referencesKnown(): bool {
  const table = dynstrSection();
  if (table < 0) return true;
  for (let i = 1; i < shType.length; i++) {
    if (<i32>shLink[i] != table) continue;
    const t = shType[i];
    if (t != SHT_DYNSYM && t != SHT_DYNAMIC && t != SHT_GNU_VERNEED && t != SHT_GNU_VERDEF) return false;
  }
  return true;
}

/** Whether a reference not marked excluded shares a byte with the string [at, at + length]. */
export function stringOverlaps(at: u64, length: u64): bool {
  for (let i = 0; i < refStart.length; i++) {
    if (refExcluded[i]) continue;
    if (refStart[i] <= at + length && refStart[i] + refLength[i] >= at) return true;
  }
  return false;
}

/** Overwrites the string at `at` (`oldLength` bytes) with `length` argument bytes from `source`. */
export function replaceInPlace(at: u64, oldLength: u64, source: u64, length: u64): void {
  addOp(OP_ARGUMENT, IN_FILE, at, source, length);
  addOp(OP_ZERO, IN_FILE, at + length, 0, oldLength - length + 1);
}

/**
 * Bytes of the old table the new one starts with: DT_STRSZ, or the `.dynstr` section's sh_size
 * when that is larger (symbol and version names are read through the section, dynamic entries
 * through DT_STRSZ; the copy must keep both readable).
 */
export function copiedSize(): u64 {
  const section = dynstrSection();
  if (section >= 0 && shSize[section] > strSize && fits(strOffset, shSize[section])) return shSize[section];
  return strSize;
}

/** Appends `length` argument bytes from `source` and a NUL to the new table; its table offset. */
export function appendString(source: u64, length: u64): u64 {
  strMoved = true;
  const offset = copiedSize() + strAppended;
  appendSource.push(source);
  appendLength.push(length);
  strAppended += length + 1;
  return offset;
}

/** Whether [at, at + length] lies inside the dynamic string table. */
export function inTable(at: u64, length: u64): bool {
  return strOffset != 0xffff_ffff_ffff_ffff && at >= strOffset && at - strOffset < strSize
    && length < strSize - (at - strOffset);
}
