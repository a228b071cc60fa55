// NUL-terminated strings inside a bounded table. The scan for the terminator is the one loop that
// walks bytes one by one, so it runs 16 bytes at a time with v128 (the input region is padded by
// SIMD_PADDING, so the last vector load never leaves owned memory).
import { address, fits } from './reader';
import { presentUntil } from './presence';

/** Index of the first NUL in [ptr, ptr+limit), or -1. */
export function scanForNul(ptr: usize, limit: usize): isize {
  const zero = i8x16.splat(0);
  let i: usize = 0;
  while (i < limit) {
    const hits = i8x16.bitmask(i8x16.eq(v128.load(ptr + i), zero));
    if (hits != 0) {
      const at = i + <usize>ctz(hits);
      return at < limit ? <isize>at : -1;
    }
    i += 16;
  }
  return -1;
}

/**
 * Length of the string at `offset`, which must end (with its NUL) before `tableEnd`;
 * -1 when the string is unterminated or `offset` is outside [0, tableEnd).
 */
export function stringLength(offset: u64, tableEnd: u64): i64 {
  if (offset >= tableEnd || !fits(offset, tableEnd - offset)) return -1;
  // Scan only what is loaded; a string running into an absent chunk starves the parse.
  const loadedEnd = presentUntil(offset, tableEnd);
  const found = scanForNul(address(offset), <usize>(loadedEnd - offset));
  return found < 0 && loadedEnd < tableEnd ? -1 : <i64>found;
}
