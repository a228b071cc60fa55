// The one catalogue of problems the ELF core can report. This file is plain TypeScript that
// AssemblyScript also compiles, so the wasm core and the TypeScript host share the numbers and
// can never drift. Codes are append-only: a number, once released, keeps its meaning.
// src/core/elf/errors.ts gives each one its stable snake_case name and its message.
export enum Status {
  Ok = 0,
  // Fatal: nothing else can be read.
  ElfEmpty = 1,
  ElfTruncated = 2,
  ElfBadMagic = 3,
  ElfBadClass = 4,
  ElfBadData = 5,
  // Program headers.
  PhdrTableOutOfBounds = 10,
  PhdrEntsizeBad = 11,
  // Section headers and their names.
  ShdrTableOutOfBounds = 20,
  ShdrEntsizeBad = 21,
  ShstrndxOutOfBounds = 22,
  SectionNameOutOfBounds = 23,
  SectionDataOutOfBounds = 24,
  // PT_INTERP.
  InterpOutOfBounds = 30,
  InterpUnterminated = 31,
  // PT_DYNAMIC and its strings.
  DynamicOutOfBounds = 40,
  DynamicUnterminated = 41,
  DynStrtabUnmapped = 42,
  DynStrtabOutOfBounds = 43,
  DynStringOutOfBounds = 44,
  DynStringUnterminated = 45,
  DynamicMultiple = 46,
  // Notes.
  NoteRegionOutOfBounds = 50,
  NoteBadAlignment = 51,
  NoteHeaderTruncated = 52,
  NoteNameOutOfBounds = 53,
  NoteDescOutOfBounds = 54,
  GnuPropertyMalformed = 55,
  // The .note.nixos.ldcache descriptor, validated as glibc's _dl_find_nixos_cache does.
  LdcacheDescTooShort = 60,
  LdcacheDescUnterminated = 61,
  LdcacheEmptyPathlist = 62,
  LdcacheSegmentAlign = 63,
  LdcacheBadName = 64,
  // Dynamic symbols and GNU symbol versioning.
  DynsymOutOfBounds = 70,
  DynsymUnmapped = 71,
  SymbolNameOutOfBounds = 72,
  HashTableOutOfBounds = 73,
  VersymOutOfBounds = 74,
  VerneedOutOfBounds = 75,
  VerneedLoop = 76,
  VerdefOutOfBounds = 77,
  VerdefLoop = 78,
  VersionNameOutOfBounds = 79,
  // Limits of the host, not of the file.
  InputTooLarge = 90,
  // The ELF writer (wasm/assembly/rewrite/): why an edit was refused. No parse reports these.
  WriteUnsupportedFile = 100,
  WriteInputDamaged = 101,
  WriteNoteExists = 102,
  WriteBadNote = 103,
  WriteNoDynamic = 104,
  WriteNeededNotFound = 105,
  WriteBadString = 106,
  WriteLayoutOverflow = 107,
  WriteUnsupportedLayout = 108,
}
