// The section header table and section names (gABI "Sections"). Optional: a file may have none,
// or garbage (sstrip, hostile files), and the rest of the parse goes on without them.
import { Status } from '../status';
import { RecordTag } from '../out/tags';
import { NONE, problem, put, record } from '../out/records';
import { bytesAfter, fits, u32At, wordAt } from '../bytes/reader';
import { stringLength } from '../bytes/strings';
import { starved } from '../bytes/presence';
import { Header } from './header';
import {
  E_SHENTSIZE, E_SHOFF, E_SHSTRNDX, PN_XNUM, SHDR_SIZE, SHN_XINDEX, SHT_NOBITS, SH_ADDR,
  SH_ADDRALIGN, SH_ENTSIZE, SH_FLAGS, SH_INFO, SH_LINK, SH_NAME, SH_OFFSET, SH_SIZE, SH_TYPE,
} from './layout';

let tableOffset: u64 = 0;
/** Number of readable section headers (0 when the table is absent or unusable). */
export let sectionCount: u64 = 0;
let namesOffset: u64 = 0;
let namesSize: u64 = 0;
let haveNames: bool = false;

export function shdrAt(index: u64): u64 { return tableOffset + index * SHDR_SIZE(); }
export function sectionType(index: u64): u32 { return u32At(shdrAt(index) + SH_TYPE); }
export function sectionOffset(index: u64): u64 { return wordAt(shdrAt(index) + SH_OFFSET()); }
export function sectionSize(index: u64): u64 { return wordAt(shdrAt(index) + SH_SIZE()); }
export function sectionLink(index: u64): u64 { return <u64>u32At(shdrAt(index) + SH_LINK()); }
export function sectionInfo(index: u64): u64 { return <u64>u32At(shdrAt(index) + SH_INFO()); }
export function sectionEntsize(index: u64): u64 { return wordAt(shdrAt(index) + SH_ENTSIZE()); }
export function sectionAlign(index: u64): u64 { return wordAt(shdrAt(index) + SH_ADDRALIGN()); }
export function sectionOffsetField(index: u64): u64 { return shdrAt(index) + SH_OFFSET(); }
export function sectionAlignField(index: u64): u64 { return shdrAt(index) + SH_ADDRALIGN(); }

/**
 * Applies extended numbering: e_shnum 0, e_shstrndx SHN_XINDEX and e_phnum PN_XNUM defer to
 * section header 0's sh_size, sh_link and sh_info (gABI; binutils get_section_headers).
 */
export function applyExtendedNumbering(h: Header): void {
  // Read section header 0 only when a field defers to it: it usually sits at the end of the file,
  // which a demand-loading host would otherwise have to fetch for nothing.
  const deferred = h.shnum == 0 || h.shstrndx == <u64>SHN_XINDEX || h.phnum == <u64>PN_XNUM;
  if (!deferred || h.shoff == 0 || <u64>h.shentsize != SHDR_SIZE() || !fits(h.shoff, SHDR_SIZE())) return;
  tableOffset = h.shoff;
  if (h.shnum == 0) h.shnum = sectionSize(0);
  if (h.shstrndx == <u64>SHN_XINDEX) h.shstrndx = sectionLink(0);
  if (h.phnum == <u64>PN_XNUM) h.phnum = sectionInfo(0);
}

/** Parses as if the file had no section headers (the loader view never reads them). */
export function skipSectionHeaders(): void {
  sectionCount = 0;
  haveNames = false;
}

export function checkSectionHeaders(h: Header): void {
  sectionCount = 0;
  haveNames = false;
  tableOffset = h.shoff;
  if (h.shoff == 0 || h.shnum == 0) return;
  if (<u64>h.shentsize != SHDR_SIZE()) { problem(Status.ShdrEntsizeBad, E_SHENTSIZE()); return; }
  // Compare by division so a huge extended e_shnum cannot overflow the multiplication.
  if (!fits(h.shoff, 0) || h.shnum > bytesAfter(h.shoff) / SHDR_SIZE()) {
    problem(Status.ShdrTableOutOfBounds, E_SHOFF());
    return;
  }
  sectionCount = h.shnum;
  if (h.shstrndx == 0) return;
  if (h.shstrndx >= sectionCount) { problem(Status.ShstrndxOutOfBounds, E_SHSTRNDX()); return; }
  if (!sectionDataFits(h.shstrndx)) return;
  namesOffset = sectionOffset(h.shstrndx);
  namesSize = sectionSize(h.shstrndx);
  haveNames = true;
}

/**
 * Whether a section's file data lies inside the input; reports `code` at its sh_offset field when
 * not. Tables with a code family of their own (notes, .dynsym, .gnu.version*) pass theirs; string
 * tables use the generic section_data_out_of_bounds. NOBITS always fits.
 */
export function sectionDataFits(index: u64, code: Status = Status.SectionDataOutOfBounds): bool {
  if (sectionType(index) == SHT_NOBITS) return true;
  if (fits(sectionOffset(index), sectionSize(index))) return true;
  problem(code, sectionOffsetField(index));
  return false;
}

/** Index of the first section of `type`, or -1. */
export function findSection(type: u32): i64 {
  for (let i: u64 = 0; i < sectionCount; i++) if (sectionType(i) == type) return <i64>i;
  return -1;
}

/**
 * Section record fields: index, header offset, name offset (NONE), name length, type, flags, addr,
 * offset, size, link, info, addralign, entsize.
 */
export function emitSections(): void {
  for (let i: u64 = 0; i < sectionCount && !starved(); i++) {
    const at = shdrAt(i);
    let nameOffset = NONE;
    let nameLength: u64 = 0;
    if (haveNames) {
      const nameIndex = <u64>u32At(at + SH_NAME);
      const length = nameIndex < namesSize ? stringLength(namesOffset + nameIndex, namesOffset + namesSize) : -1;
      if (length < 0) problem(Status.SectionNameOutOfBounds, at + SH_NAME);
      else { nameOffset = namesOffset + nameIndex; nameLength = <u64>length; }
    }
    record(RecordTag.Section, 13);
    put(i);
    put(at);
    put(nameOffset);
    put(nameLength);
    put(<u64>u32At(at + SH_TYPE));
    put(wordAt(at + SH_FLAGS));
    put(wordAt(at + SH_ADDR()));
    put(sectionOffset(i));
    put(sectionSize(i));
    put(sectionLink(i));
    put(sectionInfo(i));
    put(sectionAlign(i));
    put(sectionEntsize(i));
  }
}
