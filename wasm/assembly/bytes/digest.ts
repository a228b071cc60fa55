// A 64-bit running digest (xxHash64's 8-byte tail step and its avalanche) for telling whether a table
// changed across an edit without sending every entry to the host: equal tables give equal
// digests, and a writer bug that changes an entry is caught with all but 2^-64 certainty.
const PRIME1: u64 = 0x9e3779b185ebca87;
const PRIME2: u64 = 0xc2b2ae3d27d4eb4f;
const PRIME3: u64 = 0x165667b19e3779f9;
const PRIME4: u64 = 0x85ebca77c2b2ae63;

let digest: u64 = 0;

export function beginDigest(): void {
  digest = PRIME3;
}

/** xxh64's step for one 8-byte lane: h ^= round(0, word); h = rotl(h, 27) * PRIME1 + PRIME4. */
export function digestWord(word: u64): void {
  digest = rotl<u64>(digest ^ rotl<u64>(word * PRIME2, 31) * PRIME1, 27) * PRIME1 + PRIME4;
}

/**
 * Folds `length` bytes at `address` in wasm memory (the length first, so splits differ), eight at
 * a time: the last load may read up to 7 bytes past them, masked off, which the input region's
 * SIMD_PADDING (bytes/input.ts) keeps inside owned memory for any bytes of the input.
 */
export function digestBytes(address: usize, length: u64): void {
  digestWord(length);
  let i: u64 = 0;
  for (; i + 8 <= length; i += 8) digestWord(load<u64>(address + <usize>i));
  const rest = length - i;
  if (rest != 0) digestWord(load<u64>(address + <usize>i) & ((<u64>1 << (rest << 3)) - 1));
}

/** xxh64's avalanche: the finished digest. */
export function finishDigest(): u64 {
  let h = digest;
  h ^= h >> 33;
  h *= PRIME2;
  h ^= h >> 29;
  h *= PRIME3;
  h ^= h >> 32;
  return h;
}
