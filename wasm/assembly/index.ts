// The only exports of the ELF core. The host calls reserve(length), copies the file into the
// returned address once, then calls parse(length, flags); the result stream (out/tags.ts) is at
// resultAddress() for resultLength() bytes until the next call. Bad input never traps: it becomes
// Problem records, and a fatal one is also the return value.
import { Status } from './status';
import { ParseFlag } from './out/tags';
import { problem, recordsBase, recordsLength, resetRecords } from './out/records';
import { reserveInput } from './bytes/input';
import { beginInput } from './bytes/reader';
import { checkIdentity, emitHeader, fatalOffset, readHeader } from './elf/header';
import { applyExtendedNumbering, checkSectionHeaders, emitSections } from './elf/sections';
import { checkProgramHeaders, emitSegments } from './elf/segments';
import { parseInterpreter } from './elf/interp';
import { parseDynamic } from './elf/dynamic';
import { parseNotes } from './elf/notes';
import { parseSymbols } from './elf/symbols';
import { parseVersionDefinitions, parseVersionNeeds } from './elf/versions';

export function reserve(length: u32): usize {
  return reserveInput(<usize>length);
}

export function parse(length: u32, flags: u32): i32 {
  resetRecords();
  beginInput(<u64>length);
  const identity = checkIdentity();
  if (identity != Status.Ok) {
    problem(identity, fatalOffset);
    return identity;
  }
  const header = readHeader();
  applyExtendedNumbering(header);
  emitHeader(header);
  checkProgramHeaders(header);
  checkSectionHeaders(header);
  emitSegments();
  emitSections();
  parseInterpreter();
  parseDynamic();
  parseNotes();
  parseSymbols((flags & ParseFlag.Symbols) != 0);
  parseVersionNeeds();
  parseVersionDefinitions();
  return Status.Ok;
}

export function resultAddress(): usize {
  return recordsBase;
}

export function resultLength(): usize {
  return recordsLength;
}
