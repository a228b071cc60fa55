// Dynamic tag names and DT_FLAGS / DT_FLAGS_1 bit names as readelf -d prints them
// (binutils/readelf.c get_dynamic_type, process_dynamic_section).
import { namedBits } from './bits.ts';

const TAGS: Record<number, string> = {
  0: 'NULL', 1: 'NEEDED', 2: 'PLTRELSZ', 3: 'PLTGOT', 4: 'HASH', 5: 'STRTAB', 6: 'SYMTAB',
  7: 'RELA', 8: 'RELASZ', 9: 'RELAENT', 10: 'STRSZ', 11: 'SYMENT', 12: 'INIT', 13: 'FINI',
  14: 'SONAME', 15: 'RPATH', 16: 'SYMBOLIC', 17: 'REL', 18: 'RELSZ', 19: 'RELENT', 20: 'PLTREL',
  21: 'DEBUG', 22: 'TEXTREL', 23: 'JMPREL', 24: 'BIND_NOW', 25: 'INIT_ARRAY', 26: 'FINI_ARRAY',
  27: 'INIT_ARRAYSZ', 28: 'FINI_ARRAYSZ', 29: 'RUNPATH', 30: 'FLAGS', 32: 'PREINIT_ARRAY',
  33: 'PREINIT_ARRAYSZ', 34: 'SYMTAB_SHNDX', 35: 'RELRSZ', 36: 'RELR', 37: 'RELRENT',
  0x6ffffdf5: 'GNU_PRELINKED', 0x6ffffdf6: 'GNU_CONFLICTSZ', 0x6ffffdf7: 'GNU_LIBLISTSZ',
  0x6ffffdf8: 'CHECKSUM', 0x6ffffdf9: 'PLTPADSZ', 0x6ffffdfa: 'MOVEENT', 0x6ffffdfb: 'MOVESZ',
  0x6ffffdfc: 'FEATURE', 0x6ffffdfd: 'POSFLAG_1', 0x6ffffdfe: 'SYMINSZ', 0x6ffffdff: 'SYMINENT',
  0x6ffffef5: 'GNU_HASH', 0x6ffffef6: 'TLSDESC_PLT', 0x6ffffef7: 'TLSDESC_GOT',
  0x6ffffef8: 'GNU_CONFLICT', 0x6ffffef9: 'GNU_LIBLIST', 0x6ffffefa: 'CONFIG', 0x6ffffefb: 'DEPAUDIT',
  0x6ffffefc: 'AUDIT', 0x6ffffefd: 'PLTPAD', 0x6ffffefe: 'MOVETAB', 0x6ffffeff: 'SYMINFO',
  0x6ffffff0: 'VERSYM', 0x6ffffff9: 'RELACOUNT', 0x6ffffffa: 'RELCOUNT', 0x6ffffffb: 'FLAGS_1',
  0x6ffffffc: 'VERDEF', 0x6ffffffd: 'VERDEFNUM', 0x6ffffffe: 'VERNEED', 0x6fffffff: 'VERNEEDNUM',
  0x7ffffffd: 'AUXILIARY', 0x7ffffffe: 'USED', 0x7fffffff: 'FILTER',
};

export function dynamicTagName(tag: number): string {
  const known = TAGS[tag];
  if (known) return known;
  if (tag >= 0x70000000 && tag <= 0x7fffffff) return `LOPROC+0x${(tag - 0x70000000).toString(16)}`;
  if (tag >= 0x6000000d && tag <= 0x6ffff000) return `LOOS+0x${(tag - 0x6000000d).toString(16)}`;
  return `<unknown>: 0x${tag.toString(16)}`;
}

/** DT_FLAGS bits (elf.h DF_*). */
const DF = ['ORIGIN', 'SYMBOLIC', 'TEXTREL', 'BIND_NOW', 'STATIC_TLS'];

/** DT_FLAGS_1 bits (elf.h DF_1_*), in bit order. */
const DF_1 = [
  'NOW', 'GLOBAL', 'GROUP', 'NODELETE', 'LOADFLTR', 'INITFIRST', 'NOOPEN', 'ORIGIN', 'DIRECT',
  'TRANS', 'INTERPOSE', 'NODEFLIB', 'NODUMP', 'CONFALT', 'ENDFILTEE', 'DISPRELDNE', 'DISPRELPND',
  'NODIRECT', 'IGNMULDEF', 'NOKSYMS', 'NOHDR', 'EDITED', 'NORELOC', 'SYMINTPOSE', 'GLOBAUDIT',
  'SINGLETON', 'STUB', 'PIE', 'KMOD', 'WEAKFILTER', 'NOCOMMON',
];

const hexMask = (mask: string) => `0x${mask}`;

/** DT_FLAGS as names, e.g. ["BIND_NOW"]. */
export function dtFlagsNames(value: number): string[] {
  return namedBits(value, DF, hexMask);
}

/** DT_FLAGS_1 as names, e.g. ["NOW", "PIE"]. NODEFLIB is the one the loader model reads. */
export function dtFlags1Names(value: number): string[] {
  return namedBits(value, DF_1, hexMask);
}

export const DF_1_NODEFLIB = 0x800;
