// What an edit knows about its input: the header, program and section headers and the dynamic
// table as editable models (plain arrays, refilled by every call: no per-call garbage under the
// minimal runtime), plus what the parse that starts every edit found: problems, every reference
// into the dynamic string table, and every NixOS resolution note. The parse's result stream is
// read back here (out/tags.ts field lists), so the writer never re-implements a parser.
import { Status } from '../status';
import { RecordTag } from '../out/tags';
import { NONE, recordsBase, recordsLength } from '../out/records';
import { fits, u16At, u32At, u8At, wordAt, wordSize } from '../bytes/reader';
import { header } from '../elf/header';
import {
  DYN_SIZE, EHDR_SIZE, E_MACHINE, E_PHOFF, E_PHNUM, E_SHNUM, E_SHOFF, E_SHSTRNDX, E_TYPE, PHDR_SIZE, PT_DYNAMIC,
  PT_LOAD, P_ALIGN, P_FILESZ, P_FLAGS, P_MEMSZ, P_OFFSET, P_PADDR, P_TYPE, P_VADDR, SHDR_SIZE,
  SH_ADDR, SH_ADDRALIGN, SH_ENTSIZE, SH_FLAGS, SH_INFO, SH_LINK, SH_NAME, SH_OFFSET, SH_SIZE,
  SH_TYPE,
} from '../elf/layout';
import { segmentCount } from '../elf/segments';
import { sectionCount } from '../elf/sections';
import { dynStringsOffset, dynStringsSize } from '../elf/dynamic';
import { NT_NIXOS_LD_CACHE } from '../elf/ldcache';
import { PT_INTERP, SHT_NOBITS } from '../elf/layout';

export const ET_EXEC: u32 = 2;
export const ET_DYN: u32 = 3;
export const PT_NULL: u32 = 0;
export const PT_PHDR: u32 = 6;
export const DT_NULL: u64 = 0;

/** Why the last edit failed: the offset reported with its status. */
export let failureOffset: u64 = 0;

export function fail(status: Status, offset: u64): Status {
  failureOffset = offset;
  return status;
}

// ---- The file header (extended numbering already applied by the parse).
export let fileType: u32 = 0;
export let machine: u32 = 0;
export let phoff: u64 = 0;
export let phnum: u64 = 0;
export let shoff: u64 = 0;
export let shnum: u64 = 0;
export let shstrndx: u64 = 0;
/** The raw e_phnum / e_shnum / e_shstrndx fields (PN_XNUM / 0 / SHN_XINDEX when extended). */
export let rawPhnum: u32 = 0;
export let rawShnum: u32 = 0;
export let rawShstrndx: u32 = 0;
/** The file has a section header table that the parse could read whole. */
export let sectionsUsable: bool = false;

// ---- Program headers.
export const phType = new Array<u32>(0);
export const phFlags = new Array<u32>(0);
export const phOffset = new Array<u64>(0);
export const phVaddr = new Array<u64>(0);
export const phPaddr = new Array<u64>(0);
export const phFilesz = new Array<u64>(0);
export const phMemsz = new Array<u64>(0);
export const phAlign = new Array<u64>(0);
/** The program header table must be written back. */
export let phDirty: bool = false;
export function markPhdrsDirty(): void { phDirty = true; }

export function pushPhdr(type: u32, flags: u32, offset: u64, vaddr: u64, paddr: u64, filesz: u64, memsz: u64, align: u64): void {
  phType.push(type);
  phFlags.push(flags);
  phOffset.push(offset);
  phVaddr.push(vaddr);
  phPaddr.push(paddr);
  phFilesz.push(filesz);
  phMemsz.push(memsz);
  phAlign.push(align);
}

/** Turns program header `i` into an all-zero PT_NULL entry (it moves to the table's end). */
export function nullPhdr(i: i32): void {
  phType[i] = PT_NULL;
  phFlags[i] = 0;
  phOffset[i] = 0;
  phVaddr[i] = 0;
  phPaddr[i] = 0;
  phFilesz[i] = 0;
  phMemsz[i] = 0;
  phAlign[i] = 0;
  phDirty = true;
}

