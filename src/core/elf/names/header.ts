// Names of e_type and e_machine values, spelled as binutils readelf prints them
// (binutils/readelf.c get_file_type, get_machine_name), so text output reads like readelf's.
const FILE_TYPES: Record<number, string> = { 0: 'NONE', 1: 'REL', 2: 'EXEC', 3: 'DYN', 4: 'CORE' };

const MACHINES: Record<number, string> = {
  0: 'None', 2: 'Sparc', 3: 'Intel 80386', 4: 'MC68000', 8: 'MIPS R3000', 15: 'HPPA',
  18: 'Sparc v8+', 20: 'PowerPC', 21: 'PowerPC64', 22: 'IBM S/390', 40: 'ARM',
  42: 'Renesas / SuperH SH', 43: 'Sparc v9', 50: 'Intel IA-64', 62: 'Advanced Micro Devices X86-64',
  183: 'AArch64', 243: 'RISC-V', 258: 'LoongArch',
};

export function fileTypeName(type: number): string {
  return FILE_TYPES[type] ?? (type >= 0xfe00 && type <= 0xfeff ? `OS Specific: (${type.toString(16)})` : `<unknown>: ${type.toString(16)}`);
}

export function machineName(machine: number): string {
  return MACHINES[machine] ?? `<unknown>: 0x${machine.toString(16)}`;
}
