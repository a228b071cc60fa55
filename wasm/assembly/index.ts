// The only exports of the ELF core. The host calls prepare(length), copies the file (or, chunk by
// chunk, the parts a parse asks for) into the returned address, marks what it loaded, and calls
// parse(flags). parse returns NEED_DATA while a read hit an absent chunk (neededChunk() says which);
// otherwise Status.Ok or the fatal Status. The result stream (out/tags.ts) is at resultAddress()
// for resultLength() bytes until the next call. Bad input never traps: it becomes Problem records.
import { Status } from './status';
import { ParseFlag } from './out/tags';
import { problem, recordsBase, recordsLength, resetRecords } from './out/records';
import { reserveInput } from './bytes/input';
import { beginPass, markChunks, missingChunk, resetChunks, starved } from './bytes/presence';
import { beginInput } from './bytes/reader';
import { checkIdentity, emitHeader, fatalOffset, readHeader } from './elf/header';
import { applyExtendedNumbering, checkSectionHeaders, emitSections, skipSectionHeaders } from './elf/sections';
import { checkProgramHeaders, emitSegments } from './elf/segments';
import { parseInterpreter } from './elf/interp';
import { parseDynamic } from './elf/dynamic';
import { parseNotes } from './elf/notes';
import { parseSymbols } from './elf/symbols';
import { parseVersionDefinitions, parseVersionNeeds } from './elf/versions';

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
    parseSymbols((flags & ParseFlag.Symbols) != 0);
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
