// What glibc's loader knows about each architecture's CPU, as data: the glibc-hwcaps subdirectory
// list and which part of it is active for a CPU level (docs: shared/docs/glibc-loader-search.md
// §1.3), the names of the legacy hwcap bits (≤ 2.36 search dirs, ≤ 2.39 ld.so.cache entries) and
// the x86-64 ISA level rules. Pure data and functions: no Node APIs (the host's CPU is read by
// src/node/host-cpu.ts).
//
// Sources (bminor/glibc):
//   sysdeps/x86_64/dl-hwcaps-subdirs.c            "x86-64-v4:x86-64-v3:x86-64-v2", active = suffix
//   sysdeps/powerpc/powerpc64/le/dl-hwcaps-subdirs.c  "power10:power9"
//   sysdeps/s390/s390-64/dl-hwcaps-subdirs.c       "z15:z14:z13" (2.33), "z16:z15:z14:z13" (2.36,
//                                                   commit 2376944b9e "S390: Add new s390 platform z16")
//   sysdeps/generic/dl-hwcaps-subdirs.c            "" for every other target: upstream aarch64 and
//                                                   i386 have no glibc-hwcaps subdirectories (the
//                                                   "atomics" list seen in a 2020 fork was never
//                                                   merged; Debian 12's aarch64 ld.so prints
//                                                   dl_hwcaps_subdirs="").
//   elf/dl-hwcaps.h _dl_hwcaps_subdirs_build_bitmask: the active subdirs are always a suffix.
//   sysdeps/x86/get-isa-level.h                    the ISA level rules (x86LevelFromFlags)
//   sysdeps/x86/dl-procinfo.c, sysdeps/unix/sysv/linux/aarch64/dl-procinfo.c,
//   sysdeps/powerpc/dl-procinfo.c, sysdeps/s390/dl-procinfo-s390.c   legacy hwcap bit names
import type { Arch } from './profile.ts';

/** The x86-64 CPU level setting. */
export type X86Level = 'baseline' | 'x86-64-v2' | 'x86-64-v3' | 'x86-64-v4';

/**
 * `_dl_hwcaps_subdirs` of a glibc build, in priority order (best first). Empty before 2.33 (no
 * glibc-hwcaps) and for architectures without subdirectories.
 */
export function hwcapsSubdirs(arch: Arch, glibcMinor: number): string[] {
  if (glibcMinor < 33) return [];
  switch (arch) {
    case 'x86_64':
      return ['x86-64-v4', 'x86-64-v3', 'x86-64-v2'];
    case 'ppc64le':
      return ['power10', 'power9'];
    case 's390x':
      // z17 is not in the indexed glibc sources (up to 2.41); add it here once a release has it.
      return glibcMinor >= 36 ? ['z16', 'z15', 'z14', 'z13'] : ['z15', 'z14', 'z13'];
    case 'aarch64':
    case 'i686':
      return [];
  }
}

/**
 * The CPU level settings of an architecture, lowest first: 'baseline' (no subdirectory active)
 * and then one per subdirectory, e.g. x86_64: baseline, x86-64-v2, x86-64-v3, x86-64-v4.
 */
export function cpuLevels(arch: Arch, glibcMinor: number): string[] {
  return ['baseline', ...[...hwcapsSubdirs(arch, glibcMinor)].reverse()];
}

/**
 * The active glibc-hwcaps subdirectories for a CPU level, in priority order: the suffix of
 * `hwcapsSubdirs` that starts at `level` (elf/dl-hwcaps.h _dl_hwcaps_subdirs_build_bitmask).
 * 'baseline' and unknown levels give [].
 */
export function hwcapsForCpuLevel(arch: Arch, level: string, glibcMinor: number): string[] {
  const subdirs = hwcapsSubdirs(arch, glibcMinor);
  const at = subdirs.indexOf(level);
  return at < 0 ? [] : subdirs.slice(at);
}

/** The inverse of hwcapsForCpuLevel: the best active subdirectory, or 'baseline'. */
export function cpuLevelOfHwcaps(hwcaps: readonly string[]): string {
  return hwcaps[0] ?? 'baseline';
}

/**
 * `dl_hwcaps_subdirs_active` as a list: bit i of `mask` selects the i-th name of the
 * colon-separated `subdirs` (elf/dl-hwcaps_split.c _dl_hwcaps_split_masked).
 */
