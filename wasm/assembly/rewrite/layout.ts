// Where an edit's new bytes go, and the serialisation of the edited headers.
//
// Everything new is appended; nothing already in the file moves (only dead bytes are left behind).
// The loaded part starts at a page-aligned file offset O past the end of the input and is mapped
// by one new PT_LOAD at a page-aligned address V above every existing PT_LOAD (resolution-note.md
// §2.3; the page size is patchelf's getPageSize() for e_machine), so p_offset ≡ p_vaddr (mod page)
// as the kernel's elf_map and glibc's _dl_map_segments require. In order it holds:
//   [program header table, if it moved] [dynamic table, if it moved] [note] [new .dynstr]
// Its flags are PF_R, or PF_R|PF_W when it holds the dynamic table (ld.so writes DT_DEBUG there).
// After it, outside any segment: the grown section name table, then the grown section header
// table. ET_EXEC keeps p_vaddr >= p_offset (§2.3 step 2, a qemu-user requirement).
//
// Program headers. The new PT_LOAD goes right after the last PT_LOAD and the new PT_NOTE (p_align
// 4, which glibc's reader needs, §2.1) right after it: the gABI, glibc (_dl_map_segments) and the
// kernel (total_mapping_size uses the first and last PT_LOAD) want PT_LOADs in ascending p_vaddr,
// and PT_PHDR / PT_INTERP stay before every PT_LOAD. PT_NULL slots are reused (patchelf never
// reuses them, but they are free by definition; a note removal leaves its PT_NOTE's slot behind,
// where a later edit needing one PT_LOAD fits without moving the table). Dropped entries become
// PT_NULL at the table's end, so e_phnum never shrinks. When there are too few, the table moves into the new
// PT_LOAD with exactly the entries it needs, and e_phoff, e_phnum and PT_PHDR (p_offset, p_vaddr,
// p_paddr, p_filesz, p_memsz) follow it: glibc computes the main program's load bias as
// AT_PHDR - PT_PHDR.p_vaddr (rtld.c dl_main), and the kernel derives AT_PHDR from the PT_LOAD that
// maps e_phoff (binfmt_elf.c, since Linux 5.18). Older kernels compute AT_PHDR as
// first PT_LOAD (p_vaddr - p_offset) + e_phoff, so when the table moves, O and V keep that same
// difference (the file may then get a zero-filled gap up to O: the memory image's size beyond the
// file's, e.g. a large .bss). Above MAX_PHDR_GAP that gap is not paid: the layout is the plain one,
// and such a file then needs Linux 5.18 or later when its program header table had to move.
import { Status } from '../status';
import { NONE } from '../out/records';
import { inputBase } from '../bytes/input';
import { fits, inputLength, is64, wordSize } from '../bytes/reader';
import {
  DYN_SIZE, E_PHNUM, E_PHOFF, E_SHNUM, E_SHOFF, PHDR_SIZE, PN_XNUM, PT_LOAD, PT_NOTE, P_ALIGN,
  P_FILESZ, P_FLAGS, P_MEMSZ, P_OFFSET, P_PADDR, P_TYPE, P_VADDR, SHDR_SIZE, SHT_NOBITS, SHT_NOTE, SH_ADDR,
  SH_ADDRALIGN, SH_ENTSIZE, SH_FLAGS, SH_INFO, SH_LINK, SH_NAME, SH_OFFSET, SH_SIZE, SH_TYPE,
} from '../elf/layout';
import { argumentBase, clearOutput, reserveOutput } from './buffers';
import { out16, out32, outCopy, outWord, outZero, outputFault, resetFault, out8 } from './emit';
import { IN_FILE, IN_NEW_STRTAB, applyOps } from './ops';
import {
  ET_EXEC, PT_NULL, PT_PHDR, dynDirty, dynOffset, dynSegment, dynTag, dynVal, fail,
  fileType, findDynamic, ldcacheSectionName, machine, markDynamicDirty, phAlign, phDirty, phFilesz,
  phFlags, phMemsz, phOffset, phPaddr, phType, phVaddr, phnum, phoff, pushSection, rawPhnum, rawShnum,
  sectionsUsable, shAddr, shAlign, shDirty, shEntsize, shFlags, shInfo, shLink, shName, shOffset,
  shRemoved, shSize, shType, shnum, shoff, shstrndx, strOffset, markSectionsDirty,
} from './state';
import { appendLength, appendSource, copiedSize, dynstrSection, strAppended, strMoved } from './strings';
import { DT_STRSZ, DT_STRTAB } from '../elf/dynamic';
import { PF_R, PF_W, SHF_ALLOC, SHF_INFO_LINK, SHN_LORESERVE, SHT_DYNAMIC, SHT_REL, SHT_RELA } from '../elf/layout';

