// PT_INTERP: the program interpreter path, a NUL-terminated string filling the segment.
import { Status } from '../status';
import { RecordTag } from '../out/tags';
import { problem, put, record } from '../out/records';
import { fits } from '../bytes/reader';
import { stringLength } from '../bytes/strings';
import { PT_INTERP } from './layout';
import { findSegment, segmentFilesz, segmentOffset, segmentOffsetField } from './segments';

/** Interp record fields: string offset, string length. */
export function parseInterpreter(): void {
  const index = findSegment(PT_INTERP, 0);
  if (index < 0) return;
  const offset = segmentOffset(<u64>index);
  const size = segmentFilesz(<u64>index);
  if (!fits(offset, size)) { problem(Status.InterpOutOfBounds, segmentOffsetField(<u64>index)); return; }
  const length = stringLength(offset, offset + size);
  if (length < 0) { problem(Status.InterpUnterminated, offset); return; }
  record(RecordTag.Interp, 2);
  put(offset);
  put(<u64>length);
}
