// Byte edits planned before the output exists: an edit decides what changes, the layout then
// decides where appended pieces go, and finish() applies these to the output. An op addresses
// either the file (absolute offset in the output, which starts as a copy of the input) or the
// new dynamic string table (offset relative to its start, wherever the layout puts it).
import { argumentBase } from './buffers';
import { out32, outCopy, outZero } from './emit';

export const OP_ZERO: u32 = 0; // zero `length` bytes
export const OP_ARGUMENT: u32 = 1; // copy `length` bytes of the argument from `source`
export const OP_U32: u32 = 2; // write the 32-bit value `source` in the file's byte order

export const IN_FILE: u32 = 0;
export const IN_NEW_STRTAB: u32 = 1;

const opKind = new Array<u32>(0);
const opBase = new Array<u32>(0);
const opAt = new Array<u64>(0);
const opSource = new Array<u64>(0);
const opLength = new Array<u64>(0);

export function resetOps(): void {
  opKind.length = 0;
  opBase.length = 0;
  opAt.length = 0;
  opSource.length = 0;
  opLength.length = 0;
}

export function addOp(kind: u32, base: u32, at: u64, source: u64, length: u64): void {
  opKind.push(kind);
  opBase.push(base);
  opAt.push(at);
  opSource.push(source);
  opLength.push(length);
}

/** Applies the ops of `base` in order; `origin` is the output offset that base-relative 0 means. */
export function applyOps(base: u32, origin: u64): void {
  for (let i = 0; i < opKind.length; i++) {
    if (opBase[i] != base) continue;
    const at = origin + opAt[i];
    if (opKind[i] == OP_ZERO) outZero(at, opLength[i]);
    else if (opKind[i] == OP_ARGUMENT) outCopy(at, argumentBase + <usize>opSource[i], opLength[i]);
    else out32(at, <u32>opSource[i]);
  }
}