const DT_MIPS_RLD_MAP_REL: u64 = 0x70000035;
const EM_MIPS: u32 = 8;
/** Largest zero-filled gap paid to keep AT_PHDR right on kernels before 5.18 (see above). */
const MAX_PHDR_GAP: u64 = 16 << 20;

/** patchelf's getPageSize(): the largest page size the ABI of `e_machine` allows. */
export function pageSize(em: u32): u64 {
  switch (em) {
    case 50: // EM_IA_64
    case 8: // EM_MIPS
    case 20: // EM_PPC
    case 21: // EM_PPC64
    case 183: // EM_AARCH64
    case 191: // EM_TILEGX
    case 258: // EM_LOONGARCH
      return 0x10000;
    case 2: // EM_SPARC
    case 43: // EM_SPARCV9
      return 0x2000;
    default:
      return 0x1000;
  }
}

// ---- What the edit asked for (set by edits.ts before finish()).
/** Length of the note to place (the whole argument); 0 for none. */
export let noteLength: u64 = 0;
export let addNoteSection: bool = false;
export let dynMoved: bool = false;
/** 1 when the output differs from the input. */
export let changed: bool = false;

export function resetLayout(): void {
  noteLength = 0;
  addNoteSection = false;
  dynMoved = false;
  changed = false;
}

export function planNote(length: u64): void {
  noteLength = length;
  addNoteSection = sectionsUsable;
}

export function planMovedDynamic(): void {
  dynMoved = true;
  markDynamicDirty();
}

/** The input, unchanged (an edit with nothing to do). */
export function unchanged(): Status {
  clearOutput();
  changed = false;
  return Status.Ok;
}

function alignUp(x: u64, align: u64): u64 {
  return (x + align - 1) / align * align;
}

function writePhdr(at: u64, type: u32, flags: u32, offset: u64, vaddr: u64, paddr: u64, filesz: u64, memsz: u64, align: u64): void {
  out32(at + P_TYPE, type);
  out32(at + P_FLAGS(), flags);
  outWord(at + P_OFFSET(), offset);
  outWord(at + P_VADDR(), vaddr);
  outWord(at + P_PADDR(), paddr);
  outWord(at + P_FILESZ(), filesz);
  outWord(at + P_MEMSZ(), memsz);
  outWord(at + P_ALIGN(), align);
}

function writeSection(at: u64, i: i32): void {
  out32(at + SH_NAME, shName[i]);
  out32(at + SH_TYPE, shType[i]);
  outWord(at + SH_FLAGS, shFlags[i]);
  outWord(at + SH_ADDR(), shAddr[i]);
  outWord(at + SH_OFFSET(), shOffset[i]);
  outWord(at + SH_SIZE(), shSize[i]);
  out32(at + SH_LINK(), shLink[i]);
  out32(at + SH_INFO(), shInfo[i]);
  outWord(at + SH_ADDRALIGN(), shAlign[i]);
  outWord(at + SH_ENTSIZE(), shEntsize[i]);
}

/** Index of `.note.nixos.ldcache\0` inside the section name table, or -1. */
function findSectionName(tableOffset: u64, tableSize: u64): i64 {
  const name = ldcacheSectionName();
  const n = <u64>name.length;
  if (tableSize < n + 1) return -1;
  for (let i: u64 = 0; i + n < tableSize; i++) {
    let match = load<u8>(inputBase + <usize>(tableOffset + i + n)) == 0;
    for (let k: u64 = 0; match && k < n; k++) match = load<u8>(inputBase + <usize>(tableOffset + i + k)) == name[<i32>k];
    if (match) return <i64>i;
  }
  return -1;
}

/**
 * Offset of a header field that makes growing the file unsafe, or NONE: appended bytes would
 * silently become part of a segment or section that runs past the input's end (the parse does not
 * report a PT_LOAD doing so), and a dangling sh_link (or SHF_INFO_LINK sh_info) equal to e_shnum
 * would start naming the new section. The writer refuses rather than give them a new meaning.
 */
