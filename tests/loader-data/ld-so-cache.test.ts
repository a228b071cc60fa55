// ld-so-cache.ts against real oracles:
//  * parse: every entry `ldconfig -p` prints (key, flags, hwcap, path, in order) for this
//    machine's /etc/ld.so.cache and for caches the real ldconfig writes in all three formats
//    (`-c new|old|compat`) over scratch directories;
//  * lookup: the path the real loader tries for a name at the cache step (LD_DEBUG=libs, see
//    oracle.ts loaderCacheAnswers) — for the host cache, and, in a chroot whose /etc/ld.so.cache
//    is a scratch cache, for glibc-hwcaps entries, legacy hwcap entries, numerically equal keys
//    and the old/compat formats; the profile always comes from the same loader's diagnostics.
// Malformed input is checked to give { ok: false } / null and never throw.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDiagnostics } from '../../src/core/loader/diagnostics.ts';
import {
  cacheFlagsAccepted,
  dlCacheLibcmp,
  lookupCache,
  parseLdSoCache,
  type LdSoCache,
} from '../../src/core/loader/ld-so-cache.ts';
import type { LoaderProfile } from '../../src/core/loader/profile.ts';
import {
  buildChrootExec,
  buildLib,
  diagnosticsOf,
  flagsKind,
  has,
  HOST_LD,
  hostIsX64,
  isRoot,
  ldconfigBuild,
  ldconfigPrint,
  loaderCacheAnswers,
  populateChroot,
  scratchDir,
} from './oracle.ts';

const canRunHost = hostIsX64() && has('ldconfig');
const canChroot = canRunHost && isRoot() && has('gcc');

function hostProfile(env: Record<string, string> = {}) {
  const d = parseDiagnostics(diagnosticsOf(HOST_LD, { env }));
  if (!d.ok) throw new Error(d.reason);
  return d;
}

function mustParse(bytes: Uint8Array): LdSoCache {
  const r = parseLdSoCache(bytes, 'x86_64');
  if (!r.ok) throw new Error(r.reason);
  return r.cache;
}

/** Our entries in ldconfig -p's terms. */
function asPrinted(cache: LdSoCache) {
  return cache.entries.map((e) => ({
    key: e.key,
    kind: flagsKind(e.flags),
    hwcap: e.hwcapsName ?? (e.hwcap === 0n ? null : e.hwcap),
    value: e.value,
  }));
}

describe.skipIf(!canRunHost)("this machine's /etc/ld.so.cache", () => {
  const bytes = readFileSync('/etc/ld.so.cache');
  const cache = mustParse(bytes);

  it('has every entry ldconfig -p prints, in the same order, with the same flags and paths', () => {
    const printed = ldconfigPrint();
    expect(cache.entries).toHaveLength(printed.count);
    expect(asPrinted(cache)).toEqual(printed.entries);
    expect(cache.generator).toBe(printed.generator);
  });

  it('lookupCache returns the path the real loader tries, for every key and for digit variants', () => {
    const { profile, details } = hostProfile();
    const keys = [...new Set(cache.entries.map((e) => e.key))];
    // Digit runs compare numerically (libfoo.so.01 == libfoo.so.1); plus names that are not there.
    const variants = keys.filter((k) => /\.so\.\d+$/.test(k)).slice(0, 40).map((k) => k.replace(/\.so\.(\d+)$/, '.so.0$1'));
    const names = [...keys, ...variants, 'libstormglass-missing.so.1', 'a', 'zzzz.so'];
    const answers = loaderCacheAnswers(names);
    expect(answers.size).toBeGreaterThan(keys.length * 0.8);
    let compared = 0;
    for (const [name, real] of answers) {
      expect(lookupCache(cache, name, profile, { x86IsaLevel: details.x86IsaLevel ?? undefined }), name).toBe(real);
      compared++;
    }
    expect(compared).toBe(answers.size);
  });
});

