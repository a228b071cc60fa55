// The dynamic section, found the way the loader finds it: through PT_DYNAMIC, not through section
// headers (glibc elf/rtld.c, _dl_map_object_from_fd use l_ld from PT_DYNAMIC). Its strings come
// from DT_STRTAB/DT_STRSZ, a virtual address mapped to a file offset through PT_LOAD.
import { Status } from '../status';
import { RecordTag } from '../out/tags';
import { NONE, problem, put, record } from '../out/records';
import { fits, wordAt, wordSize } from '../bytes/reader';
import { DYN_SIZE, PT_DYNAMIC } from './layout';
import { starved } from '../bytes/presence';
import { fileOffsetOfAddress, findSegment, phdrAt, segmentFilesz, segmentOffset, segmentOffsetField } from './segments';
import { resolveString, resolvedLength, resolvedOffset } from './strtab';

export const DT_NULL: u64 = 0;
export const DT_NEEDED: u64 = 1;
export const DT_HASH: u64 = 4;
export const DT_STRTAB: u64 = 5;
export const DT_SYMTAB: u64 = 6;
export const DT_STRSZ: u64 = 10;
export const DT_SONAME: u64 = 14;
export const DT_RPATH: u64 = 15;
export const DT_RUNPATH: u64 = 29;
export const DT_GNU_HASH: u64 = 0x6ffffef5;
export const DT_CONFIG: u64 = 0x6ffffefa;
export const DT_DEPAUDIT: u64 = 0x6ffffefb;
export const DT_AUDIT: u64 = 0x6ffffefc;
export const DT_VERSYM: u64 = 0x6ffffff0;
export const DT_VERDEF: u64 = 0x6ffffffc;
export const DT_VERDEFNUM: u64 = 0x6ffffffd;
export const DT_VERNEED: u64 = 0x6ffffffe;
export const DT_VERNEEDNUM: u64 = 0x6fffffff;
export const DT_AUXILIARY: u64 = 0x7ffffffd;
export const DT_FILTER: u64 = 0x7fffffff;

/** The tags later stages look up, with the value and the file offset of the entry that set them. */
const WANTED: StaticArray<u64> = [
  DT_STRTAB, DT_STRSZ, DT_SYMTAB, DT_HASH, DT_GNU_HASH, DT_VERSYM,
  DT_VERNEED, DT_VERNEEDNUM, DT_VERDEF, DT_VERDEFNUM,
];
const wantedValue = new StaticArray<u64>(10);
const wantedEntry = new StaticArray<u64>(10);

/** File offset and size of the dynamic string table, NONE when unusable. */
export let dynStringsOffset: u64 = NONE;
export let dynStringsSize: u64 = 0;

function slot(tag: u64): i32 {
  for (let i = 0; i < WANTED.length; i++) if (WANTED[i] == tag) return i;
  return -1;
}

/** Value of a wanted tag, NONE when the dynamic section lacks it. */
export function dynValue(tag: u64): u64 { return wantedValue[slot(tag)]; }
/** File offset of the entry that set a wanted tag (where its problems are reported). */
export function dynEntry(tag: u64): u64 { return wantedEntry[slot(tag)]; }

function isStringTag(tag: u64): bool {
  return tag == DT_NEEDED || tag == DT_SONAME || tag == DT_RPATH || tag == DT_RUNPATH
    || tag == DT_AUXILIARY || tag == DT_FILTER || tag == DT_CONFIG || tag == DT_DEPAUDIT
    || tag == DT_AUDIT;
}

/**
 * Dynamic record fields: index, entry offset, d_tag, d_val, string offset (NONE), string length.
 * The DT_NULL that ends the table is emitted too, as readelf lists it.
 */
export function parseDynamic(): void {
  for (let i = 0; i < WANTED.length; i++) { wantedValue[i] = NONE; wantedEntry[i] = NONE; }
  dynStringsOffset = NONE;
  dynStringsSize = 0;
  const index = findSegment(PT_DYNAMIC, 0);
  if (index < 0) return;
  const second = findSegment(PT_DYNAMIC, <u64>index + 1);
  if (second >= 0) problem(Status.DynamicMultiple, phdrAt(<u64>second));
  const start = segmentOffset(<u64>index);
  const size = segmentFilesz(<u64>index);
  if (!fits(start, size)) { problem(Status.DynamicOutOfBounds, segmentOffsetField(<u64>index)); return; }

  const capacity = size / DYN_SIZE();
  let count = capacity;
  let terminated = false;
  for (let i: u64 = 0; i < capacity; i++) {
    const entry = start + i * DYN_SIZE();
    const tag = wordAt(entry);
    if (tag == DT_NULL) { count = i + 1; terminated = true; break; }
    const s = slot(tag);
    // The first entry wins, as in glibc's get-dynamic-info.h (info[tag] is set once per tag
    // in practice; duplicate singletons are a broken file either way).
    if (s >= 0 && wantedEntry[s] == NONE) { wantedValue[s] = wordAt(entry + wordSize()); wantedEntry[s] = entry; }
  }
  if (!terminated) problem(Status.DynamicUnterminated, start + size);

  locateStrings();
  for (let i: u64 = 0; i < count && !starved(); i++) {
    const entry = start + i * DYN_SIZE();
    const tag = wordAt(entry);
    const value = wordAt(entry + wordSize());
    let stringOffset = NONE;
    let stringLength: u64 = 0;
    if (isStringTag(tag) && dynStringsOffset != NONE) {
      if (resolveString(dynStringsOffset, dynStringsSize, value, entry,
        Status.DynStringOutOfBounds, Status.DynStringUnterminated)) {
        stringOffset = resolvedOffset;
        stringLength = resolvedLength;
      }
    }
    record(RecordTag.Dynamic, 6);
    put(i);
    put(entry);
    put(tag);
    put(value);
    put(stringOffset);
    put(stringLength);
  }
}

function locateStrings(): void {
  const address = dynValue(DT_STRTAB);
  if (address == NONE) return;
  const entry = dynEntry(DT_STRTAB);
  const size = dynValue(DT_STRSZ) == NONE ? 0 : dynValue(DT_STRSZ);
  const offset = fileOffsetOfAddress(address, 0);
  if (offset == NONE) { problem(Status.DynStrtabUnmapped, entry); return; }
  if (!fits(offset, size)) { problem(Status.DynStrtabOutOfBounds, entry); return; }
  dynStringsOffset = offset;
  dynStringsSize = size;
}
