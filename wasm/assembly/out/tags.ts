// Record tags of the result stream. Plain TypeScript that AssemblyScript also compiles: the wasm
// writer (records.ts) and the TypeScript reader (src/core/engine/records.ts) share these numbers.
// Each record is one u64 word `tag | fieldCount << 32` followed by fieldCount u64 words.
// The field lists are written next to each emitter in wasm/assembly/elf/ and read back in
// src/core/engine/decode-*.ts; NONE (all ones) marks an absent value.
export enum RecordTag {
  Header = 1,
  Segment = 2,
  Section = 3,
  Interp = 4,
  Dynamic = 5,
  Note = 6,
  NoteAbiTag = 7,
  NoteProperty = 8,
  Ldcache = 9,
  LdcacheEntry = 10,
  Problem = 11,
  Symbol = 12,
  Verneed = 13,
  Vernaux = 14,
  Verdef = 15,
  Verdaux = 16,
  SymbolDigest = 17,
}

/** Bit flags of parse(): what to read beyond the always-read structures. */
export enum ParseFlag {
  Symbols = 1,
  /**
   * Only what ld.so reads: the header, program headers, PT_INTERP, the dynamic section and the
   * notes of PT_NOTE segments; no section headers, symbols or versions (the loader model).
   */
  LoaderView = 2,
  /**
   * The dynamic symbol table as one SymbolDigest record (count and 64-bit digest) instead of a
   * record per entry: what a rewrite check needs to see the table unchanged, without the host
   * decoding thousands of names twice. Ignored when Symbols is set.
   */
  SymbolDigest = 4,
}
