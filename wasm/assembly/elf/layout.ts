// Field offsets of the ELF structures, by class (System V gABI, "ELF Header", "Program Header",
// "Section Header"; the names are the spec's own). ELF32 and ELF64 differ in word size and, for
// program headers, in the position of p_flags.
import { is64 } from '../bytes/reader';

export const EI_NIDENT: u64 = 16;
export const EI_CLASS: u64 = 4;
export const EI_DATA: u64 = 5;
export const EI_VERSION: u64 = 6;
export const EI_OSABI: u64 = 7;
export const EI_ABIVERSION: u64 = 8;
export const ELFCLASS32: u32 = 1;
export const ELFCLASS64: u32 = 2;
export const ELFDATA2LSB: u32 = 1;
export const ELFDATA2MSB: u32 = 2;

export const E_TYPE: u64 = 16;
export const E_MACHINE: u64 = 18;
export const E_VERSION: u64 = 20;
export const E_ENTRY: u64 = 24;
export function E_PHOFF(): u64 { return is64 ? 0x20 : 0x1c; }
export function E_SHOFF(): u64 { return is64 ? 0x28 : 0x20; }
export function E_FLAGS(): u64 { return is64 ? 0x30 : 0x24; }
export function E_EHSIZE(): u64 { return is64 ? 0x34 : 0x28; }
export function E_PHENTSIZE(): u64 { return is64 ? 0x36 : 0x2a; }
export function E_PHNUM(): u64 { return is64 ? 0x38 : 0x2c; }
export function E_SHENTSIZE(): u64 { return is64 ? 0x3a : 0x2e; }
export function E_SHNUM(): u64 { return is64 ? 0x3c : 0x30; }
export function E_SHSTRNDX(): u64 { return is64 ? 0x3e : 0x32; }
export function EHDR_SIZE(): u64 { return is64 ? 64 : 52; }

export function PHDR_SIZE(): u64 { return is64 ? 56 : 32; }
export const P_TYPE: u64 = 0;
export function P_FLAGS(): u64 { return is64 ? 4 : 24; }
export function P_OFFSET(): u64 { return is64 ? 8 : 4; }
export function P_VADDR(): u64 { return is64 ? 16 : 8; }
export function P_PADDR(): u64 { return is64 ? 24 : 12; }
export function P_FILESZ(): u64 { return is64 ? 32 : 16; }
export function P_MEMSZ(): u64 { return is64 ? 40 : 20; }
export function P_ALIGN(): u64 { return is64 ? 48 : 28; }

export function SHDR_SIZE(): u64 { return is64 ? 64 : 40; }
export const SH_NAME: u64 = 0;
export const SH_TYPE: u64 = 4;
export const SH_FLAGS: u64 = 8;
export function SH_ADDR(): u64 { return is64 ? 16 : 12; }
export function SH_OFFSET(): u64 { return is64 ? 24 : 16; }
export function SH_SIZE(): u64 { return is64 ? 32 : 20; }
export function SH_LINK(): u64 { return is64 ? 40 : 24; }
export function SH_INFO(): u64 { return is64 ? 44 : 28; }
export function SH_ADDRALIGN(): u64 { return is64 ? 48 : 32; }
export function SH_ENTSIZE(): u64 { return is64 ? 56 : 36; }

export function DYN_SIZE(): u64 { return is64 ? 16 : 8; }
export function SYM_SIZE(): u64 { return is64 ? 24 : 16; }

export const PT_LOAD: u32 = 1;
export const PT_DYNAMIC: u32 = 2;
export const PT_INTERP: u32 = 3;
export const PT_NOTE: u32 = 4;

export const SHT_STRTAB: u32 = 3;
export const SHT_RELA: u32 = 4;
export const SHT_DYNAMIC: u32 = 6;
export const SHT_NOTE: u32 = 7;
export const SHT_REL: u32 = 9;
export const SHT_NOBITS: u32 = 8;
export const SHT_DYNSYM: u32 = 11;
export const SHT_GNU_VERDEF: u32 = 0x6ffffffd;
export const SHT_GNU_VERNEED: u32 = 0x6ffffffe;
export const SHT_GNU_VERSYM: u32 = 0x6fffffff;

/** Extended numbering (gABI "Sections"): the real values live in section header 0. */
export const PN_XNUM: u32 = 0xffff;
export const SHN_XINDEX: u32 = 0xffff;
export const SHN_LORESERVE: u32 = 0xff00;

/** Where a note was found: record field values shared with the host. */
export const NOTE_FROM_SEGMENT: u64 = 0;
export const NOTE_FROM_SECTION: u64 = 1;

export const PF_W: u32 = 2;
export const PF_R: u32 = 4;
export const SHF_ALLOC: u64 = 2;
export const SHF_INFO_LINK: u64 = 0x40;