// ---- Section headers.
export const shName = new Array<u32>(0);
export const shType = new Array<u32>(0);
export const shFlags = new Array<u64>(0);
export const shAddr = new Array<u64>(0);
export const shOffset = new Array<u64>(0);
export const shSize = new Array<u64>(0);
export const shLink = new Array<u32>(0);
export const shInfo = new Array<u32>(0);
export const shAlign = new Array<u64>(0);
export const shEntsize = new Array<u64>(0);
/** Named `.note.nixos.ldcache` (how patchelf recognises its note). */
export const shIsLdcache = new Array<bool>(0);
/** Dropped by a note removal: trailing ones are cut, others become SHT_NULL. */
export const shRemoved = new Array<bool>(0);
export let shDirty: bool = false;
export function markSectionsDirty(): void { shDirty = true; }

export function pushSection(name: u32, type: u32, flags: u64, addr: u64, offset: u64, size: u64, link: u32, info: u32, align: u64, entsize: u64): void {
  shName.push(name);
  shType.push(type);
  shFlags.push(flags);
  shAddr.push(addr);
  shOffset.push(offset);
  shSize.push(size);
  shLink.push(link);
  shInfo.push(info);
  shAlign.push(align);
  shEntsize.push(entsize);
  shIsLdcache.push(false);
  shRemoved.push(false);
}

// ---- The dynamic table (every slot of the first PT_DYNAMIC, spare DT_NULLs included).
export let dynSegment: i32 = -1;
export let dynOffset: u64 = 0;
export let dynCapacity: u64 = 0;
/** Entries up to and including the first DT_NULL; 0 when there is none. */
export let dynCount: u64 = 0;
export const dynTag = new Array<u64>(0);
export const dynVal = new Array<u64>(0);
export let dynDirty: bool = false;
export function markDynamicDirty(): void { dynDirty = true; }
export function setDynCount(count: u64): void { dynCount = count; }
export let strOffset: u64 = NONE;
export let strSize: u64 = 0;

// ---- References into string tables, as the parse resolved them (absolute file offsets).
export const REF_DYNAMIC: u32 = 0; // key: dynamic entry index
export const REF_VERNEED_FILE: u32 = 1; // key: file offset of the Elf_Verneed (vn_file at +4)
export const REF_OTHER: u32 = 2; // symbol names, version names
export const refStart = new Array<u64>(0);
export const refLength = new Array<u64>(0);
export const refKind = new Array<u32>(0);
export const refKey = new Array<u64>(0);
/** Set by an edit for the references it repoints itself (stringOverlaps ignores them). */
export const refExcluded = new Array<bool>(0);

// ---- NixOS resolution notes found by the parse (owner "NixOS", type NT_NIXOS_LD_CACHE).
export const foundNoteAt = new Array<u64>(0);
export const foundNoteSize = new Array<u64>(0);
export const foundNoteAlign = new Array<u64>(0);
export const foundNoteInSegment = new Array<bool>(0);
export const foundNoteValid = new Array<bool>(0);

// ---- Problems the parse reported.
export const problemCode = new Array<u32>(0);
export const problemOffset = new Array<u64>(0);

const LDCACHE_NAME: StaticArray<u8> = [
  0x2e, 0x6e, 0x6f, 0x74, 0x65, 0x2e, 0x6e, 0x69, 0x78, 0x6f, 0x73, 0x2e, 0x6c, 0x64, 0x63, 0x61,
  0x63, 0x68, 0x65,
]; // ".note.nixos.ldcache"
const NIXOS: StaticArray<u8> = [0x4e, 0x69, 0x78, 0x4f, 0x53]; // "NixOS"

export function ldcacheSectionName(): StaticArray<u8> { return LDCACHE_NAME; }

function bytesEqual(offset: u64, expected: StaticArray<u8>): bool {
  for (let i = 0; i < expected.length; i++) if (u8At(offset + <u64>i) != <u32>expected[i]) return false;
  return true;
}

function field(f: usize, i: i32): u64 {
  return load<u64>(f + (<usize>i << 3));
}

function foundNote(at: u64): i32 {
  for (let i = 0; i < foundNoteAt.length; i++) if (foundNoteAt[i] == at) return i;
  return -1;
}