export function activeSubdirs(subdirs: string, mask: number): string[] {
  const names = subdirs === '' ? [] : subdirs.split(':');
  return names.filter((_, i) => i < 32 && ((mask >>> i) & 1) === 1);
}

// --- x86-64 ISA levels (sysdeps/x86/get-isa-level.h) -------------------------------------------

/**
 * CPU features each level adds, as Linux /proc/cpuinfo flag names (glibc's feature name in the
 * comment where it differs). get-isa-level.h requires every feature of the lower levels too.
 * v3 includes BMI1 and BMI2: they are in get-isa-level.h since the file was added (2020, glibc
 * 2.33), not only from 2.37.
 */
export const X86_LEVEL_FLAGS: Readonly<Record<Exclude<X86Level, 'baseline'> | 'baseline', readonly string[]>> = {
  // CMOV CX8 FPU FXSR MMX SSE SSE2
  baseline: ['cmov', 'cx8', 'fpu', 'fxsr', 'mmx', 'sse', 'sse2'],
  // CMPXCHG16B (cx16) LAHF64_SAHF64 (lahf_lm) POPCNT SSE3 (pni) SSSE3 SSE4_1 SSE4_2
  'x86-64-v2': ['cx16', 'lahf_lm', 'popcnt', 'pni', 'ssse3', 'sse4_1', 'sse4_2'],
  // AVX AVX2 BMI1 BMI2 F16C FMA LZCNT (abm: CPUID 0x80000001 ECX bit 5) MOVBE
  'x86-64-v3': ['avx', 'avx2', 'bmi1', 'bmi2', 'f16c', 'fma', 'abm', 'movbe'],
  // AVX512F AVX512BW AVX512CD AVX512DQ AVX512VL
  'x86-64-v4': ['avx512f', 'avx512bw', 'avx512cd', 'avx512dq', 'avx512vl'],
};

const X86_ORDER: readonly X86Level[] = ['baseline', 'x86-64-v2', 'x86-64-v3', 'x86-64-v4'];

/**
 * The x86-64 level of a CPU from its feature flags (/proc/cpuinfo names), by the rules of
 * get_isa_level. A CPU below baseline (not an x86-64 CPU) is reported as 'baseline' too: glibc
 * then activates no subdirectory either.
 */
export function x86LevelFromFlags(flags: Iterable<string>): X86Level {
  const have = new Set(flags);
  let level: X86Level = 'baseline';
  for (const next of X86_ORDER) {
    if (!X86_LEVEL_FLAGS[next].every((f) => have.has(f))) break;
    level = next;
  }
  return level;
}

/**
 * The ISA level index used by ld.so.cache glibc-hwcaps entries on x86 (bits 32..41 of the hwcap
 * field, elf/cache.c compute_hwcap_value; sysdeps/x86/dl-isa-level.h tests
 * `1 << index` against cpu_features->isa_1, whose bits are baseline=0, v2=1, v3=2, v4=3). The CPU
 * supports index i iff its level index is ≥ i. Derived from the active hwcaps of a profile.
 */
export function x86IsaIndexOfHwcaps(hwcaps: readonly string[]): number {
  const best = X86_ORDER.indexOf(cpuLevelOfHwcaps(hwcaps) as X86Level);
  return best < 0 ? 0 : best;
}

// --- Legacy hwcap bit names -------------------------------------------------------------------