describe.skipIf(!canChroot)('caches written by the real ldconfig, read by the real loader in a chroot', () => {
  const dir = scratchDir('ldcache');
  const plain = join(dir, 'plain');
  const hw = join(dir, 'hwcaps');
  let chrootExec = '';
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  beforeAll(() => {
    const built = buildChrootExec(dir);
    if (!built) throw new Error('gcc -static failed: cannot build the chroot helper');
    chrootExec = built;

    // Plain libraries only: glibc 2.36's ldconfig corrupts its heap writing -c old/compat when
    // hwcap entries exist (observed: "malloc(): invalid size", garbage keys).
    buildLib(join(plain, 'opt/b/libnum.so.10'), 'libnum.so.10');
    buildLib(join(plain, 'opt/b/libnum.so.9'), 'libnum.so.9');
    buildLib(join(plain, 'opt/c/libnum.so.010'), 'libnum.so.010'); // numerically equal to .10
    buildLib(join(plain, 'opt/b/libleg.so.2'), 'libleg.so.2');
    buildLib(join(plain, 'opt/c/libzz.so.3'), 'libzz.so.3');
    buildLib(join(plain, 'opt/c/libzz.so.3.1'), 'libzz.so.3.1');
    mkdirSync(join(plain, 'etc'), { recursive: true });
    writeFileSync(join(plain, 'etc/ld.so.conf'), '/opt/b\n/opt/c\n');
    populateChroot(plain);

    // glibc-hwcaps and legacy hwcap subdirectories (new format).
    buildLib(join(hw, 'opt/a/libfoo.so.1'), 'libfoo.so.1');
    buildLib(join(hw, 'opt/a/glibc-hwcaps/x86-64-v4/libfoo.so.1'), 'libfoo.so.1');
    buildLib(join(hw, 'opt/a/glibc-hwcaps/x86-64-v3/libbar.so.1'), 'libbar.so.1');
    buildLib(join(hw, 'opt/a/glibc-hwcaps/x86-64-v2/libbar.so.1'), 'libbar.so.1');
    // A v2-directory library that needs ISA level v4 (GNU_PROPERTY_X86_ISA_1_NEEDED): ldconfig
    // stores level 3 in the entry's hwcap bits 32..41.
    buildLib(join(hw, 'opt/a/glibc-hwcaps/x86-64-v2/libfoo.so.1'), 'libfoo.so.1', ['-z,x86-64-v4']);
    buildLib(join(hw, 'opt/a/x86_64/libleg.so.2'), 'libleg.so.2');
    buildLib(join(hw, 'opt/a/haswell/libleg.so.2'), 'libleg.so.2');
    buildLib(join(hw, 'opt/a/tls/libtls.so.1'), 'libtls.so.1');
    buildLib(join(hw, 'opt/a/x86_64/libx.so.1'), 'libx.so.1');
    buildLib(join(hw, 'opt/a/haswell/libhas.so.1'), 'libhas.so.1');
    buildLib(join(hw, 'opt/a/avx512_1/libavx.so.1'), 'libavx.so.1');
    buildLib(join(hw, 'opt/b/libleg.so.2'), 'libleg.so.2');
    buildLib(join(hw, 'opt/b/libavx.so.1'), 'libavx.so.1');
    mkdirSync(join(hw, 'etc'), { recursive: true });
    writeFileSync(join(hw, 'etc/ld.so.conf'), '/opt/a\n/opt/b\n');
    populateChroot(hw);
    const built2 = ldconfigBuild(hw, 'ld.so.cache', 'new');
    if (built2.status !== 0) throw new Error(built2.stderr);
  });

  const plainNames = ['libnum.so.10', 'libnum.so.010', 'libnum.so.9', 'libnum.so.09', 'libleg.so.2', 'libzz.so.3', 'libzz.so.3.1', 'libzz.so.3.01', 'libzz.so', 'libmissing.so.1'];

  for (const format of ['new', 'old', 'compat'] as const) {
    it(`-c ${format}: parse equals ldconfig -p; lookups equal the loader's`, () => {
      const built = ldconfigBuild(plain, `cache.${format}`, format);
      expect(built.status, built.stderr).toBe(0);
      const file = join(plain, 'etc', `cache.${format}`);
      const cache = mustParse(readFileSync(file));
      expect(cache.format).toBe(format);
      const printed = ldconfigPrint(file);
      expect(asPrinted(cache)).toEqual(printed.entries);
      if (format === 'compat') {
        // The old table repeats the new one, last entry duplicated to an even count (elf/cache.c).
        const strip = (es: LdSoCache['entries']) => es.map((e) => [e.key, e.value, e.flags]);
        expect(strip(cache.oldEntries).slice(0, cache.entries.length)).toEqual(strip(cache.entries));
        expect(cache.oldEntries.length % 2).toBe(0);
      }
      writeFileSync(join(plain, 'etc/ld.so.cache'), readFileSync(file));
      const { profile } = hostProfile();
      const answers = loaderCacheAnswers(plainNames, { wrap: [chrootExec, plain] });
      expect(answers.size).toBe(plainNames.length);
      for (const [name, real] of answers) expect(lookupCache(cache, name, profile), `${format} ${name}`).toBe(real);
    });
  }

  const hwNames = ['libfoo.so.1', 'libbar.so.1', 'libleg.so.2', 'libtls.so.1', 'libx.so.1', 'libhas.so.1', 'libavx.so.1'];

  const tunings: Record<string, string>[] = [
    {},
    { GLIBC_TUNABLES: 'glibc.cpu.hwcaps=-AVX512F' },
    { GLIBC_TUNABLES: 'glibc.cpu.hwcaps=-AVX2' },
    { GLIBC_TUNABLES: 'glibc.cpu.hwcap_mask=0' },
  ];

  it('glibc-hwcaps and legacy entries: parse equals ldconfig -p', () => {
    const cache = mustParse(readFileSync(join(hw, 'etc/ld.so.cache')));
    const printed = ldconfigPrint(join(hw, 'etc/ld.so.cache'));
    expect(asPrinted(cache)).toEqual(printed.entries);
    expect(cache.hwcapsNames).toEqual(['x86-64-v2', 'x86-64-v3', 'x86-64-v4']);
    const isaNeeded = cache.entries.find((e) => e.value === '/opt/a/glibc-hwcaps/x86-64-v2/libfoo.so.1');
    expect(Number((isaNeeded!.hwcap >> 32n) & 0x3ffn)).toBe(3);
  });

  for (const env of tunings) {
    it(`glibc-hwcaps and legacy entries: lookups equal the loader's (${env.GLIBC_TUNABLES ?? 'no tunables'})`, () => {
      const cache = mustParse(readFileSync(join(hw, 'etc/ld.so.cache')));
      const { profile, details } = hostProfile(env);
      // hwcap_mask=0 empties dl_hwcap & hwcap_mask: the profile's legacy names follow the loader.
      const legacy = env.GLIBC_TUNABLES === 'glibc.cpu.hwcap_mask=0' ? { ...profile, legacyHwcapNames: [] } : profile;
      const answers = loaderCacheAnswers(hwNames, { wrap: [chrootExec, hw], env });
      expect(answers.size).toBe(hwNames.length);
      for (const [name, real] of answers) {
        expect(lookupCache(cache, name, legacy, { x86IsaLevel: details.x86IsaLevel ?? undefined }), name).toBe(real);
      }
    });
  }

  it('isa_1, not the masked hwcaps, decides the ISA test (the loader keeps the v4-needing v2 entry)', () => {
    const cache = mustParse(readFileSync(join(hw, 'etc/ld.so.cache')));
    const { profile } = hostProfile({ GLIBC_TUNABLES: 'glibc.cpu.hwcaps=-AVX512F' });
    if (profile.hwcaps[0] !== 'x86-64-v3') return; // needs an AVX-512 host
    const real = loaderCacheAnswers(['libfoo.so.1'], { wrap: [chrootExec, hw], env: { GLIBC_TUNABLES: 'glibc.cpu.hwcaps=-AVX512F' } });
    expect(real.get('libfoo.so.1')).toBe('/opt/a/glibc-hwcaps/x86-64-v2/libfoo.so.1');
    // Without the isa_1 hint the level is derived from hwcaps (v3), and the entry is refused.
    expect(lookupCache(cache, 'libfoo.so.1', profile)).toBe('/opt/a/libfoo.so.1');
  });

  it('from 2.40 legacy entries are ignored (dl-cache.c after commit c5aa5fd40a; source, not oracle)', () => {
    const cache = mustParse(readFileSync(join(hw, 'etc/ld.so.cache')));
    const { profile } = hostProfile();
    const p41: LoaderProfile = { ...profile, glibcMinor: 41, legacyHwcapNames: [] };
    expect(lookupCache(cache, 'libleg.so.2', p41)).toBe('/opt/b/libleg.so.2');
    expect(lookupCache(cache, 'libtls.so.1', p41)).toBeNull();
    expect(lookupCache(cache, 'libfoo.so.1', p41)).toBe('/opt/a/glibc-hwcaps/x86-64-v4/libfoo.so.1');
  });
});