/** One pass over the parse's records. */
function scanRecords(): void {
  let at: usize = 0;
  while (at + 8 <= recordsLength) {
    const head = load<u64>(recordsBase + at);
    const tag = <u32>(head & 0xffff_ffff);
    const count = <usize>(head >> 32);
    const f = recordsBase + at + 8;
    at += 8 + (count << 3);
    if (tag == RecordTag.Problem) {
      problemCode.push(<u32>field(f, 0));
      problemOffset.push(field(f, 1));
    } else if (tag == RecordTag.Dynamic) {
      if (field(f, 4) != NONE) addRef(field(f, 4), field(f, 5), REF_DYNAMIC, field(f, 0));
    } else if (tag == RecordTag.Symbol) {
      if (field(f, 1) != NONE) addRef(field(f, 1), field(f, 2), REF_OTHER, 0);
    } else if (tag == RecordTag.Verneed) {
      addRegion(field(f, 0), 16);
      if (field(f, 1) != NONE) addRef(field(f, 1), field(f, 2), REF_VERNEED_FILE, field(f, 0));
    } else if (tag == RecordTag.Vernaux) {
      addRegion(field(f, 1), 16);
      if (field(f, 2) != NONE) addRef(field(f, 2), field(f, 3), REF_OTHER, 0);
    } else if (tag == RecordTag.Verdef) {
      addRegion(field(f, 0), 20);
    } else if (tag == RecordTag.Verdaux) {
      addRegion(field(f, 1), 8);
      if (field(f, 2) != NONE) addRef(field(f, 2), field(f, 3), REF_OTHER, 0);
    } else if (tag == RecordTag.Section) {
      const index = <i32>field(f, 0);
      if (index < shIsLdcache.length && field(f, 2) != NONE && field(f, 3) == <u64>LDCACHE_NAME.length) {
        shIsLdcache[index] = bytesEqual(field(f, 2), LDCACHE_NAME);
      }
    } else if (tag == RecordTag.Note) {
      // Fields: source, source index, offset, namesz, descsz, type, name offset, name length,
      // descriptor offset, alignment used (elf/notes.ts).
      if (field(f, 5) != NT_NIXOS_LD_CACHE || field(f, 7) != 5 || !bytesEqual(field(f, 6), NIXOS)) continue;
      const noteAt = field(f, 2);
      const align = field(f, 9);
      const size = alignUp64(field(f, 8) - noteAt + field(f, 4), align);
      let i = foundNote(noteAt);
      if (i < 0) {
        i = foundNoteAt.length;
        foundNoteAt.push(noteAt);
        foundNoteSize.push(size);
        foundNoteAlign.push(align);
        foundNoteInSegment.push(false);
        foundNoteValid.push(false);
      }
      if (field(f, 0) == 0) foundNoteInSegment[i] = true;
    } else if (tag == RecordTag.Ldcache) {
      const i = foundNote(field(f, 0));
      if (i >= 0) foundNoteValid[i] = field(f, 1) == <u64>Status.Ok;
    }
  }
}

export function alignUp64(x: u64, align: u64): u64 {
  if (align <= 1) return x;
  return (x + align - 1) / align * align;
}

/** File regions of the version records the parse read (for overlapHazard). */
const regionStart = new Array<u64>(0);
const regionSize = new Array<u64>(0);

function addRegion(start: u64, size: u64): void {
  regionStart.push(start);
  regionSize.push(size);
}

function overlaps(a: u64, aSize: u64, b: u64, bSize: u64): bool {
  return aSize > 0 && bSize > 0 && a < b + bSize && b < a + aSize;
}

// The structures an edit reads or rewrites in place, with the header field that locates each.
const partStart = new Array<u64>(0);
const partSize = new Array<u64>(0);
const partField = new Array<u64>(0);

function addPart(start: u64, size: u64, field: u64): void {
  if (size == 0) return;
  partStart.push(start);
  partSize.push(size);
  partField.push(field);
}

/**
 * Offset of a header field whose structure shares bytes with another one, or NONE. The writer
 * rewrites the ELF header, the header tables, the dynamic table, strings, version-need file names
 * and notes in place, so overlapping structures (always garbage: linkers never lay files out so,
 * and the parse cannot tell) would silently change each other. The structures are the ELF header,
 * the program and section header tables, PT_DYNAMIC, PT_INTERP, the dynamic string table, every
 * version record and every resolution note; and no section's data may lie in the headers. In a
 * file with section headers, a section must start where DT_STRTAB does (it moves with the table).
 */
