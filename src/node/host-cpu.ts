// The CPU level of the machine Node runs on, for the `host` CPU setting: /proc/cpuinfo's flags
// put through glibc's x86-64 ISA level rules (src/core/loader/cpu.ts x86LevelFromFlags, after
// sysdeps/x86/get-isa-level.h). The kernel clears flags it does not enable (e.g. AVX without
// XSAVE), which matches glibc's "usable" test for the features involved.
import { readFileSync } from 'node:fs';
import { parseCpuinfoFlags, x86LevelFromFlags, type X86Level } from '../core/loader/cpu.ts';

/** The x86-64 level of this machine, or null when it is not x86-64 or /proc/cpuinfo is unreadable. */
export function hostCpuLevel(cpuinfoPath = '/proc/cpuinfo'): X86Level | null {
  if (process.arch !== 'x64') return null;
  let text: string;
  try {
    text = readFileSync(cpuinfoPath, 'utf8');
  } catch {
    return null;
  }
  const flags = parseCpuinfoFlags(text);
  return flags.length === 0 ? null : x86LevelFromFlags(flags);
}
