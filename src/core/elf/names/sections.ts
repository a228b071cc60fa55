// Section type names and flag letters as readelf -S prints them
// (binutils/readelf.c get_section_type_name, get_elf_section_flags with -W).
const SECTION_TYPES: Record<number, string> = {
  0: 'NULL', 1: 'PROGBITS', 2: 'SYMTAB', 3: 'STRTAB', 4: 'RELA', 5: 'HASH', 6: 'DYNAMIC',
  7: 'NOTE', 8: 'NOBITS', 9: 'REL', 10: 'SHLIB', 11: 'DYNSYM', 14: 'INIT_ARRAY',
  15: 'FINI_ARRAY', 16: 'PREINIT_ARRAY', 17: 'GROUP', 18: 'SYMTAB SECTION INDICES', 19: 'RELR',
  0x6ffffff5: 'GNU_ATTRIBUTES', 0x6ffffff6: 'GNU_HASH', 0x6ffffff7: 'GNU_LIBLIST',
  0x6ffffffd: 'VERDEF', 0x6ffffffe: 'VERNEED', 0x6fffffff: 'VERSYM',
  0x6fff4c00: 'LLVM_ODRTAB', 0x6fff4c01: 'LLVM_LINKER_OPTIONS', 0x6fff4c02: 'LLVM_CALL_GRAPH_PROFILE',
  0x6fff4c03: 'LLVM_ADDRSIG', 0x6fff4c04: 'LLVM_DEPENDENT_LIBRARIES', 0x6fff4c05: 'LLVM_SYMPART',
  0x6fff4c06: 'LLVM_PART_EHDR', 0x6fff4c07: 'LLVM_PART_PHDR', 0x6fff4c08: 'LLVM_BB_ADDR_MAP_V0',
  0x6fff4c09: 'LLVM_CALL_GRAPH_PROFILE', 0x6fff4c0a: 'LLVM_BB_ADDR_MAP',
};

const X86_64_UNWIND = 0x70000001;

export function sectionTypeName(type: number, machine: number): string {
  const known = SECTION_TYPES[type];
  if (known) return known;
  if (machine === 62 && type === X86_64_UNWIND) return 'X86_64_UNWIND';
  if (type >= 0x70000000 && type <= 0x7fffffff) return `LOPROC+0x${(type - 0x70000000).toString(16)}`;
  if (type >= 0x60000000 && type <= 0x6fffffff) return `LOOS+0x${(type - 0x60000000).toString(16)}`;
  if (type >= 0x80000000 && type <= 0xffffffff) return `LOUSER+0x${(type - 0x80000000).toString(16)}`;
  return `0x${type.toString(16)}`;
}

/** readelf's key letters, lowest bit first; unknown OS, processor and other bits as o, p, x. */
const FLAG_LETTERS: [number, string][] = [
  [0x1, 'W'], [0x2, 'A'], [0x4, 'X'], [0x10, 'M'], [0x20, 'S'], [0x40, 'I'], [0x80, 'L'],
  [0x100, 'O'], [0x200, 'G'], [0x400, 'T'], [0x800, 'C'], [0x80000000, 'E'],
];

const SHF_GNU_RETAIN = 0x200000;
const ELFOSABI_GNU = 3;
const ELFOSABI_FREEBSD = 9;

export function sectionFlagsText(flags: number, machine: number, osabi: number): string {
  let text = '';
  let rest = flags;
  for (const [bit, letter] of FLAG_LETTERS) {
    if (rest & bit) { text += letter; rest &= ~bit; }
  }
  // readelf names SHF_GNU_RETAIN only for the GNU and FreeBSD OS ABIs; elsewhere it is an 'o'.
  if (rest & SHF_GNU_RETAIN && (osabi === ELFOSABI_GNU || osabi === ELFOSABI_FREEBSD)) {
    text += 'R';
    rest &= ~SHF_GNU_RETAIN;
  }
  // SHF_X86_64_LARGE on x86-64 is the one processor flag readelf names.
  if (machine === 62 && rest & 0x10000000) { text += 'l'; rest &= ~0x10000000; }
  if (rest & 0x0ff00000) text += 'o';
  if (rest & 0x70000000) text += 'p';
  if (rest & ~0x7ff00000 & 0xffffffff) text += 'x';
  return text;
}