describe('dlCacheLibcmp (elf/dl-cache.c _dl_cache_libcmp)', () => {
  const c = (a: string, b: string) => Math.sign(dlCacheLibcmp(new TextEncoder().encode(a), new TextEncoder().encode(b)));
  it('compares digit runs as numbers', () => {
    expect(c('libfoo.so.01', 'libfoo.so.1')).toBe(0);
    expect(c('libfoo.so.10', 'libfoo.so.9')).toBe(1);
    expect(c('libfoo.so.9', 'libfoo.so.10')).toBe(-1);
    expect(c('libfoo.so.1', 'libfoo.so.1.2')).toBe(-1);
    expect(c('libfoo.so', 'libfoo.so.1')).toBe(-1);
  });
  it('sorts a digit after a non-digit, and compares other bytes as (signed) chars', () => {
    expect(c('lib1', 'liba')).toBe(1);
    expect(c('liba', 'lib1')).toBe(-1);
    expect(c('libb', 'liba')).toBe(1);
    expect(c('a', '')).toBe(1);
    expect(c('', 'a')).toBe(-1);
  });
});

describe('flags per architecture (sysdeps/unix/sysv/linux/*/dl-cache.h)', () => {
  it('accepts only the default id, and 1 or 3 on i686', () => {
    expect(cacheFlagsAccepted('x86_64', 0x303)).toBe(true);
    expect(cacheFlagsAccepted('x86_64', 0x3)).toBe(false);
    expect(cacheFlagsAccepted('aarch64', 0xa03)).toBe(true);
    expect(cacheFlagsAccepted('ppc64le', 0x503)).toBe(true);
    expect(cacheFlagsAccepted('s390x', 0x403)).toBe(true);
    expect(cacheFlagsAccepted('i686', 0x3)).toBe(true);
    expect(cacheFlagsAccepted('i686', 0x1)).toBe(true);
    expect(cacheFlagsAccepted('i686', 0x303)).toBe(false);
  });
});

