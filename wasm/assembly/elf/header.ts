// The ELF file header (gABI "ELF Header"). Only a bad identity or a header cut short is fatal:
// everything else in the file is reached from here.
import { Status } from '../status';
import { RecordTag } from '../out/tags';
import { put, record } from '../out/records';
import { fits, inputLength, setByteOrder, u16At, u32At, u8At, wordAt } from '../bytes/reader';
import {
  EHDR_SIZE, EI_ABIVERSION, EI_CLASS, EI_DATA, EI_NIDENT, EI_OSABI, EI_VERSION, ELFCLASS32,
  ELFCLASS64, ELFDATA2LSB, ELFDATA2MSB, E_ENTRY, E_FLAGS, E_EHSIZE, E_MACHINE, E_PHENTSIZE,
  E_PHNUM, E_PHOFF, E_SHENTSIZE, E_SHNUM, E_SHOFF, E_SHSTRNDX, E_TYPE, E_VERSION,
} from './layout';

/** The header fields later stages need; phnum/shnum/shstrndx are the extended-numbering values. */
export class Header {
  phoff: u64 = 0;
  phentsize: u32 = 0;
  phnum: u64 = 0;
  shoff: u64 = 0;
  shentsize: u32 = 0;
  shnum: u64 = 0;
  shstrndx: u64 = 0;
  type: u32 = 0;
}

export let fatalOffset: u64 = 0;

const MAGIC: u32 = 0x464c457f; // "\x7fELF" read as a little-endian u32

/** Checks the identity and header size; returns Status.Ok or the fatal code (fatalOffset set). */
export function checkIdentity(): Status {
  if (inputLength == 0) { fatalOffset = 0; return Status.ElfEmpty; }
  for (let i: u64 = 0; i < 4; i++) {
    if (i >= inputLength) { fatalOffset = inputLength; return Status.ElfTruncated; }
    if (u8At(i) != ((MAGIC >> (<u32>i * 8)) & 0xff)) { fatalOffset = i; return Status.ElfBadMagic; }
  }
  if (!fits(0, EI_NIDENT)) { fatalOffset = inputLength; return Status.ElfTruncated; }
  const elfClass = u8At(EI_CLASS);
  if (elfClass != ELFCLASS32 && elfClass != ELFCLASS64) { fatalOffset = EI_CLASS; return Status.ElfBadClass; }
  const data = u8At(EI_DATA);
  if (data != ELFDATA2LSB && data != ELFDATA2MSB) { fatalOffset = EI_DATA; return Status.ElfBadData; }
  setByteOrder(data == ELFDATA2MSB, elfClass == ELFCLASS64);
  if (!fits(0, EHDR_SIZE())) { fatalOffset = inputLength; return Status.ElfTruncated; }
  return Status.Ok;
}

/** The header of the current input; one instance, refilled by every parse (no per-call garbage). */
export const header = new Header();

/** Reads the header fields (identity already checked) without yet applying extended numbering. */
export function readHeader(): Header {
  const h = header;
  h.type = u16At(E_TYPE);
  h.phoff = wordAt(E_PHOFF());
  h.phentsize = u16At(E_PHENTSIZE());
  h.phnum = u16At(E_PHNUM());
  h.shoff = wordAt(E_SHOFF());
  h.shentsize = u16At(E_SHENTSIZE());
  h.shnum = u16At(E_SHNUM());
  h.shstrndx = u16At(E_SHSTRNDX());
  return h;
}

/**
 * Header record fields: class, data, osabi, abiversion, version(EI), type, machine, e_version,
 * entry, phoff, shoff, flags, ehsize, phentsize, phnum, shentsize, shnum, shstrndx, file size.
 */
export function emitHeader(h: Header): void {
  record(RecordTag.Header, 19);
  put(<u64>u8At(EI_CLASS));
  put(<u64>u8At(EI_DATA));
  put(<u64>u8At(EI_OSABI));
  put(<u64>u8At(EI_ABIVERSION));
  put(<u64>u8At(EI_VERSION));
  put(<u64>h.type);
  put(<u64>u16At(E_MACHINE));
  put(<u64>u32At(E_VERSION));
  put(wordAt(E_ENTRY));
  put(h.phoff);
  put(h.shoff);
  put(<u64>u32At(E_FLAGS()));
  put(<u64>u16At(E_EHSIZE()));
  put(<u64>h.phentsize);
  put(h.phnum);
  put(<u64>h.shentsize);
  put(h.shnum);
  put(h.shstrndx);
  put(inputLength);
}