function overlapHazard(): u64 {
  partStart.length = 0; partSize.length = 0; partField.length = 0;
  addPart(0, EHDR_SIZE(), 0);
  addPart(phoff, phnum * PHDR_SIZE(), E_PHOFF());
  if (sectionsUsable) addPart(shoff, shnum * SHDR_SIZE(), E_SHOFF());
  const headers = partStart.length;
  for (let i = 1; i < shType.length; i++) {
    if (shType[i] == 0 || shType[i] == SHT_NOBITS) continue;
    for (let k = 0; k < headers; k++) {
      if (overlaps(shOffset[i], shSize[i], partStart[k], partSize[k])) return shoff + <u64>i * SHDR_SIZE() + SH_OFFSET();
    }
  }
  for (let i = 0; i < phType.length; i++) {
    if (phType[i] == PT_DYNAMIC || phType[i] == PT_INTERP) addPart(phOffset[i], phFilesz[i], phoff + <u64>i * PHDR_SIZE() + P_OFFSET());
  }
  if (strOffset != NONE) {
    addPart(strOffset, strSize, strOffset);
    if (sectionsUsable) {
      let found = false;
      for (let i = 1; i < shType.length && !found; i++) found = shOffset[i] == strOffset && shType[i] != SHT_NOBITS;
      if (!found) return strOffset;
    }
  }
  for (let i = 0; i < regionStart.length; i++) addPart(regionStart[i], regionSize[i], regionStart[i]);
  for (let i = 0; i < foundNoteAt.length; i++) addPart(foundNoteAt[i], foundNoteSize[i], foundNoteAt[i]);
  for (let a = 0; a < partStart.length; a++) {
    for (let b = a + 1; b < partStart.length; b++) {
      // The same record reached twice (two Verdefs sharing one Verdaux, as lld writes) is fine.
      if (partStart[a] == partStart[b] && partSize[a] == partSize[b]) continue;
      if (overlaps(partStart[a], partSize[a], partStart[b], partSize[b])) return partField[b];
    }
  }
  return NONE;
}

function addRef(start: u64, length: u64, kind: u32, key: u64): void {
  refStart.push(start);
  refLength.push(length);
  refKind.push(kind);
  refKey.push(key);
  refExcluded.push(false);
}

function reset(): void {
  failureOffset = 0;
  phType.length = 0; phFlags.length = 0; phOffset.length = 0; phVaddr.length = 0;
  phPaddr.length = 0; phFilesz.length = 0; phMemsz.length = 0; phAlign.length = 0;
  shName.length = 0; shType.length = 0; shFlags.length = 0; shAddr.length = 0; shOffset.length = 0;
  shSize.length = 0; shLink.length = 0; shInfo.length = 0; shAlign.length = 0; shEntsize.length = 0;
  shIsLdcache.length = 0; shRemoved.length = 0;
  dynTag.length = 0; dynVal.length = 0;
  refStart.length = 0; refLength.length = 0; refKind.length = 0; refKey.length = 0; refExcluded.length = 0;
  foundNoteAt.length = 0; foundNoteSize.length = 0; foundNoteAlign.length = 0;
  foundNoteInSegment.length = 0; foundNoteValid.length = 0;
  problemCode.length = 0; problemOffset.length = 0;
  regionStart.length = 0; regionSize.length = 0;
  phDirty = false; shDirty = false; dynDirty = false;
  dynSegment = -1; dynOffset = 0; dynCapacity = 0; dynCount = 0;
  strOffset = NONE; strSize = 0;
  sectionsUsable = false;
}

/** Problems the writer leaves as they are: the contents of notes, and the resolution note's validity. */
function carriedOver(code: u32): bool {
  return (code >= <u32>Status.NoteBadAlignment && code <= <u32>Status.GnuPropertyMalformed)
    || (code >= <u32>Status.LdcacheDescTooShort && code <= <u32>Status.LdcacheBadName);
}

/** Index of the first problem with a code in [low, high], or -1. */
export function problemIn(low: u32, high: u32): i32 {
  for (let i = 0; i < problemCode.length; i++) if (problemCode[i] >= low && problemCode[i] <= high) return i;
  return -1;
}

/**
 * Builds the models after a successful parse of the whole input (index.ts parseForEdit). Refuses files
 * the writer cannot rewrite faithfully: not ET_EXEC/ET_DYN, no readable program header table or no
 * PT_LOAD, or a section header table that is present but unreadable (rewriting it would spread
 * garbage; a file without one is fine).
 */
