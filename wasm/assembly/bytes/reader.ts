// Bounds-checked reads of the input in the file's own byte order. Every structure parser reads
// through here, so no file offset, however hostile, can make wasm read outside the input:
// an out-of-range read returns 0 (callers check `fits` first and report the problem themselves).
// A read of a chunk the host has not loaded also returns 0 and starves the parse (presence.ts).
import { inputBase } from './input';
import { present, starved } from './presence';

export let inputLength: u64 = 0;
export let bigEndian: bool = false;
export let is64: bool = true;

export function beginInput(length: u64): void {
  inputLength = length;
  bigEndian = false;
  is64 = true;
}

export function setByteOrder(big: bool, class64: bool): void {
  bigEndian = big;
  is64 = class64;
}

/**
 * True when [offset, offset+size) lies inside the input; never overflows. False once the parse is
 * starved, so every bounded loop ends at once.
 */
export function fits(offset: u64, size: u64): bool {
  return offset <= inputLength && size <= inputLength - offset && !starved();
}

/** fits() and loaded: the condition for touching the bytes. */
function readable(offset: u64, size: u64): bool {
  return fits(offset, size) && present(offset, size);
}

/** End of a region, or NONE-safe: only call after fits(offset, size). */
export function address(offset: u64): usize {
  return inputBase + <usize>offset;
}

export function u8At(offset: u64): u32 {
  if (!readable(offset, 1)) return 0;
  return load<u8>(address(offset));
}

export function u16At(offset: u64): u32 {
  if (!readable(offset, 2)) return 0;
  const v = load<u16>(address(offset));
  return bigEndian ? bswap<u16>(v) : v;
}

export function u32At(offset: u64): u32 {
  if (!readable(offset, 4)) return 0;
  const v = load<u32>(address(offset));
  return bigEndian ? bswap<u32>(v) : v;
}

export function u64At(offset: u64): u64 {
  if (!readable(offset, 8)) return 0;
  const v = load<u64>(address(offset));
  return bigEndian ? bswap<u64>(v) : v;
}

/** An Elf32_Addr/Elf32_Off or Elf64_Addr/Elf64_Off/Elf64_Xword, by class. */
export function wordAt(offset: u64): u64 {
  return is64 ? u64At(offset) : <u64>u32At(offset);
}

/** Size in bytes of a class-sized word. */
export function wordSize(): u64 {
  return is64 ? 8 : 4;
}

/** x rounded up to a multiple of a power of two `align`, in 64 bits (inputs are < 2^33). */
export function alignUp(x: u64, align: u64): u64 {
  return (x + align - 1) & ~(align - 1);
}

/** Bytes from `offset` to the end of the input (0 past the end). */
export function bytesAfter(offset: u64): u64 {
  return offset <= inputLength ? inputLength - offset : 0;
}
