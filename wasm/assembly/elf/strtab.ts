// String references into a string table (DT_STRTAB or a section's sh_link table). Results land in
// resolvedOffset/resolvedLength so an emitter can compute before it starts its record.
import { Status } from '../status';
import { NONE, problem } from '../out/records';
import { stringLength } from '../bytes/strings';

export let resolvedOffset: u64 = NONE;
export let resolvedLength: u64 = 0;

/**
 * Resolves string `index` of the table at [tableOffset, tableOffset+tableSize). On failure reports
 * `outOfBounds` at `fieldOffset` (index past the table) or `unterminated` at the string's first
 * byte, and leaves resolvedOffset NONE.
 */
export function resolveString(
  tableOffset: u64, tableSize: u64, index: u64,
  fieldOffset: u64, outOfBounds: Status, unterminated: Status,
): bool {
  resolvedOffset = NONE;
  resolvedLength = 0;
  if (tableOffset == NONE || index >= tableSize) { problem(outOfBounds, fieldOffset); return false; }
  const length = stringLength(tableOffset + index, tableOffset + tableSize);
  if (length < 0) { problem(unterminated, tableOffset + index); return false; }
  resolvedOffset = tableOffset + index;
  resolvedLength = <u64>length;
  return true;
}
