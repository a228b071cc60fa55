// The only exports of the ELF core. The host calls prepare(length), copies the file (or, chunk by
// chunk, the parts a parse asks for) into the returned address, marks what it loaded, and calls
// parse(flags). parse returns NEED_DATA while a read hit an absent chunk (neededChunk() says which);
// otherwise Status.Ok or the fatal Status. The result stream (out/tags.ts) is at resultAddress()
// for resultLength() bytes until the next call. Bad input never traps: it becomes Problem records.
import { Status } from './status';
import { ParseFlag } from './out/tags';
import { problem, recordsBase, recordsLength, resetRecords } from './out/records';
import { reserveInput } from './bytes/input';
import { beginPass, markAllChunks, markChunks, missingChunk, resetChunks, starved } from './bytes/presence';
import { beginInput } from './bytes/reader';
import { checkIdentity, emitHeader, fatalOffset, readHeader } from './elf/header';
import { applyExtendedNumbering, checkSectionHeaders, emitSections, skipSectionHeaders } from './elf/sections';
import { checkProgramHeaders, emitSegments } from './elf/segments';
import { parseInterpreter } from './elf/interp';
import { parseDynamic } from './elf/dynamic';
import { parseNotes } from './elf/notes';
import { parseSymbols, SymbolOutput } from './elf/symbols';
import { parseVersionDefinitions, parseVersionNeeds } from './elf/versions';
import { argumentLength, clearOutput, outputBase, outputSize, reserveArgument, useOutputAsInput } from './rewrite/buffers';
import { failureOffset } from './rewrite/state';
import { changed } from './rewrite/layout';
import { embedNote, removeNote, replaceNeeded, setRunpath } from './rewrite/edits';

/** parse() result: the parse read a chunk the host has not loaded yet. Not a Status. */
export const NEED_DATA: i32 = -1;

let preparedLength: u32 = 0;

/** Room for a file of `length` bytes, none of it loaded yet; returns its address, or 0. */
export function prepare(length: u32): usize {
  const address = reserveInput(<usize>length);
  if (address == 0) return 0;
  resetChunks(<u64>length);
  preparedLength = length;
  return address;
}

/** The host loaded `count` 64 KiB chunks starting with chunk `first`. */
export function markLoaded(first: u32, count: u32): void {
  markChunks(<u64>first, <u64>count);
}

export function neededChunk(): i32 {
  return <i32>missingChunk;
}

export function parse(flags: u32): i32 {
  resetRecords();
  beginPass();
  beginInput(<u64>preparedLength);
  const identity = checkIdentity();
  if (starved()) return NEED_DATA;
  if (identity != Status.Ok) {
    problem(identity, fatalOffset);
    return identity;
  }
  const loaderView = (flags & ParseFlag.LoaderView) != 0;
  const header = readHeader();
  applyExtendedNumbering(header);
  emitHeader(header);
  checkProgramHeaders(header);
  if (loaderView) skipSectionHeaders();
  else checkSectionHeaders(header);
  emitSegments();
  emitSections();
  parseInterpreter();
  parseDynamic();
  parseNotes();
  if (!loaderView) {
    parseSymbols((flags & ParseFlag.Symbols) != 0 ? SymbolOutput.Records
      : (flags & ParseFlag.SymbolDigest) != 0 ? SymbolOutput.Digest : SymbolOutput.None);
    parseVersionNeeds();
    parseVersionDefinitions();
  }
  return starved() ? NEED_DATA : Status.Ok;
}

export function resultAddress(): usize {
  return recordsBase;
}

export function resultLength(): usize {
  return recordsLength;
}

// ---- The ELF writer (rewrite/). The host prepares and loads the whole input as for parse(),
// copies the edit's argument to prepareArgument(length), and calls one write* export. Each parses
// the input afresh (the string edits with symbols, so every string reference is known; the note
// edits, which move no string, with the symbol digest: the same names are resolved and any
// problem with them refuses the file alike, without a record per symbol), then returns Status.Ok
// with the new file at outputAddress() for outputLength() bytes (outputChanged() 0 means the
// edit had nothing to do: the input is the answer), or a Status with its Problem record in the
// result stream, as for a fatal parse. NEED_DATA means the input was not loaded whole.

/** Room for the edit's argument (note bytes, strings); its address, or 0. */
export function prepareArgument(length: u32): usize {
  return reserveArgument(<usize>length);
}

function parseForEdit(flags: ParseFlag): i32 {
  clearOutput();
  return parse(flags);
}

function edited(status: Status): i32 {
  if (status != Status.Ok) {
    clearOutput();
    resetRecords();
    problem(status, failureOffset);
  }
  return status;
}

function argumentTooShort(needed: u64, code: Status): i32 {
  if (needed <= <u64>argumentLength) return Status.Ok;
  resetRecords();
  problem(code, 0);
  return code;
}

/** Embeds the note in the argument; flags bit 0: replace a different note already present. */
export function writeEmbedNote(noteLength: u32, flags: u32): i32 {
  const short = argumentTooShort(<u64>noteLength, Status.WriteBadNote);
  if (short != Status.Ok) return short;
  const parsed = parseForEdit(ParseFlag.SymbolDigest);
  if (parsed != Status.Ok) return parsed;
  return edited(embedNote(<u64>noteLength, (flags & 1) != 0));
}

/** Sets DT_RUNPATH to the argument's `length` bytes. */
export function writeSetRunpath(length: u32): i32 {
  const short = argumentTooShort(<u64>length, Status.WriteBadString);
  if (short != Status.Ok) return short;
  const parsed = parseForEdit(ParseFlag.Symbols);
  if (parsed != Status.Ok) return parsed;
  return edited(setRunpath(<u64>length));
}

/** Replaces DT_NEEDED argument[0, fromLength) with argument[fromLength, fromLength + toLength). */
export function writeReplaceNeeded(fromLength: u32, toLength: u32): i32 {
  const short = argumentTooShort(<u64>fromLength + <u64>toLength, Status.WriteBadString);
  if (short != Status.Ok) return short;
  const parsed = parseForEdit(ParseFlag.Symbols);
  if (parsed != Status.Ok) return parsed;
  return edited(replaceNeeded(<u64>fromLength, <u64>toLength));
}

/** Removes every .note.nixos.ldcache resolution note. */
export function writeRemoveNote(): i32 {
  const parsed = parseForEdit(ParseFlag.SymbolDigest);
  if (parsed != Status.Ok) return parsed;
  return edited(removeNote());
}

/**
 * Parses the last write's output where it lies, as parse(flags) would after prepare() and a
 * copy: the output becomes the input (rewrite/buffers.ts useOutputAsInput), still at the address
 * outputAddress() gave, until the next prepare(). Without an output (the edit changed nothing)
 * the input is empty, and the parse says so (ElfEmpty).
 */
export function parseOutput(flags: u32): i32 {
  const length = useOutputAsInput();
  resetChunks(<u64>length);
  markAllChunks();
  preparedLength = <u32>length;
  return parse(flags);
}

export function outputAddress(): usize {
  return outputBase;
}

export function outputLength(): usize {
  return outputSize;
}

export function outputChanged(): u32 {
  return changed ? 1 : 0;
}
