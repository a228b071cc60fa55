// GNU notes with structure worth decoding in the core: the ABI tag (four words) and the program
// property array (glibc elf/dl-prop.h, binutils readelf.c print_gnu_property_note). The build-id
// is plain bytes; the host renders it from the descriptor offset.
import { Status } from '../status';
import { RecordTag } from '../out/tags';
import { NONE, problem, put, record } from '../out/records';
import { alignUp, is64, u32At, u64At, u8At } from '../bytes/reader';
import { starved } from '../bytes/presence';

const NT_GNU_ABI_TAG: u64 = 1;
const NT_GNU_PROPERTY_TYPE_0: u64 = 5;
const GNU_NAME: StaticArray<u8> = [0x47, 0x4e, 0x55, 0]; // "GNU\0"

function ownerIsGnu(nameOffset: u64, namesz: u64): bool {
  if (namesz != 4) return false;
  for (let i = 0; i < 4; i++) if (u8At(nameOffset + <u64>i) != GNU_NAME[i]) return false;
  return true;
}

export function decodeGnuNote(note: u64, nameOffset: u64, namesz: u64, type: u64, desc: u64, descsz: u64): void {
  if (!ownerIsGnu(nameOffset, namesz)) return;
  if (type == NT_GNU_ABI_TAG && descsz >= 16) {
    // NoteAbiTag record fields: note offset, OS, major, minor, patch.
    record(RecordTag.NoteAbiTag, 5);
    put(note);
    put(<u64>u32At(desc));
    put(<u64>u32At(desc + 4));
    put(<u64>u32At(desc + 8));
    put(<u64>u32At(desc + 12));
  } else if (type == NT_GNU_PROPERTY_TYPE_0) {
    decodeProperties(note, desc, descsz);
  }
}

/**
 * NoteProperty record fields: note offset, property offset, pr_type, pr_datasz, data offset,
 * value (the 4- or 8-byte datum, else NONE). Properties are padded to 8 bytes in ELF64 and 4 in
 * ELF32 (gABI linux extension, "Program Property").
 */
function decodeProperties(note: u64, desc: u64, descsz: u64): void {
  const end = desc + descsz;
  const padTo: u64 = is64 ? 8 : 4;
  let at = desc;
  while (at < end && !starved()) {
    if (end - at < 8) { problem(Status.GnuPropertyMalformed, at); return; }
    const prType = <u64>u32At(at);
    const datasz = <u64>u32At(at + 4);
    const data = at + 8;
    if (datasz > end - data) { problem(Status.GnuPropertyMalformed, at); return; }
    record(RecordTag.NoteProperty, 6);
    put(note);
    put(at);
    put(prType);
    put(datasz);
    put(data);
    put(datasz == 4 ? <u64>u32At(data) : datasz == 8 ? u64At(data) : NONE);
    const next = data + alignUp(datasz, padTo);
    if (next <= at) return;
    at = next;
  }
}
