// The writer's two wasm memory regions besides the input (bytes/input.ts): the argument the host
// copies in (note bytes, run path, DT_NEEDED names) and the output file. Both are reused across
// calls and, like the input, checked against the pages wasm32 can still grow before allocating:
// heap.alloc traps when memory cannot grow, and a big file must be a returned status, not a trap.
import { exchangeInput, inputBase, SIMD_PADDING } from '../bytes/input';

export let argumentBase: usize = 0;
/** Bytes the host said it copied in (prepareArgument); edits never read past them. */
export let argumentLength: usize = 0;
let argumentCapacity: usize = 0;

export let outputBase: usize = 0;
/** Length of the output file; 0 when the last edit left the input unchanged or failed. */
export let outputSize: usize = 0;
let outputCapacity: usize = 0;

function canGrowBy(bytes: usize): bool {
  const pagesNeeded = (bytes + 0x20000) >> 16;
  const pagesFree: usize = 65536 - <usize>memory.size();
  return pagesNeeded <= pagesFree;
}

/** Room for an argument of `length` bytes; its address, or 0 when memory cannot grow. */
export function reserveArgument(length: usize): usize {
  argumentLength = 0;
  const needed = length + 16;
  if (needed < length) return 0;
  if (needed <= argumentCapacity) { argumentLength = length; return argumentBase; }
  if (argumentBase != 0) heap.free(argumentBase);
  argumentBase = 0;
  argumentCapacity = 0;
  if (!canGrowBy(needed)) return 0;
  argumentBase = heap.alloc(needed);
  argumentCapacity = needed;
  argumentLength = length;
  return argumentBase;
}

/**
 * Maximum output length: the largest block AssemblyScript's TLSF allocator hands out is just under
 * 1 GiB (rt/tlsf.ts BLOCK_MAXSIZE; a larger heap.alloc traps), whatever memory could still grow.
 */
export const OUTPUT_LIMIT: u64 = (1 << 30) - 0x1000;

/**
 * Room for an output of `length` bytes and SIMD_PADDING zero bytes after them (so the output can
 * be parsed in place, as an input: useOutputAsInput); false when memory cannot grow. The bytes
 * from `copied` on are zero; those below it are left as they are, for the caller to overwrite
 * (with the input, which the output begins with: zeroing them first would double the work).
 */
export function reserveOutput(length: u64, copied: u64): bool {
  outputSize = 0;
  if (length > OUTPUT_LIMIT) return false;
  const needed = <usize>length + SIMD_PADDING;
  if (needed > outputCapacity) {
    if (outputBase != 0) heap.free(outputBase);
    outputBase = 0;
    outputCapacity = 0;
    if (!canGrowBy(needed)) return false;
    outputBase = heap.alloc(needed);
    outputCapacity = needed;
  }
  const keep = <usize>min(copied, length);
  memory.fill(outputBase + keep, 0, needed - keep);
  outputSize = <usize>length;
  return true;
}

/**
 * The output becomes the input, without a copy: the two regions change places, so the output
 * stays at the address the host read it from and the old input region is reused for the next
 * output. Returns the output's length (0: there is none, nothing changed).
 */
export function useOutputAsInput(): usize {
  const length = outputSize;
  if (length == 0) return 0;
  const formerInput = inputBase;
  outputCapacity = exchangeInput(outputBase, outputCapacity);
  outputBase = formerInput;
  outputSize = 0;
  return length;
}

export function clearOutput(): void {
  outputSize = 0;
}
