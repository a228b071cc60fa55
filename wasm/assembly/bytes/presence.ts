// Which parts of the input are in wasm memory. A host may load a whole file at once, or only the
// 64 KiB chunks a parse asks for (the CLI does: an ELF's headers, dynamic section and notes are a
// small part of it, and readelf too reads only those). A read of an absent chunk records it as
// `missingChunk` and yields 0; the parse then stops early (starved()) and the host loads that
// chunk and parses again. Each byte is still copied into wasm memory at most once.
export const CHUNK_SHIFT: u64 = 16;

let chunks: usize = 0;
let chunksCapacity: usize = 0;
let chunkCount: u64 = 0;

/** First absent chunk a read needed in this parse, or -1. */
export let missingChunk: i64 = -1;

/** Prepares the chunk map for a file of `length` bytes, all absent. Returns false if out of memory. */
export function resetChunks(length: u64): bool {
  chunkCount = (length + (<u64>1 << CHUNK_SHIFT) - 1) >> CHUNK_SHIFT;
  const needed = <usize>chunkCount + 1;
  if (needed > chunksCapacity) {
    if (chunks != 0) heap.free(chunks);
    chunks = heap.alloc(needed);
    chunksCapacity = needed;
  }
  memory.fill(chunks, 0, needed);
  return true;
}

export function markChunks(first: u64, count: u64): void {
  for (let c = first; c < first + count && c < chunkCount; c++) store<u8>(chunks + <usize>c, 1);
}

/** Every chunk of the file resetChunks prepared for is loaded (the whole file is in place). */
export function markAllChunks(): void {
  markChunks(0, chunkCount);
}

export function beginPass(): void {
  missingChunk = -1;
}

/** True once a read has hit an absent chunk: every loop stops, the host loads, parses again. */
export function starved(): bool {
  return missingChunk >= 0;
}

/** Whether [offset, offset+size) is loaded (the caller has checked it lies in the file). */
export function present(offset: u64, size: u64): bool {
  if (size == 0) return true;
  const last = (offset + size - 1) >> CHUNK_SHIFT;
  for (let c = offset >> CHUNK_SHIFT; c <= last; c++) {
    if (load<u8>(chunks + <usize>c) == 0) {
      if (missingChunk < 0) missingChunk = <i64>c;
      return false;
    }
  }
  return true;
}

/** End of the loaded run that starts at `offset`, at most `end`; records the chunk that stops it. */
export function presentUntil(offset: u64, end: u64): u64 {
  let c = offset >> CHUNK_SHIFT;
  while ((c << CHUNK_SHIFT) < end) {
    if (load<u8>(chunks + <usize>c) == 0) {
      if (missingChunk < 0) missingChunk = <i64>c;
      const stop = c << CHUNK_SHIFT;
      return stop < offset ? offset : stop;
    }
    c++;
  }
  return end;
}