function growthHazard(grows: bool, addsSection: bool): u64 {
  if (grows) {
    for (let i = 0; i < phType.length; i++) {
      if (phType[i] == PT_NULL || phFilesz[i] == 0 || fits(phOffset[i], phFilesz[i])) continue;
      return phoff + <u64>i * PHDR_SIZE() + P_OFFSET();
    }
    for (let i = 1; i < shType.length; i++) {
      if (shType[i] == SHT_NOBITS || shType[i] == 0 || shSize[i] == 0 || fits(shOffset[i], shSize[i])) continue;
      return shoff + <u64>i * SHDR_SIZE() + SH_OFFSET();
    }
  }
  if (addsSection) {
    for (let i = 1; i < shType.length; i++) {
      const infoIsLink = shType[i] == SHT_REL || shType[i] == SHT_RELA || (shFlags[i] & SHF_INFO_LINK) != 0;
      if (<u64>shLink[i] == shnum) return shoff + <u64>i * SHDR_SIZE() + SH_LINK();
      if (infoIsLink && <u64>shInfo[i] == shnum) return shoff + <u64>i * SHDR_SIZE() + SH_INFO();
    }
  }
  return NONE;
}

/** Lays out and writes the output for the planned edit. */
export function finish(): Status {
  const page = pageSize(machine);
  const word = wordSize();
  const size = inputLength;
  const limit: u64 = is64 ? 0xffff_ffff_ffff_ffff : 0xffff_ffff;

  // Section headers: removed trailing ones are cut, other removed ones become SHT_NULL.
  let shCount = shType.length;
  while (shCount > 1 && shRemoved[shCount - 1]) shCount--;
  for (let i = 1; i < shCount; i++) {
    if (!shRemoved[i]) continue;
    shName[i] = 0; shType[i] = 0; shFlags[i] = 0; shAddr[i] = 0; shOffset[i] = 0; shSize[i] = 0;
    shLink[i] = 0; shInfo[i] = 0; shAlign[i] = 0; shEntsize[i] = 0;
  }

  // Program headers: reuse PT_NULL slots, else move the table.
  const loadNeeded = noteLength > 0 || dynMoved || strMoved;
  const newEntries: u64 = (loadNeeded ? 1 : 0) + (noteLength > 0 ? 1 : 0);
  let used: u64 = 0;
  let lastLoad = -1;
  let firstLoad = -1;
  let maxEnd: u64 = 0;
  for (let i = 0; i < phType.length; i++) {
    if (phType[i] == PT_NULL) continue;
    used++;
    if (phType[i] != PT_LOAD) continue;
    if (firstLoad < 0) firstLoad = i;
    lastLoad = i;
    const end = phVaddr[i] + phMemsz[i];
    if (end < phVaddr[i]) return fail(Status.WriteLayoutOverflow, phoff + <u64>i * PHDR_SIZE());
    if (end > maxEnd) maxEnd = end;
  }
  if (lastLoad < 0) return fail(Status.WriteUnsupportedFile, phoff);
  const phtMoved = used + newEntries > phnum;
  const newPhnum = phtMoved ? used + newEntries : phnum;
  const writePhdrs = phDirty || newEntries > 0;
  if (newPhnum >= <u64>PN_XNUM && !sectionsUsable) return fail(Status.WriteLayoutOverflow, E_PHNUM());

  // The loaded region.
  let cursor: u64 = 0;
  const phtRel: u64 = 0;
  if (phtMoved) cursor = newPhnum * PHDR_SIZE();
  let dynRel: u64 = 0;
  if (dynMoved) { cursor = alignUp(cursor, word); dynRel = cursor; cursor += <u64>dynTag.length * DYN_SIZE(); }
  let noteRel: u64 = 0;
  if (noteLength > 0) { cursor = alignUp(cursor, 4); noteRel = cursor; cursor += noteLength; }
  let strRel: u64 = 0;
  const oldStrSize = copiedSize();
  const newStrSize = oldStrSize + strAppended;
  if (strMoved) { strRel = cursor; cursor += newStrSize; }

  let regionOffset = alignUp(size, page);
  let regionAddress: u64 = 0;
  let tail = size;
  if (loadNeeded) {
    if (maxEnd > limit - page) return fail(Status.WriteLayoutOverflow, phoff);
    const lowest = alignUp(maxEnd, page);
    const delta = phVaddr[firstLoad] - phOffset[firstLoad];
    const keepDelta = phtMoved && phVaddr[firstLoad] >= phOffset[firstLoad] && delta % page == 0;
    if (keepDelta && (lowest <= delta || lowest - delta <= regionOffset + MAX_PHDR_GAP)) {
      if (lowest > delta && lowest - delta > regionOffset) regionOffset = lowest - delta;
      regionAddress = regionOffset + delta;
    } else {
      regionAddress = lowest;
      if (fileType == ET_EXEC && regionAddress < regionOffset) regionAddress = regionOffset;
    }
    if (regionAddress > limit - cursor || regionOffset > limit - cursor) return fail(Status.WriteLayoutOverflow, phoff);
    tail = regionOffset + cursor;
  }

  // The section name table and the section header table.
  let nameIndex: u64 = 0;
  let shstrGrow = false;
  let shstrOut: u64 = 0;
  let shstrOldOffset: u64 = 0;
  let shstrOldSize: u64 = 0;
  if (addNoteSection && shstrndx != 0 && shstrndx < <u64>shCount) {
    shstrOldOffset = shOffset[<i32>shstrndx];
    shstrOldSize = shSize[<i32>shstrndx];
    if (shType[<i32>shstrndx] == SHT_NOBITS || !fits(shstrOldOffset, shstrOldSize)) {
      return fail(Status.WriteInputDamaged, shoff + shstrndx * SHDR_SIZE() + SH_OFFSET());
    }
    // Growing moves the table out of every segment: an allocated one must stay where it is mapped.
    if ((shFlags[<i32>shstrndx] & SHF_ALLOC) != 0) {
      return fail(Status.WriteUnsupportedLayout, shoff + shstrndx * SHDR_SIZE() + SH_FLAGS);
    }
    const found = findSectionName(shstrOldOffset, shstrOldSize);
    if (found >= 0) nameIndex = <u64>found;
    else {
      // Appended to the table e_shstrndx names (§2.3 step 6), which moves past the new segment.
      shstrGrow = true;
      nameIndex = shstrOldSize;
      shstrOut = tail;
      tail += shstrOldSize + <u64>ldcacheSectionName().length + 1;
    }
  }
  const newShnum: u64 = <u64>shCount + (addNoteSection ? 1 : 0);
  const shtMoved = sectionsUsable && newShnum > shnum;
  let shtOut = shoff;
  if (shtMoved) { tail = alignUp(tail, word); shtOut = tail; tail += newShnum * SHDR_SIZE(); }
  if (tail > limit) return fail(Status.WriteLayoutOverflow, 0);
  const damaged = growthHazard(tail > size, addNoteSection);
  if (damaged != NONE) return fail(Status.WriteInputDamaged, damaged);

  // Final values in the models.
  if (strMoved) {
    const strtab = findDynamic(DT_STRTAB);
    const strsz = findDynamic(DT_STRSZ);
    if (strtab < 0 || strsz < 0) return fail(Status.WriteNoDynamic, dynOffset);
    dynVal[strtab] = regionAddress + strRel;
    dynVal[strsz] = newStrSize;
    markDynamicDirty();
    const section = dynstrSection();
    if (section >= 0) {
      shOffset[section] = regionOffset + strRel;
      shAddr[section] = regionAddress + strRel;
      shSize[section] = newStrSize;
      markSectionsDirty();
    }
  }
  if (dynMoved) {
    const oldAddress = phVaddr[dynSegment];
    const newAddress = regionAddress + dynRel;
    if (machine == EM_MIPS) {
      // DT_MIPS_RLD_MAP_REL is relative to the address of its own dynamic entry.
      for (let i = 0; i < dynTag.length; i++) {
        if (dynTag[i] != DT_MIPS_RLD_MAP_REL) continue;
        dynVal[i] = dynVal[i] + oldAddress - newAddress;
        if (!is64) dynVal[i] &= 0xffff_ffff;
      }
    }
    const newSize = <u64>dynTag.length * DYN_SIZE();
    if (sectionsUsable) {
      for (let i = 1; i < shCount; i++) {
        if (shType[i] != SHT_DYNAMIC || shOffset[i] != phOffset[dynSegment]) continue;
        shOffset[i] = regionOffset + dynRel;
        shAddr[i] = newAddress;
        shSize[i] = newSize;
        markSectionsDirty();
      }
    }
    phOffset[dynSegment] = regionOffset + dynRel;
    phVaddr[dynSegment] = newAddress;
    phPaddr[dynSegment] = newAddress;
    phFilesz[dynSegment] = newSize;
    phMemsz[dynSegment] = newSize;
  }
  if (phtMoved) {
    for (let i = 0; i < phType.length; i++) {
      if (phType[i] != PT_PHDR) continue;
      phOffset[i] = regionOffset + phtRel;
      phVaddr[i] = regionAddress + phtRel;
      phPaddr[i] = regionAddress + phtRel;
      phFilesz[i] = newPhnum * PHDR_SIZE();
      phMemsz[i] = newPhnum * PHDR_SIZE();
    }
  }
  const shTrimmed = shCount != shType.length;
  if (sectionsUsable) {
    shType.length = shCount;
    shName.length = shCount; shFlags.length = shCount; shAddr.length = shCount; shOffset.length = shCount;
    shSize.length = shCount; shLink.length = shCount; shInfo.length = shCount; shAlign.length = shCount;
    shEntsize.length = shCount; shRemoved.length = shCount;
    if (addNoteSection) {
      pushSection(<u32>nameIndex, SHT_NOTE, SHF_ALLOC, regionAddress + noteRel, regionOffset + noteRel,
        noteLength, 0, 0, 4, 0);
    }
    if (shstrGrow) {
      shOffset[<i32>shstrndx] = shstrOut;
      shSize[<i32>shstrndx] += <u64>ldcacheSectionName().length + 1;
    }
    // Extended numbering (gABI): counts that do not fit the header live in section header 0.
    if ((newShnum >= (<u64>SHN_LORESERVE) || rawShnum == 0) && shSize[0] != newShnum) { shSize[0] = newShnum; markSectionsDirty(); }
    if ((newPhnum >= <u64>PN_XNUM || rawPhnum == PN_XNUM) && <u64>shInfo[0] != newPhnum) { shInfo[0] = <u32>newPhnum; markSectionsDirty(); }
  }

  // The output: a copy of the input, then the appended pieces.
  resetFault();
  if (!reserveOutput(tail, size)) return fail(Status.WriteLayoutOverflow, 0);
  outCopy(0, inputBase, size);
  applyOps(IN_FILE, 0);
  if (noteLength > 0) outCopy(regionOffset + noteRel, argumentBase, noteLength);
  if (strMoved) {
    const table = regionOffset + strRel;
    outCopy(table, inputBase + <usize>strOffset, oldStrSize);
    let at = table + oldStrSize;
    for (let i = 0; i < appendSource.length; i++) {
      outCopy(at, argumentBase + <usize>appendSource[i], appendLength[i]);
      out8(at + appendLength[i], 0);
      at += appendLength[i] + 1;
    }
    applyOps(IN_NEW_STRTAB, table);
  }
  if (shstrGrow) {
    outCopy(shstrOut, inputBase + <usize>shstrOldOffset, shstrOldSize);
    const name = ldcacheSectionName();
    for (let k = 0; k < name.length; k++) out8(shstrOut + shstrOldSize + <u64>k, name[k]);
    out8(shstrOut + shstrOldSize + <u64>name.length, 0);
  }

  if (writePhdrs) {
    const base = phtMoved ? regionOffset + phtRel : phoff;
    let slot: u64 = 0;
    for (let i = 0; i < phType.length; i++) {
      if (phType[i] == PT_NULL) continue;
      writePhdr(base + slot * PHDR_SIZE(), phType[i], phFlags[i], phOffset[i], phVaddr[i], phPaddr[i], phFilesz[i], phMemsz[i], phAlign[i]);
      slot++;
      if (i != lastLoad || !loadNeeded) continue;
      writePhdr(base + slot * PHDR_SIZE(), PT_LOAD, dynMoved ? PF_R | PF_W : PF_R, regionOffset, regionAddress,
        regionAddress, cursor, cursor, page);
      slot++;
      if (noteLength > 0) {
        writePhdr(base + slot * PHDR_SIZE(), PT_NOTE, PF_R, regionOffset + noteRel, regionAddress + noteRel,
          regionAddress + noteRel, noteLength, noteLength, 4);
        slot++;
      }
    }
    if (slot < newPhnum) outZero(base + slot * PHDR_SIZE(), (newPhnum - slot) * PHDR_SIZE());
    if (phtMoved) {
      outWord(E_PHOFF(), base);
      out16(E_PHNUM(), newPhnum >= <u64>PN_XNUM ? PN_XNUM : <u32>newPhnum);
    }
  }

  if (sectionsUsable && (shDirty || addNoteSection || shTrimmed)) {
    for (let i = 0; i < shType.length; i++) writeSection(shtOut + <u64>i * SHDR_SIZE(), i);
    if (!shtMoved && newShnum < shnum) outZero(shtOut + newShnum * SHDR_SIZE(), (shnum - newShnum) * SHDR_SIZE());
    outWord(E_SHOFF(), shtOut);
    out16(E_SHNUM(), newShnum >= (<u64>SHN_LORESERVE) || rawShnum == 0 ? 0 : <u32>newShnum);
  }

  if (dynDirty) {
    const base = dynMoved ? regionOffset + dynRel : dynOffset;
    for (let i = 0; i < dynTag.length; i++) {
      outWord(base + <u64>i * DYN_SIZE(), dynTag[i]);
      outWord(base + <u64>i * DYN_SIZE() + word, dynVal[i]);
    }
  }

  if (outputFault) { clearOutput(); return fail(Status.WriteUnsupportedLayout, 0); }
  changed = true;
  return Status.Ok;
}
