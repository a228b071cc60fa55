// The growable result stream the host reads after each call (see tags.ts for the encoding).
import { RecordTag } from './tags';
import { Status } from '../status';

export const NONE: u64 = 0xffff_ffff_ffff_ffff;

export let recordsBase: usize = 0;
export let recordsLength: usize = 0;
let recordsCapacity: usize = 0;

export function resetRecords(): void {
  recordsLength = 0;
}

/** Start a record and make room for its fields; put() then writes them in order. */
export function record(tag: RecordTag, fieldCount: u32): void {
  const bytes = (<usize>fieldCount + 1) << 3;
  if (recordsLength + bytes > recordsCapacity) {
    let capacity = recordsCapacity == 0 ? <usize>65536 : recordsCapacity << 1;
    while (capacity < recordsLength + bytes) capacity <<= 1;
    recordsBase = recordsBase == 0 ? heap.alloc(capacity) : heap.realloc(recordsBase, capacity);
    recordsCapacity = capacity;
  }
  store<u64>(recordsBase + recordsLength, <u64>tag | (<u64>fieldCount << 32));
  recordsLength += 8;
}

export function put(value: u64): void {
  store<u64>(recordsBase + recordsLength, value);
  recordsLength += 8;
}

/** A problem: its catalogue code and the byte offset where the file went wrong. */
export function problem(code: Status, offset: u64): void {
  record(RecordTag.Problem, 2);
  put(<u64>code);
  put(offset);
}
