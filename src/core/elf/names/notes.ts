// Note type descriptions as readelf -n prints them (binutils/readelf.c get_note_type,
// get_gnu_elf_note_type, and the owner-specific tables), and GNU property names
// (print_gnu_property_note). Unknown types read "Unknown note type: (0x0000abcd)" like readelf,
// the resolution note (NixOS, 0x63a86cb6) included: its decoded form says what it is.
import { namedBits } from './bits.ts';
const GNU: Record<number, string> = {
  1: 'NT_GNU_ABI_TAG (ABI version tag)',
  2: 'NT_GNU_HWCAP (DSO-supplied software HWCAP info)',
  3: 'NT_GNU_BUILD_ID (unique build ID bitstring)',
  4: 'NT_GNU_GOLD_VERSION (gold version)',
  5: 'NT_GNU_PROPERTY_TYPE_0',
  0x100: 'NT_GNU_BUILD_ATTRIBUTE_OPEN',
  0x101: 'NT_GNU_BUILD_ATTRIBUTE_FUNC',
};

const BY_OWNER: Record<string, Record<number, string>> = {
  GNU,
  stapsdt: { 3: 'NT_STAPSDT (SystemTap probe descriptors)' },
  FDO: { 0xcafe1a7e: 'FDO_PACKAGING_METADATA' },
  Go: { 4: 'GO BUILDID' },
};

export function noteTypeName(owner: string, type: number): string {
  return BY_OWNER[owner]?.[type] ?? `Unknown note type: (0x${type.toString(16).padStart(8, '0')})`;
}

const ABI_OS = ['Linux', 'Hurd', 'Solaris', 'FreeBSD', 'NetBSD', 'Syllable', 'NaCl'];

export function abiTagOs(os: number): string {
  return ABI_OS[os] ?? `Unknown OS ${os}`;
}

const GNU_PROPERTY_STACK_SIZE = 1;
const GNU_PROPERTY_NO_COPY_ON_PROTECTED = 2;
const GNU_PROPERTY_X86_ISA_1_NEEDED = 0xc0008002;
const GNU_PROPERTY_X86_FEATURE_1_AND = 0xc0000002;
const GNU_PROPERTY_X86_ISA_1_USED = 0xc0010002;
const GNU_PROPERTY_X86_FEATURE_2_USED = 0xc0010001;
const GNU_PROPERTY_AARCH64_FEATURE_1_AND = 0xc0000000;

const PROPERTY_NAMES: Record<number, string> = {
  [GNU_PROPERTY_STACK_SIZE]: 'stack size',
  [GNU_PROPERTY_NO_COPY_ON_PROTECTED]: 'no copy on protected',
  [GNU_PROPERTY_X86_ISA_1_NEEDED]: 'x86 ISA needed',
  [GNU_PROPERTY_X86_ISA_1_USED]: 'x86 ISA used',
  [GNU_PROPERTY_X86_FEATURE_1_AND]: 'x86 feature',
  [GNU_PROPERTY_X86_FEATURE_2_USED]: 'x86 feature used',
  [GNU_PROPERTY_AARCH64_FEATURE_1_AND]: 'AArch64 feature',
};

const X86_ISA = ['x86-64-baseline', 'x86-64-v2', 'x86-64-v3', 'x86-64-v4'];
const X86_FEATURE_1 = ['IBT', 'SHSTK', 'LAM_U48', 'LAM_U57'];
const X86_FEATURE_2 = ['x86', 'x87', 'MMX', 'XMM', 'YMM', 'ZMM', 'FXSR', 'XSAVE', 'XSAVEOPT', 'XSAVEC', 'TMM', 'MASK'];
const AARCH64_FEATURE_1 = ['BTI', 'PAC', 'GCS'];

/** readelf's list form: "IBT, SHSTK", "<None>" when no bit is set. */
function bits(value: number, names: readonly string[]): string {
  const out = namedBits(value, names, (mask) => `<unknown: ${mask}>`);
  return out.length ? out.join(', ') : '<None>';
}

export function gnuPropertyName(type: number): string {
  return PROPERTY_NAMES[type] ?? `<unknown: 0x${type.toString(16)}>`;
}

/** A readable value for a GNU property whose datum is a 4- or 8-byte word (else just hex). */
export function gnuPropertyText(type: number, value: number | null): string {
  if (value === null) return '';
  switch (type) {
    case GNU_PROPERTY_X86_ISA_1_NEEDED:
    case GNU_PROPERTY_X86_ISA_1_USED:
      return bits(value, X86_ISA);
    case GNU_PROPERTY_X86_FEATURE_1_AND:
      return bits(value, X86_FEATURE_1);
    case GNU_PROPERTY_X86_FEATURE_2_USED:
      return bits(value, X86_FEATURE_2);
    case GNU_PROPERTY_AARCH64_FEATURE_1_AND:
      return bits(value, AARCH64_FEATURE_1);
    case GNU_PROPERTY_STACK_SIZE:
      return `0x${value.toString(16)}`;
    default:
      return `0x${value.toString(16)}`;
  }
}