describe('malformed caches: { ok: false } or null, never a throw (§2.8.1: the loader marks them failed)', () => {
  const host = canRunHost ? readFileSync('/etc/ld.so.cache') : null;
  const enc = (s: string) => new TextEncoder().encode(s);
  it('rejects what _dl_load_cache_lookup rejects', () => {
    expect(parseLdSoCache(new Uint8Array(0)).ok).toBe(false);
    expect(parseLdSoCache(enc('glibc-ld.so.cache1.1')).ok).toBe(false); // not > 48 bytes
    expect(parseLdSoCache(enc('ld.so-1.7.0')).ok).toBe(false);
    expect(parseLdSoCache(enc('hello world, this is not a cache at all; really not.')).ok).toBe(false);
    const huge = new Uint8Array(100);
    huge.set(enc('glibc-ld.so.cache1.1'));
    new DataView(huge.buffer).setUint32(20, 1000, true); // nlibs does not fit
    expect(parseLdSoCache(huge).ok).toBe(false);
    const wrongEndian = new Uint8Array(100);
    wrongEndian.set(enc('glibc-ld.so.cache1.1'));
    wrongEndian[28] = 3; // big-endian flag, read by a little-endian loader
    expect(parseLdSoCache(wrongEndian, 'x86_64').ok).toBe(false);
    wrongEndian[28] = 1; // cache_file_new_flags_endian_invalid
    expect(parseLdSoCache(wrongEndian, 'x86_64').ok).toBe(false);
  });

  it.skipIf(!host)('every truncation and many byte flips of the real cache parse or fail without throwing', () => {
    const bytes = host!;
    const profile: LoaderProfile = {
      id: 't', source: 't', glibcMinor: 36, arch: 'x86_64', systemDirs: ['/lib/'], dstLib: 'lib', platform: 'x86_64',
      hwcaps: ['x86-64-v3', 'x86-64-v2'], legacyHwcapNames: ['x86_64'], cachePath: '/etc/ld.so.cache', preloadFile: '/etc/ld.so.preload', noteAware: false,
    };
    let seed = 12345;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
    const tries: Uint8Array[] = [];
    for (let cut = 0; cut < bytes.length; cut += Math.max(1, Math.floor(bytes.length / 300))) tries.push(bytes.subarray(0, cut));
    for (let i = 0; i < 300; i++) {
      const copy = new Uint8Array(bytes);
      for (let k = 0; k < 4; k++) copy[rand(Math.min(copy.length, 20000))] = rand(256);
      tries.push(copy);
    }
    for (const t of tries) {
      const r = parseLdSoCache(t, 'x86_64');
      if (r.ok) for (const n of ['libc.so.6', 'libz.so.1', 'libzzz.so']) lookupCache(r.cache, n, profile);
    }
  });
});