/** Bit i of dl_hwcap is named LEGACY_HWCAP_NAMES[arch][i] ('' for unnamed bits). */
export const LEGACY_HWCAP_NAMES: Readonly<Record<Arch, readonly string[]>> = {
  // sysdeps/x86/dl-procinfo.c _dl_x86_hwcap_flags
  x86_64: ['sse2', 'x86_64', 'avx512_1'],
  i686: ['sse2', 'x86_64', 'avx512_1'],
  // sysdeps/unix/sysv/linux/aarch64/dl-procinfo.c _dl_aarch64_cap_flags
  aarch64: [
    'fp', 'asimd', 'evtstrm', 'aes', 'pmull', 'sha1', 'sha2', 'crc32', 'atomics', 'fphp',
    'asimdhp', 'cpuid', 'asimdrdm', 'jscvt', 'fcma', 'lrcpc', 'dcpop', 'sha3', 'sm3', 'sm4',
    'asimddp', 'sha512', 'sve', 'asimdfhm', 'dit', 'uscat', 'ilrcpc', 'flagm', 'ssbs', 'sb',
    'paca', 'pacg',
  ],
  // sysdeps/powerpc/dl-procinfo.c _dl_powerpc_cap_flags (bits 32.. are AT_HWCAP2 bits)
  ppc64le: [
    'ppcle', 'true_le', '', '', '', '', 'archpmu', 'vsx', 'arch_2_06', 'power6x', 'dfp', 'pa6t',
    'arch_2_05', 'ic_snoop', 'smt', 'booke', 'cellbe', 'power5+', 'power5', 'power4', 'notb',
    'efpdouble', 'efpsingle', 'spe', 'ucache', '4xxmac', 'mmu', 'fpu', 'altivec', 'ppc601', 'ppc64',
    'ppc32', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', 'mma', 'arch_3_1',
    'htm-no-suspend', 'scv', 'darn', 'ieee128', 'arch_3_00', 'htm-nosc', 'vcrypto', 'tar', 'isel',
    'ebb', 'dscr', 'htm', 'arch_2_07',
  ],
  // sysdeps/s390/dl-procinfo-s390.c _dl_s390_cap_flags
  s390x: [
    'esan3', 'zarch', 'stfle', 'msa', 'ldisp', 'eimm', 'dfp', 'edat', 'etf3eh', 'highgprs', 'te',
    'vx', 'vxd', 'vxe', 'gs', 'vxe2', 'vxp', 'sort', 'dflt', 'vxp2', 'nnpa', 'pcimio', 'sie',
  ],
};

/**
 * Platform names of the legacy mechanism: platform index i is hwcap bit FIRST_PLATFORM + i
 * (`_DL_FIRST_PLATFORM` = 48 where platforms exist). x86: sysdeps/x86/dl-procinfo.c
 * _dl_x86_platforms; s390x: sysdeps/s390/dl-procinfo-s390.c _dl_s390_platforms (2.36);
 * aarch64 has none (dl_string_platform is always -1). powerpc's list
 * (sysdeps/powerpc/dl-procinfo.c of older releases) is not in the indexed sources: left empty,
 * so legacy platform entries of a ppc64le cache are treated as "platform unknown".
 */
export const LEGACY_PLATFORMS: Readonly<Record<Arch, readonly string[]>> = {
  x86_64: ['i586', 'i686', 'haswell', 'xeon_phi'],
  i686: ['i586', 'i686', 'haswell', 'xeon_phi'],
  aarch64: [],
  ppc64le: [],
  s390x: ['g5', 'z900', 'z990', 'z9-109', 'z10', 'z196', 'zEC12', 'z13', 'z14', 'z15', 'z16'],
};

export const FIRST_PLATFORM_BIT = 48;

/** Names of the bits set in `mask` (a bigint of dl_hwcap & dl_hwcap_important), lowest bit first. */
export function legacyHwcapNamesOfMask(arch: Arch, mask: bigint): string[] {
  const table = LEGACY_HWCAP_NAMES[arch];
  const names: string[] = [];
  for (let bit = 0; bit < 64; bit++) {
    if (((mask >> BigInt(bit)) & 1n) === 0n) continue;
    names.push(table[bit] || `hwcap-bit-${bit}`);
  }
  return names;
}

/** The dl_hwcap bit mask of legacy names (the inverse of legacyHwcapNamesOfMask; unknown names ignored). */
export function legacyHwcapMaskOfNames(arch: Arch, names: readonly string[]): bigint {
  const table = LEGACY_HWCAP_NAMES[arch];
  let mask = 0n;
  for (const name of names) {
    const generic = /^hwcap-bit-(\d+)$/.exec(name);
    const bit = generic ? Number(generic[1]) : table.indexOf(name);
    if (bit >= 0 && bit < 64) mask |= 1n << BigInt(bit);
  }
  return mask;
}

/** The feature flags of the first processor in a Linux /proc/cpuinfo text ("flags : fpu vme …"). */
export function parseCpuinfoFlags(cpuinfo: string): string[] {
  const line = cpuinfo.split('\n').find((l) => /^flags\s*:/.test(l));
  return line ? line.slice(line.indexOf(':') + 1).trim().split(/\s+/).filter((f) => f !== '') : [];
}
