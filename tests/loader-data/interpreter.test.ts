// interpreter.ts: what it reads from a loader's bytes must equal what the same loader reports
// about itself in `--list-diagnostics` — for every field it claims to have found. Loaders: the
// host's x86_64 ld.so, the i386 loader (libc6-i386) when it runs, and Debian 12's aarch64,
// ppc64el and s390x loaders under qemu-user when fetch-loaders.sh has unpacked them. Synthetic
// byte images stand in for layouts no real loader here has (upstream, Nix): those tests check the
// string rules only, not a loader.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDiagnostics } from '../../src/core/loader/diagnostics.ts';
import { readInterpreter } from '../../src/core/loader/interpreter.ts';
import type { LoaderProfile } from '../../src/core/loader/profile.ts';
import { diagnosticsOf, foreignLoaders, HOST_LD, hostIsX64, i386Loader } from './oracle.ts';

const loaders: { name: string; ld: string; qemu?: string }[] = [];
if (hostIsX64()) loaders.push({ name: 'host x86_64', ld: HOST_LD });
const i386 = hostIsX64() ? i386Loader() : null;
if (i386) loaders.push({ name: 'i386', ld: i386 });
for (const f of foreignLoaders()) loaders.push({ name: f.name, ld: f.ld, qemu: f.qemu ?? undefined });

const STATIC_FIELDS: (keyof LoaderProfile)[] = ['arch', 'glibcMinor', 'systemDirs', 'cachePath', 'preloadFile', 'dstLib'];

describe.skipIf(loaders.length === 0)('readInterpreter against the loader\'s own --list-diagnostics', () => {
  for (const l of loaders) {
    it(`${l.name}: every field read equals the diagnostics, and all static fields are found`, () => {
      const reading = readInterpreter(readFileSync(l.ld), l.ld);
      const d = parseDiagnostics(diagnosticsOf(l.ld, { qemu: l.qemu }));
      if (!d.ok) throw new Error(d.reason);
      expect(reading.found.sort()).toEqual([...STATIC_FIELDS].sort());
      for (const key of reading.found) expect(reading.profile[key], key).toEqual(d.profile[key]);
      expect(reading.hwcapsSubdirs ?? []).toEqual(d.details.hwcapsSubdirs);
      expect(reading.profile.source).toBe(`${l.ld} read statically`);
    });
  }
});

/** A fake ELF image: a 64-byte x86-64 header followed by the given NUL-separated literals. */
function image(literals: string[], machine = 62): Uint8Array {
  const head = new Uint8Array(64);
  head.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
  head[18] = machine & 0xff;
  head[19] = machine >> 8;
  const body = new TextEncoder().encode('\0junk\x01\x02\0' + literals.join('\0') + '\0\0\0');
  const out = new Uint8Array(head.length + body.length);
  out.set(head);
  out.set(body, head.length);
  return out;
}

describe('readInterpreter on synthetic layouts (string rules only)', () => {
  it('a Nix-like loader: store paths, the store cache path, ld-nix.so.preload, $LIB = lib', () => {
    const g = '/nix/store/0123abcd-glibc-2.40-66';
    const r = readInterpreter(
      image([
        'ld.so (GNU libc) stable release version 2.40.\nCopyright (C) 2024',
        `${g}/lib/`,
        '/nix/store/4567efgh-xgcc-13.3.0-libgcc/lib/',
        'ORIGIN',
        'PLATFORM',
        'LIB',
        'lib',
        'system search path',
        `${g}/etc/ld.so.cache`,
        '/etc/ld-nix.so.preload',
        'x86-64-v4:x86-64-v3:x86-64-v2',
      ]),
    );
    expect(r.profile).toMatchObject({
      arch: 'x86_64',
      glibcMinor: 40,
      systemDirs: [`${g}/lib/`, '/nix/store/4567efgh-xgcc-13.3.0-libgcc/lib/'],
      cachePath: `${g}/etc/ld.so.cache`,
      preloadFile: '/etc/ld-nix.so.preload',
      dstLib: 'lib',
    });
    expect(r.hwcapsSubdirs).toEqual(['x86-64-v4', 'x86-64-v3', 'x86-64-v2']);
  });

  it('an upstream-like loader without the DST anchor: $LIB from the first system dir', () => {
    const r = readInterpreter(image(['/lib64/', '/usr/lib64/', 'lib64', '/etc/ld.so.cache', '/etc/ld.so.preload', '2.41', 'version.version']));
    expect(r.profile).toMatchObject({ systemDirs: ['/lib64/', '/usr/lib64/'], dstLib: 'lib64', glibcMinor: 41 });
    expect(r.notes.some((n) => n.startsWith('dstLib: a tail of system dir /lib64/'))).toBe(true);
  });

  it('prefers the longest run of directories over stray absolute strings', () => {
    const r = readInterpreter(image(['/proc/self/', 'x', '/lib/x/', '/usr/lib/x/', '/lib/', '/usr/lib/']));
    expect(r.profile.systemDirs).toEqual(['/lib/x/', '/usr/lib/x/', '/lib/', '/usr/lib/']);
  });

  it('never throws: garbage, empty and non-ELF input give an empty reading with notes', () => {
    for (const bytes of [new Uint8Array(0), new Uint8Array(100).fill(0xff), new TextEncoder().encode('hello\0world\0')]) {
      const r = readInterpreter(bytes);
      expect(r.found).toEqual([]);
      expect(r.notes.length).toBeGreaterThan(0);
    }
  });
});
