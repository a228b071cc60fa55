// The dynamic symbol table and its .gnu.version (versym) companion. Without section headers the
// symbol count is not stored anywhere: it is read from DT_HASH's nchain, or found by walking
// DT_GNU_HASH's chains to their last entry (as binutils readelf does for --use-dynamic).
import { Status } from '../status';
import { RecordTag } from '../out/tags';
import { NONE, problem, put, record } from '../out/records';
import { address, bytesAfter, fits, u16At, u32At, u8At, wordAt, wordSize, is64 } from '../bytes/reader';
import { beginDigest, digestBytes, digestWord, finishDigest } from '../bytes/digest';
import { SHT_DYNSYM, SHT_GNU_VERSYM, SYM_SIZE } from './layout';
import { DT_GNU_HASH, DT_HASH, DT_SYMTAB, DT_VERSYM, dynEntry, dynValue } from './dynamic';
import { fileOffsetOfAddress } from './segments';
import { starved } from '../bytes/presence';
import { sectionSize } from './sections';
import { locateTable, tableField, tableOffset, tableSection, tableStringsOffset, tableStringsSize } from './tables';
import { resolveString, resolvedLength, resolvedOffset } from './strtab';

/** Symbol count from DT_HASH or DT_GNU_HASH; 0 when neither is usable. */
function countFromHash(): u64 {
  const hash = dynValue(DT_HASH);
  if (hash != NONE) {
    // nbucket, nchain, then nbucket + nchain words: all of it must be in the file.
    const at = fileOffsetOfAddress(hash, 8);
    const nchain = <u64>u32At(at + 4);
    if (at == NONE || !fits(at, (2 + <u64>u32At(at) + nchain) * 4)) {
      problem(Status.HashTableOutOfBounds, dynEntry(DT_HASH));
      return 0;
    }
    return nchain;
  }
  const gnu = dynValue(DT_GNU_HASH);
  if (gnu == NONE) return 0;
  const at = fileOffsetOfAddress(gnu, 16);
  if (at == NONE) { problem(Status.HashTableOutOfBounds, dynEntry(DT_GNU_HASH)); return 0; }
  const nbuckets = <u64>u32At(at);
  const symoffset = <u64>u32At(at + 4);
  const bloomWords = <u64>u32At(at + 8);
  const buckets = at + 16 + bloomWords * wordSize();
  if (!fits(buckets, nbuckets * 4)) { problem(Status.HashTableOutOfBounds, dynEntry(DT_GNU_HASH)); return 0; }
  let last: u64 = 0;
  for (let i: u64 = 0; i < nbuckets && !starved(); i++) {
    const b = <u64>u32At(buckets + i * 4);
    if (b > last) last = b;
  }
  if (last < symoffset) return symoffset;
  const chains = buckets + nbuckets * 4;
  // Walk the last bucket's chain to the entry whose low bit marks its end.
  let index = last;
  while (true) {
    const entry = chains + (index - symoffset) * 4;
    if (!fits(entry, 4)) { problem(Status.HashTableOutOfBounds, dynEntry(DT_GNU_HASH)); return 0; }
    if ((u32At(entry) & 1) != 0) return index + 1;
    index++;
  }
  return 0;
}

/** What parseSymbols sends the host. */
export const enum SymbolOutput {
  /** Nothing: the table is only located and bounds-checked. */
  None = 0,
  /** One Symbol record per entry. */
  Records = 1,
  /** One SymbolDigest record for the whole table (ParseFlag.SymbolDigest). */
  Digest = 2,
}

/**
 * Symbol record fields: index, name offset (NONE), name length, st_value, st_size, st_info,
 * st_other, st_shndx, versym (NONE without a version table).
 * SymbolDigest record fields: entry count, digest (bytes/digest.ts) of every entry's name bytes
 * (NONE when unresolvable), st_value, st_size, st_info, st_other, st_shndx and versym, in order.
 */
export function parseSymbols(output: SymbolOutput): void {
  if (!locateTable(SHT_DYNSYM, DT_SYMTAB, Status.DynsymUnmapped, Status.DynsymOutOfBounds)) return;
  const start = tableOffset;
  const field = tableField;
  const stringsOffset = tableStringsOffset;
  const stringsSize = tableStringsSize;
  const count = tableSection >= 0 ? sectionSize(<u64>tableSection) / SYM_SIZE() : countFromHash();
  if (count > bytesAfter(start) / SYM_SIZE()) { problem(Status.DynsymOutOfBounds, field); return; }
  let versyms = NONE;
  if (locateTable(SHT_GNU_VERSYM, DT_VERSYM, Status.VersymOutOfBounds, Status.VersymOutOfBounds)) {
    if (fits(tableOffset, count * 2)) versyms = tableOffset;
    else problem(Status.VersymOutOfBounds, tableField);
  }
  if (output == SymbolOutput.None) return;
  if (output == SymbolOutput.Digest) beginDigest();
  for (let i: u64 = 0; i < count && !starved(); i++) {
    const at = start + i * SYM_SIZE();
    const name = <u64>u32At(at);
    let nameOffset = NONE;
    let nameLength: u64 = 0;
    if (resolveString(stringsOffset, stringsSize, name, at, Status.SymbolNameOutOfBounds, Status.SymbolNameOutOfBounds)) {
      nameOffset = resolvedOffset;
      nameLength = resolvedLength;
    }
    const value = is64 ? wordAt(at + 8) : wordAt(at + 4);
    const size = is64 ? wordAt(at + 16) : wordAt(at + 8);
    const info = <u64>u8At(is64 ? at + 4 : at + 12);
    const other = <u64>u8At(is64 ? at + 5 : at + 13);
    const shndx = <u64>u16At(is64 ? at + 6 : at + 14);
    const versym = versyms == NONE ? NONE : <u64>u16At(versyms + i * 2);
    if (output == SymbolOutput.Digest) {
      if (nameOffset == NONE) digestWord(NONE);
      else digestBytes(address(nameOffset), nameLength);
      digestWord(value);
      digestWord(size);
      digestWord(info | other << 8 | shndx << 16);
      digestWord(versym);
      continue;
    }
    record(RecordTag.Symbol, 9);
    put(i);
    put(nameOffset);
    put(nameLength);
    put(value);
    put(size);
    put(info);
    put(other);
    put(shndx);
    put(versym);
  }
  if (output == SymbolOutput.Digest && !starved()) {
    record(RecordTag.SymbolDigest, 2);
    put(count);
    put(finishDigest());
  }
}
