// cpu.ts and src/node/host-cpu.ts. The oracle for the host level is the real loader: the level
// hostCpuLevel() computes from /proc/cpuinfo must activate exactly the glibc-hwcaps subdirectories
// that `ld.so --list-diagnostics` reports active (dl_hwcaps_subdirs_active).
import { describe, expect, it } from 'vitest';
import {
  activeSubdirs,
  cpuLevelOfHwcaps,
  cpuLevels,
  hwcapsForCpuLevel,
  hwcapsSubdirs,
  LEGACY_HWCAP_NAMES,
  legacyHwcapMaskOfNames,
  legacyHwcapNamesOfMask,
  parseCpuinfoFlags,
  x86LevelFromFlags,
  X86_LEVEL_FLAGS,
} from '../../src/core/loader/cpu.ts';
import { parseDiagnostics } from '../../src/core/loader/diagnostics.ts';
import { hostCpuLevel } from '../../src/node/host-cpu.ts';
import { diagnosticsOf, HOST_LD, hostIsX64 } from './oracle.ts';

describe.skipIf(!hostIsX64())('hostCpuLevel agrees with the real loader', () => {
  it('activates the subdirectories dl_hwcaps_subdirs_active names', () => {
    const d = parseDiagnostics(diagnosticsOf(HOST_LD));
    if (!d.ok) throw new Error(d.reason);
    const level = hostCpuLevel();
    expect(level).not.toBeNull();
    expect(hwcapsForCpuLevel('x86_64', level!, d.profile.glibcMinor)).toEqual(d.profile.hwcaps);
    expect(cpuLevelOfHwcaps(d.profile.hwcaps)).toBe(level);
    // And the subdirectory list itself is the loader's.
    expect(hwcapsSubdirs('x86_64', d.profile.glibcMinor)).toEqual(d.details.hwcapsSubdirs);
  });
});

describe('CPU level settings → hwcaps (§1.3)', () => {
  it('x86_64: the active subdirectories are a suffix of x86-64-v4:v3:v2', () => {
    expect(cpuLevels('x86_64', 36)).toEqual(['baseline', 'x86-64-v2', 'x86-64-v3', 'x86-64-v4']);
    expect(hwcapsForCpuLevel('x86_64', 'baseline', 36)).toEqual([]);
    expect(hwcapsForCpuLevel('x86_64', 'x86-64-v2', 36)).toEqual(['x86-64-v2']);
    expect(hwcapsForCpuLevel('x86_64', 'x86-64-v3', 41)).toEqual(['x86-64-v3', 'x86-64-v2']);
    expect(hwcapsForCpuLevel('x86_64', 'x86-64-v4', 41)).toEqual(['x86-64-v4', 'x86-64-v3', 'x86-64-v2']);
    expect(hwcapsForCpuLevel('x86_64', 'x86-64-v4', 32)).toEqual([]); // no glibc-hwcaps before 2.33
  });

  it('ppc64le, s390x, aarch64, i686 use their dl-hwcaps-subdirs.c lists', () => {
    expect(hwcapsForCpuLevel('ppc64le', 'power9', 36)).toEqual(['power9']);
    expect(hwcapsForCpuLevel('ppc64le', 'power10', 36)).toEqual(['power10', 'power9']);
    expect(cpuLevels('s390x', 36)).toEqual(['baseline', 'z13', 'z14', 'z15', 'z16']);
    expect(cpuLevels('s390x', 35)).toEqual(['baseline', 'z13', 'z14', 'z15']);
    expect(hwcapsForCpuLevel('s390x', 'z14', 36)).toEqual(['z14', 'z13']);
    expect(cpuLevels('aarch64', 41)).toEqual(['baseline']);
    expect(cpuLevels('i686', 41)).toEqual(['baseline']);
  });

  it('activeSubdirs reads bit i as the i-th name (elf/dl-hwcaps_split.c)', () => {
    expect(activeSubdirs('x86-64-v4:x86-64-v3:x86-64-v2', 0x7)).toEqual(['x86-64-v4', 'x86-64-v3', 'x86-64-v2']);
    expect(activeSubdirs('x86-64-v4:x86-64-v3:x86-64-v2', 0x6)).toEqual(['x86-64-v3', 'x86-64-v2']);
    expect(activeSubdirs('power10:power9', 0x2)).toEqual(['power9']);
    expect(activeSubdirs('z16:z15:z14:z13', 0x8)).toEqual(['z13']);
    expect(activeSubdirs('', 0)).toEqual([]);
  });
});

