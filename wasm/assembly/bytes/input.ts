// The one input region in wasm memory. The host copies a file in once (Uint8Array.set) and every
// parser reads it in place. SIMD_PADDING spare bytes after the data let 16-byte vector loads run
// over the end without reading unowned memory.
export const SIMD_PADDING: usize = 16;

export let inputBase: usize = 0;
let inputCapacity: usize = 0;

/** Make room for `length` bytes; returns the region's address, or 0 when memory cannot grow. */
/** AssemblyScript's TLSF allocator hands out blocks below 1 GiB (BLOCK_MAXSIZE); ask for no more. */
const MAX_BLOCK: usize = (1 << 30) - 256;

/**
 * Makes the region at `base` (`capacity` bytes, SIMD_PADDING zero bytes after its data) the input,
 * and returns the capacity of the region it replaces, whose address was inputBase: the writer's
 * output is parsed where it lies by exchanging the two regions (rewrite/buffers.ts).
 */
export function exchangeInput(base: usize, capacity: usize): usize {
  const previous = inputCapacity;
  inputBase = base;
  inputCapacity = capacity;
  return previous;
}

export function reserveInput(length: usize): usize {
  const needed = length + SIMD_PADDING;
  if (needed < length || needed > MAX_BLOCK) return 0;
  if (needed <= inputCapacity) return inputBase;
  if (inputBase != 0) heap.free(inputBase);
  inputBase = 0;
  inputCapacity = 0;
  // Grow ahead of time: heap.alloc traps when memory cannot grow, and a trap must never be the
  // answer to a big file. One page is 64 KiB; wasm32 stops at 65536 pages.
  const pagesNeeded = (needed + 0x20000) >> 16;
  const pagesFree: usize = 65536 - <usize>memory.size();
  if (pagesNeeded > pagesFree) return 0;
  inputBase = heap.alloc(needed);
  inputCapacity = needed;
  memory.fill(inputBase + length, 0, SIMD_PADDING);
  return inputBase;
}
