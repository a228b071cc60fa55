// Writes into the output file in the input's byte order and class (bytes/reader.ts bigEndian, is64,
// set by the parse that every edit starts with). Every write is bounds-checked: a write outside the
// output would be a writer bug, so it is skipped and remembered (`outputFault`), and the edit then
// fails with a status instead of trapping or corrupting memory.
import { bigEndian, is64 } from '../bytes/reader';
import { outputBase, outputSize } from './buffers';

export let outputFault: bool = false;

export function resetFault(): void {
  outputFault = false;
}

function room(offset: u64, size: u64): bool {
  if (offset <= <u64>outputSize && size <= <u64>outputSize - offset) return true;
  outputFault = true;
  return false;
}

export function out8(offset: u64, value: u32): void {
  if (room(offset, 1)) store<u8>(outputBase + <usize>offset, <u8>value);
}

export function out16(offset: u64, value: u32): void {
  if (!room(offset, 2)) return;
  const v = <u16>value;
  store<u16>(outputBase + <usize>offset, bigEndian ? bswap<u16>(v) : v);
}

export function out32(offset: u64, value: u32): void {
  if (!room(offset, 4)) return;
  store<u32>(outputBase + <usize>offset, bigEndian ? bswap<u32>(value) : value);
}

export function out64(offset: u64, value: u64): void {
  if (!room(offset, 8)) return;
  store<u64>(outputBase + <usize>offset, bigEndian ? bswap<u64>(value) : value);
}

/** An address, offset or Xword: 8 bytes in ELF64, 4 in ELF32 (callers have checked it fits). */
export function outWord(offset: u64, value: u64): void {
  if (is64) out64(offset, value);
  else out32(offset, <u32>value);
}

export function outZero(offset: u64, size: u64): void {
  if (room(offset, size)) memory.fill(outputBase + <usize>offset, 0, <usize>size);
}

/** Copies `size` bytes from wasm memory at `source` to output offset `offset`. */
export function outCopy(offset: u64, source: usize, size: u64): void {
  if (room(offset, size)) memory.copy(outputBase + <usize>offset, source, <usize>size);
}