export function loadState(): Status {
  reset();
  fileType = header.type;
  machine = u16At(E_MACHINE);
  phoff = header.phoff;
  phnum = header.phnum;
  shoff = header.shoff;
  shnum = header.shnum;
  shstrndx = header.shstrndx;
  rawPhnum = u16At(E_PHNUM());
  rawShnum = u16At(E_SHNUM());
  rawShstrndx = u16At(E_SHSTRNDX());
  if (fileType != ET_EXEC && fileType != ET_DYN) return fail(Status.WriteUnsupportedFile, E_TYPE);

  const phdrProblem = problemInRecords(<u32>Status.PhdrTableOutOfBounds, <u32>Status.PhdrEntsizeBad);
  if (phdrProblem != NONE) return fail(Status.WriteInputDamaged, phdrProblem);
  if (phnum == 0 || segmentCount != phnum) return fail(Status.WriteUnsupportedFile, E_PHNUM());

  sectionsUsable = shoff != 0 && shnum != 0;
  if (sectionsUsable) {
    const shdrProblem = problemInRecords(<u32>Status.ShdrTableOutOfBounds, <u32>Status.ShstrndxOutOfBounds);
    if (shdrProblem != NONE) return fail(Status.WriteInputDamaged, shdrProblem);
    if (sectionCount != shnum) return fail(Status.WriteInputDamaged, E_SHOFF());
  }

  let loads = 0;
  for (let i: u64 = 0; i < phnum; i++) {
    const at = phoff + i * PHDR_SIZE();
    pushPhdr(u32At(at + P_TYPE), u32At(at + P_FLAGS()), wordAt(at + P_OFFSET()), wordAt(at + P_VADDR()),
      wordAt(at + P_PADDR()), wordAt(at + P_FILESZ()), wordAt(at + P_MEMSZ()), wordAt(at + P_ALIGN()));
    if (phType[<i32>i] == PT_LOAD) loads++;
  }
  if (loads == 0) return fail(Status.WriteUnsupportedFile, phoff);

  if (sectionsUsable) {
    for (let i: u64 = 0; i < shnum; i++) {
      const at = shoff + i * SHDR_SIZE();
      pushSection(u32At(at + SH_NAME), u32At(at + SH_TYPE), wordAt(at + SH_FLAGS), wordAt(at + SH_ADDR()),
        wordAt(at + SH_OFFSET()), wordAt(at + SH_SIZE()), u32At(at + SH_LINK()), u32At(at + SH_INFO()),
        wordAt(at + SH_ADDRALIGN()), wordAt(at + SH_ENTSIZE()));
    }
  }

  scanRecords();
  // A reference that points past the end of the file or of its table would read the writer's
  // appended bytes once the file or the table grows, and so change meaning silently. Only problems
  // inside a note (bounded by its own region, which does not move) are carried over.
  for (let i = 0; i < problemCode.length; i++) {
    if (!carriedOver(problemCode[i])) return fail(Status.WriteInputDamaged, problemOffset[i]);
  }

  for (let i = 0; i < phType.length; i++) {
    if (phType[i] != PT_DYNAMIC) continue;
    dynSegment = i;
    dynOffset = phOffset[i];
    dynCapacity = phFilesz[i] / DYN_SIZE();
    if (!fits(dynOffset, dynCapacity * DYN_SIZE())) { dynSegment = -1; break; }
    for (let k: u64 = 0; k < dynCapacity; k++) {
      const entry = dynOffset + k * DYN_SIZE();
      dynTag.push(wordAt(entry));
      dynVal.push(wordAt(entry + wordSize()));
      if (dynCount == 0 && dynTag[<i32>k] == DT_NULL) dynCount = k + 1;
    }
    break;
  }
  strOffset = dynStringsOffset;
  strSize = dynStringsSize;
  const overlap = overlapHazard();
  if (overlap != NONE) return fail(Status.WriteInputDamaged, overlap);
  return Status.Ok;
}

/** Offset of the first problem record with a code in [low, high] (scanned before the arrays). */
function problemInRecords(low: u32, high: u32): u64 {
  let at: usize = 0;
  while (at + 8 <= recordsLength) {
    const head = load<u64>(recordsBase + at);
    const count = <usize>(head >> 32);
    const f = recordsBase + at + 8;
    at += 8 + (count << 3);
    if (<u32>(head & 0xffff_ffff) != RecordTag.Problem) continue;
    const code = <u32>field(f, 0);
    if (code >= low && code <= high) return field(f, 1);
  }
  return NONE;
}

/** Index in the ref arrays of the string of dynamic entry `index`, or -1 when unresolved. */
export function dynamicString(index: u64): i32 {
  for (let i = 0; i < refKind.length; i++) if (refKind[i] == REF_DYNAMIC && refKey[i] == index) return i;
  return -1;
}

/** Index of the first entry with `tag` before the terminating DT_NULL, or -1. */
export function findDynamic(tag: u64): i32 {
  const end = dynCount == 0 ? dynCapacity : dynCount - 1;
  for (let i: u64 = 0; i < end; i++) if (dynTag[<i32>i] == tag) return <i32>i;
  return -1;
}