describe('x86LevelFromFlags (sysdeps/x86/get-isa-level.h)', () => {
  const upTo = (level: keyof typeof X86_LEVEL_FLAGS) => {
    const order = ['baseline', 'x86-64-v2', 'x86-64-v3', 'x86-64-v4'] as const;
    return order.slice(0, order.indexOf(level) + 1).flatMap((l) => X86_LEVEL_FLAGS[l]);
  };
  it('each level needs all features of the levels below', () => {
    expect(x86LevelFromFlags(upTo('x86-64-v4'))).toBe('x86-64-v4');
    expect(x86LevelFromFlags(upTo('x86-64-v3'))).toBe('x86-64-v3');
    expect(x86LevelFromFlags(upTo('x86-64-v2'))).toBe('x86-64-v2');
    expect(x86LevelFromFlags(upTo('baseline'))).toBe('baseline');
    expect(x86LevelFromFlags([])).toBe('baseline');
    // AVX-512 without the v3 features does not make v4.
    expect(x86LevelFromFlags([...upTo('x86-64-v2'), ...X86_LEVEL_FLAGS['x86-64-v4']])).toBe('x86-64-v2');
  });
  it('v3 requires BMI1 and BMI2 (Intel Pentium/Celeron with AVX2 but no BMI stay at v2)', () => {
    const noBmi = upTo('x86-64-v3').filter((f) => f !== 'bmi1' && f !== 'bmi2');
    expect(x86LevelFromFlags(noBmi)).toBe('x86-64-v2');
    expect(x86LevelFromFlags(upTo('x86-64-v3').filter((f) => f !== 'abm'))).toBe('x86-64-v2'); // LZCNT
  });
  it('parses /proc/cpuinfo flags', () => {
    expect(parseCpuinfoFlags('processor\t: 0\nflags\t\t: fpu vme  sse2\nbugs\t: x\n')).toEqual(['fpu', 'vme', 'sse2']);
    expect(parseCpuinfoFlags('')).toEqual([]);
  });
});

describe('legacy hwcap names (dl-procinfo.c tables)', () => {
  it('indexes each table by bit number', () => {
    expect(LEGACY_HWCAP_NAMES.x86_64.indexOf('x86_64')).toBe(1);
    expect(LEGACY_HWCAP_NAMES.aarch64.indexOf('atomics')).toBe(8);
    expect(LEGACY_HWCAP_NAMES.ppc64le.indexOf('altivec')).toBe(28); // PPC_FEATURE_HAS_ALTIVEC 0x10000000
    expect(LEGACY_HWCAP_NAMES.ppc64le.indexOf('dfp')).toBe(10); // PPC_FEATURE_HAS_DFP 0x400
    expect(LEGACY_HWCAP_NAMES.ppc64le.indexOf('mma')).toBe(32 + 17); // PPC_FEATURE2_MMA 0x20000
    expect(LEGACY_HWCAP_NAMES.ppc64le).toHaveLength(64);
    expect(LEGACY_HWCAP_NAMES.s390x.indexOf('vx')).toBe(11);
  });
  it('names and masks are inverse', () => {
    expect(legacyHwcapNamesOfMask('x86_64', 0x6n)).toEqual(['x86_64', 'avx512_1']);
    expect(legacyHwcapMaskOfNames('x86_64', ['x86_64'])).toBe(0x2n);
    expect(legacyHwcapNamesOfMask('s390x', 0x2832n)).toEqual(['zarch', 'ldisp', 'eimm', 'vx', 'vxe']);
    expect(legacyHwcapMaskOfNames('s390x', ['zarch', 'ldisp', 'eimm', 'vx', 'vxe'])).toBe(0x2832n);
  });
});
