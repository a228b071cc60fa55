// diagnostics.ts against real loaders: the profile parsed from `ld.so --list-diagnostics` must say
// what the loader itself says — the raw diagnostics lines, and `ld.so --help`'s lists of the
// glibc-hwcaps and legacy hwcap subdirectories it searches (elf/dl-usage.c, 2.33–2.36).
// Loaders: the host's x86_64 ld.so, the i386 one when it runs, and Debian 12's aarch64, ppc64el
// and s390x loaders under qemu-user when fetch-loaders.sh has unpacked them.
import { describe, expect, it } from 'vitest';
import { parseDiagnosticLines, parseDiagnostics } from '../../src/core/loader/diagnostics.ts';
import { diagnosticsOf, foreignLoaders, helpHwcaps, HOST_LD, hostIsX64, i386Loader } from './oracle.ts';

interface Case {
  name: string;
  ld: string;
  qemu?: string;
  arch: string;
}

const cases: Case[] = [];
if (hostIsX64()) cases.push({ name: 'host x86_64', ld: HOST_LD, arch: 'x86_64' });
const i386 = hostIsX64() ? i386Loader() : null;
if (i386) cases.push({ name: 'i386 (libc6-i386)', ld: i386, arch: 'i686' });
for (const f of foreignLoaders()) cases.push({ name: f.name, ld: f.ld, qemu: f.qemu ?? undefined, arch: f.name.includes('aarch64') ? 'aarch64' : f.name.includes('ppc64el') ? 'ppc64le' : 's390x' });

describe.skipIf(cases.length === 0)('parseDiagnostics against the loader that printed it', () => {
  for (const c of cases) {
    describe(c.name, () => {
      const text = diagnosticsOf(c.ld, { qemu: c.qemu });
      const lines = parseDiagnosticLines(text);
      const parsed = parseDiagnostics(text);
      if (!parsed.ok) throw new Error(parsed.reason);
      const { profile } = parsed;

      it('takes every field from the matching diagnostics line', () => {
        expect(profile.arch).toBe(c.arch);
        expect(`2.${profile.glibcMinor}`).toBe(lines.get('version.version'));
        expect(profile.dstLib).toBe(lines.get('dl_dst_lib'));
        const platform = lines.get('dl_platform');
        expect(profile.platform).toBe(typeof platform === 'string' ? platform : null);
        const dirs = [...lines.entries()].filter(([k]) => k.startsWith('path.system_dirs[')).map(([, v]) => v);
        expect(profile.systemDirs).toEqual(dirs);
        expect(profile.cachePath).toBe(`${lines.get('path.sysconfdir')}/ld.so.cache`);
        expect(profile.preloadFile).toBe(`${lines.get('path.sysconfdir')}/ld.so.preload`);
        expect(profile.noteAware).toBe(false);
        expect(profile.id).toBe('host');
      });

      it('hwcaps and legacy hwcap names are the subdirectories `ld.so --help` says it searches', () => {
        const help = helpHwcaps(c.ld, { qemu: c.qemu });
        expect(profile.hwcaps).toEqual(help.subdirs);
        // --help lists legacy names highest bit first; the profile lowest bit first.
        expect(profile.legacyHwcapNames).toEqual([...help.legacy].reverse());
        if (help.platform !== null) expect(profile.platform).toBe(help.platform);
      });
    });
  }
});

describe.skipIf(!hostIsX64())('GLIBC_TUNABLES changes what the diagnostics say (§1.2)', () => {
  it('glibc.cpu.hwcaps=-AVX512F drops x86-64-v4 from hwcaps but not from isa_1', () => {
    const plain = parseDiagnostics(diagnosticsOf(HOST_LD));
    const masked = parseDiagnostics(diagnosticsOf(HOST_LD, { env: { GLIBC_TUNABLES: 'glibc.cpu.hwcaps=-AVX512F' } }));
    if (!plain.ok || !masked.ok) throw new Error('diagnostics did not parse');
    if (plain.profile.hwcaps[0] !== 'x86-64-v4') return; // only meaningful on an AVX-512 host
    expect(masked.profile.hwcaps).toEqual(plain.profile.hwcaps.slice(1));
    expect(masked.details.x86IsaLevel).toBe(plain.details.x86IsaLevel);
  });
});

describe('parseDiagnostics on fixed text', () => {
  const base = [
    'dl_dst_lib="lib"',
    'dl_hwcaps_subdirs="x86-64-v4:x86-64-v3:x86-64-v2"',
    'dl_hwcaps_subdirs_active=0x6',
    'dl_platform=0x0',
    'dso.ld="ld-linux-x86-64.so.2"',
    'path.rtld="/nix/store/abc-glibc-2.40-66/lib/ld-linux-x86-64.so.2"',
    'path.sysconfdir="/etc"',
    'path.system_dirs[0x0]="/nix/store/abc-glibc-2.40-66/lib/"',
    'path.system_dirs[0x1]="/nix/store/def-xgcc-14-libgcc/lib/"',
    'version.release="stable"',
    'version.version="2.40"',
    'env[0x0]="A=\\"q\\" \\134 \\001"',
  ].join('\n');

  it('reads a 2.40-style text: no legacy names, hwcaps from the active bits', () => {
    const r = parseDiagnostics(base, { id: 'file:/tmp/d.txt', source: 'a file' });
    if (!r.ok) throw new Error(r.reason);
    expect(r.profile).toEqual({
      id: 'file:/tmp/d.txt',
      source: 'a file',
      glibcMinor: 40,
      arch: 'x86_64',
      systemDirs: ['/nix/store/abc-glibc-2.40-66/lib/', '/nix/store/def-xgcc-14-libgcc/lib/'],
      dstLib: 'lib',
      platform: null,
      hwcaps: ['x86-64-v3', 'x86-64-v2'],
      legacyHwcapNames: [],
      cachePath: '/etc/ld.so.cache',
      preloadFile: '/etc/ld.so.preload',
      noteAware: false,
    });
    expect(parseDiagnosticLines(base).get('env[0x0]')).toBe('A="q" \\ \u0001');
  });

  it('fails clearly on text that is not diagnostics output', () => {
    expect(parseDiagnostics('hello').ok).toBe(false);
    expect(parseDiagnostics('version.version="2.36"\ndso.ld="ld-linux-x86-64.so.2"').ok).toBe(false);
    expect(parseDiagnostics('version.version="2.36"\ndso.ld="ld.so.1"\npath.system_dirs[0x0]="/lib/"').ok).toBe(false);
  });

  it('names the legacy hwcap bits of dl_hwcap & dl_hwcap_important (≤ 2.36)', () => {
    const text = base.replace('version.version="2.40"', 'version.version="2.36"') + '\ndl_hwcap=0x6\ndl_hwcap_important=0x6';
    const r = parseDiagnostics(text);
    if (!r.ok) throw new Error(r.reason);
    expect(r.profile.legacyHwcapNames).toEqual(['x86_64', 'avx512_1']);
  });
});
