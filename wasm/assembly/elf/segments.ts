// The program header table (gABI "Program Header"). Everything the loader sees is reachable from
// here, so a file with broken section headers still yields its interpreter, dynamic section and
// notes.
import { Status } from '../status';
import { RecordTag } from '../out/tags';
import { NONE, problem, put, record } from '../out/records';
import { fits, u32At, wordAt } from '../bytes/reader';
import { Header } from './header';
import {
  E_PHENTSIZE, E_PHOFF, PHDR_SIZE, PT_LOAD, P_ALIGN, P_FILESZ, P_FLAGS, P_MEMSZ, P_OFFSET,
  P_PADDR, P_TYPE, P_VADDR,
} from './layout';

let tableOffset: u64 = 0;
/** Number of readable program headers (0 when the table is absent or unusable). */
export let segmentCount: u64 = 0;

export function checkProgramHeaders(h: Header): void {
  segmentCount = 0;
  tableOffset = h.phoff;
  if (h.phnum == 0) return;
  if (<u64>h.phentsize != PHDR_SIZE()) { problem(Status.PhdrEntsizeBad, E_PHENTSIZE()); return; }
  if (h.phoff == 0 || !fits(h.phoff, h.phnum * PHDR_SIZE())) {
    problem(Status.PhdrTableOutOfBounds, E_PHOFF());
    return;
  }
  segmentCount = h.phnum;
}

export function phdrAt(index: u64): u64 { return tableOffset + index * PHDR_SIZE(); }
export function segmentType(index: u64): u32 { return u32At(phdrAt(index) + P_TYPE); }
export function segmentOffset(index: u64): u64 { return wordAt(phdrAt(index) + P_OFFSET()); }
export function segmentFilesz(index: u64): u64 { return wordAt(phdrAt(index) + P_FILESZ()); }
export function segmentVaddr(index: u64): u64 { return wordAt(phdrAt(index) + P_VADDR()); }
export function segmentAlign(index: u64): u64 { return wordAt(phdrAt(index) + P_ALIGN()); }

/** Segment record fields: index, header offset, type, flags, offset, vaddr, paddr, filesz, memsz, align. */
export function emitSegments(): void {
  for (let i: u64 = 0; i < segmentCount; i++) {
    const at = phdrAt(i);
    record(RecordTag.Segment, 10);
    put(i);
    put(at);
    put(<u64>u32At(at + P_TYPE));
    put(<u64>u32At(at + P_FLAGS()));
    put(wordAt(at + P_OFFSET()));
    put(wordAt(at + P_VADDR()));
    put(wordAt(at + P_PADDR()));
    put(wordAt(at + P_FILESZ()));
    put(wordAt(at + P_MEMSZ()));
    put(wordAt(at + P_ALIGN()));
  }
}

/**
 * File offset of the `size` bytes at virtual address `vaddr`, or NONE when no PT_LOAD maps all of
 * them from the file. Like binutils' offset_from_vma, only the file image (p_filesz) counts.
 */
export function fileOffsetOfAddress(vaddr: u64, size: u64): u64 {
  for (let i: u64 = 0; i < segmentCount; i++) {
    if (segmentType(i) != PT_LOAD) continue;
    const start = segmentVaddr(i);
    const filesz = segmentFilesz(i);
    if (vaddr < start) continue;
    const delta = vaddr - start;
    if (delta > filesz || size > filesz - delta) continue;
    const offset = segmentOffset(i) + delta;
    return offset < segmentOffset(i) ? NONE : offset;
  }
  return NONE;
}

/** Index of the first segment of `type` at or after `from`, or -1. */
export function findSegment(type: u32, from: u64): i64 {
  for (let i = from; i < segmentCount; i++) if (segmentType(i) == type) return <i64>i;
  return -1;
}

/** The p_offset field of a segment: where a bad region is reported. */
export function segmentOffsetField(index: u64): u64 { return phdrAt(index) + P_OFFSET(); }
export function segmentAlignField(index: u64): u64 { return phdrAt(index) + P_ALIGN(); }
