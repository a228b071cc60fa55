// Where the dynamic symbol and version tables are. With usable section headers they are the
// SHT_DYNSYM / SHT_GNU_* sections and their sh_link string tables (what readelf -V and --dyn-syms
// read); without them, the DT_* addresses mapped through PT_LOAD and DT_STRTAB (what the loader
// uses). Each locate* sets tableOffset/tableStrings* or returns false after reporting why.
import { Status } from '../status';
import { NONE, problem } from '../out/records';
import { dynEntry, dynStringsOffset, dynStringsSize, dynValue } from './dynamic';
import { fileOffsetOfAddress } from './segments';
import {
  findSection, sectionCount, sectionDataFits, sectionLink, sectionOffset, sectionOffsetField,
  sectionSize,
} from './sections';

export let tableOffset: u64 = NONE;
/** Set when the table came from a section: its header's sh_offset field, for problem offsets. */
export let tableField: u64 = NONE;
/** The section index the table came from, or -1 when it came from the dynamic section. */
export let tableSection: i64 = -1;
export let tableStringsOffset: u64 = NONE;
export let tableStringsSize: u64 = 0;

/**
 * Finds a table by section type, else by dynamic tag. `unmapped` is reported at the DT_ entry when
 * its address is in no PT_LOAD, `outOfBounds` at sh_offset when a section's data leaves the file.
 */
export function locateTable(sectionTypeWanted: u32, tag: u64, unmapped: Status, outOfBounds: Status): bool {
  tableOffset = NONE;
  tableField = NONE;
  tableSection = -1;
  tableStringsOffset = dynStringsOffset;
  tableStringsSize = dynStringsSize;
  const index = findSection(sectionTypeWanted);
  if (index >= 0) {
    if (!sectionDataFits(<u64>index, outOfBounds)) return false;
    tableSection = index;
    tableOffset = sectionOffset(<u64>index);
    tableField = sectionOffsetField(<u64>index);
    const link = sectionLink(<u64>index);
    if (link != 0 && link < sectionCount && sectionDataFits(link)) {
      tableStringsOffset = sectionOffset(link);
      tableStringsSize = sectionSize(link);
    }
    return true;
  }
  const address = dynValue(tag);
  if (address == NONE) return false;
  const offset = fileOffsetOfAddress(address, 0);
  if (offset == NONE) { problem(unmapped, dynEntry(tag)); return false; }
  tableOffset = offset;
  tableField = dynEntry(tag);
  return true;
}
