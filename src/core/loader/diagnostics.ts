// The `host` profile: parse the text of `ld.so --list-diagnostics` (glibc ≥ 2.34,
// elf/dl-diagnostics.c) into a LoaderProfile (docs: shared/docs/glibc-loader-search.md §1.2).
// Pure text in, data out; running the loader is the caller's business (src/node/).
//
// Line format (elf/dl-diagnostics.c _dl_diagnostics_print_labeled_string / _value):
//   label="string"   label=0xHEX   label[0xI]=...   — strings escape '"', '\\' and
//   non-printable bytes as a backslash and three octal digits; a NULL string prints as 0x0.
import type { Arch, LoaderProfile } from './profile.ts';
import { activeSubdirs, legacyHwcapNamesOfMask } from './cpu.ts';

export type DiagnosticValue = string | bigint;

/** Every `label=value` line, the label with its [0x…] index as printed. */
export function parseDiagnosticLines(text: string): Map<string, DiagnosticValue> {
  const out = new Map<string, DiagnosticValue>();
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const label = line.slice(0, eq);
    const raw = line.slice(eq + 1);
    if (raw.startsWith('"') && raw.endsWith('"') && raw.length >= 2) {
      out.set(label, unescape(raw.slice(1, -1)));
    } else if (/^0x[0-9a-f]+$/i.test(raw)) {
      out.set(label, BigInt(raw));
    }
  }
  return out;
}

function unescape(s: string): string {
  return s.replace(/\\([0-7]{3}|.)/g, (_, e: string) =>
    e.length === 3 ? String.fromCharCode(parseInt(e, 8)) : e === 'n' ? '\n' : e === 't' ? '\t' : e,
  );
}

/** What the diagnostics say beyond the profile (for checks and for the cache lookup). */
export interface DiagnosticsDetails {
  /** path.rtld: the loader's own PT_INTERP-style path. */
  rtld: string | null;
  /** dl_hwcaps_subdirs, all names (active or not), in priority order. */
  hwcapsSubdirs: string[];
  /**
   * x86: index of x86.cpu_features.isa_1 (0 baseline … 3 x86-64-v4), the value that
   * ld.so.cache's ISA-level test uses. It is computed before GLIBC_TUNABLES hwcaps masking, so it
   * can be above the level of `hwcaps` (checked: glibc.cpu.hwcaps=-AVX512F leaves isa_1=0xf).
   */
  x86IsaLevel: number | null;
  /** dl_hwcap & dl_hwcap_important as printed (both present up to 2.39), else null. */
  legacyHwcapMask: bigint | null;
  /** version.release ("stable"). */
  release: string | null;
}

export type DiagnosticsParse =
  | { ok: true; profile: LoaderProfile; details: DiagnosticsDetails }
  | { ok: false; reason: string };

/** The Arch of a loader from its file name (dso.ld or path.rtld), else from uname.machine. */
export function archOfLoaderName(ldName: string, machine: string | null): Arch | null {
  const base = ldName.slice(ldName.lastIndexOf('/') + 1);
  switch (base) {
    case 'ld-linux-x86-64.so.2':
      return 'x86_64';
    case 'ld-linux.so.2':
      return 'i686';
    case 'ld-linux-aarch64.so.1':
      return 'aarch64';
    case 'ld64.so.2':
      return 'ppc64le';
    case 'ld64.so.1':
      // s390x; big-endian ppc64 (ELFv1) uses the same name but is not a supported Arch.
      return machine !== null && machine.startsWith('ppc') ? null : 's390x';
  }
  switch (machine) {
    case 'x86_64':
    case 'aarch64':
    case 'ppc64le':
    case 's390x':
    case 'i686':
      return machine;
    case 'i386':
    case 'i586':
      return 'i686';
  }
  return null;
}

/**
 * Parse `ld.so --list-diagnostics` output into a LoaderProfile. `id` defaults to 'host'; `source`
 * to a sentence naming the loader. Fails (never throws) when the text has no version, no system
 * dirs or an unknown architecture.
 */
export function parseDiagnostics(text: string, options: { id?: string; source?: string } = {}): DiagnosticsParse {
  const d = parseDiagnosticLines(text);
  const str = (k: string): string | null => {
    const v = d.get(k);
    return typeof v === 'string' ? v : null;
  };
  const num = (k: string): bigint | null => {
    const v = d.get(k);
    return typeof v === 'bigint' ? v : null;
  };

  const version = str('version.version');
  const m = version ? /^2\.(\d+)/.exec(version) : null;
  if (!m) return { ok: false, reason: 'no version.version line: not the output of ld.so --list-diagnostics (glibc ≥ 2.34)' };
  const glibcMinor = Number(m[1]);

  const rtld = str('path.rtld');
  const arch = archOfLoaderName(str('dso.ld') ?? rtld ?? '', str('uname.machine'));
  if (!arch) return { ok: false, reason: `unknown architecture (dso.ld=${str('dso.ld')}, uname.machine=${str('uname.machine')})` };

  const systemDirs: string[] = [];
  for (let i = 0; ; i++) {
    const dir = str(`path.system_dirs[0x${i.toString(16)}]`);
    if (dir === null) break;
    systemDirs.push(dir);
  }
  if (systemDirs.length === 0) return { ok: false, reason: 'no path.system_dirs lines' };

  const subdirsText = str('dl_hwcaps_subdirs') ?? '';
  const activeMask = num('dl_hwcaps_subdirs_active') ?? 0n;
  const hwcaps = activeSubdirs(subdirsText, Number(activeMask & 0xffffffffn));

  const hwcap = num('dl_hwcap');
  const important = num('dl_hwcap_important');
  const legacyHwcapMask = hwcap !== null && important !== null ? hwcap & important : null;
  // The profile carries the legacy names only where they make search-list slots (§1.3: ≤ 2.36).
  const legacyHwcapNames =
    glibcMinor <= 36 && legacyHwcapMask !== null ? legacyHwcapNamesOfMask(arch, legacyHwcapMask) : [];

  const sysconfdir = str('path.sysconfdir') ?? '/etc';
  const isa1 = num('x86.cpu_features.isa_1');

  const profile: LoaderProfile = {
    id: options.id ?? 'host',
    source: options.source ?? `${rtld ?? 'ld.so'} --list-diagnostics (glibc ${version})`,
    glibcMinor,
    arch,
    systemDirs,
    dstLib: str('dl_dst_lib') ?? '',
    platform: str('dl_platform'),
    hwcaps,
    legacyHwcapNames,
    cachePath: `${sysconfdir}/ld.so.cache`,
    preloadFile: `${sysconfdir}/ld.so.preload`,
    noteAware: false,
  };
  return {
    ok: true,
    profile,
    details: {
      rtld,
      hwcapsSubdirs: subdirsText === '' ? [] : subdirsText.split(':'),
      x86IsaLevel: isa1 === null ? null : isaIndex(isa1),
      legacyHwcapMask,
      release: str('version.release'),
    },
  };
}

/** Highest i such that bits 0..i of isa_1 are all set (baseline=0 … v4=3); 0 if none. */
function isaIndex(isa1: bigint): number {
  let i = -1;
  while (i < 3 && ((isa1 >> BigInt(i + 1)) & 1n) === 1n) i++;
  return Math.max(0, i);
}
