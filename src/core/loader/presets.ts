// Loader profile presets (glibc-loader-search.md §1.2 table, §5 for Nix). The CPU level is a
// separate setting: callers pass the hwcaps subdirectories it activates (cpu.ts).
import type { LoaderProfile } from './profile.ts';

export const PRESET_IDS = ['debian-12', 'debian-13', 'nixos'] as const;
export type PresetId = (typeof PRESET_IDS)[number];

const DEBIAN_DIRS = ['/lib/x86_64-linux-gnu/', '/usr/lib/x86_64-linux-gnu/', '/lib/', '/usr/lib/'];

/** nixpkgs' preload file (dont-use-system-ld-so-preload.patch): no other glibc build uses it. */
export const NIX_PRELOAD_FILE = '/etc/ld-nix.so.preload';

/** The fields Nix mode changes (§5 "Nix mode for the simulator"): where the loader looks. */
export type LoaderPaths = Pick<LoaderProfile, 'systemDirs' | 'dstLib' | 'cachePath' | 'preloadFile'>;

export function loaderPaths({ systemDirs, dstLib, cachePath, preloadFile }: LoaderProfile): LoaderPaths {
  return { systemDirs, dstLib, cachePath, preloadFile };
}

/** Whether a profile's loader is nixpkgs' glibc: told by its preload file, a nixpkgs-only path. */
export function isNixLoader(profile: LoaderProfile): boolean {
  return profile.preloadFile === NIX_PRELOAD_FILE;
}

function debian(id: PresetId, glibcMinor: number, hwcaps: string[]): LoaderProfile {
  return {
    id, source: `${id === 'debian-12' ? 'Debian 12' : 'Debian 13'} preset (glibc 2.${glibcMinor})`, glibcMinor, arch: 'x86_64',
    systemDirs: DEBIAN_DIRS,
    // Debian's $LIB is lib/x86_64-linux-gnu, not upstream's lib64 (found by trace 06-origin).
    dstLib: 'lib/x86_64-linux-gnu', platform: 'x86_64', hwcaps,
    // dl_hwcap & dl_hwcap_important on x86-64: the x86_64 bit; Intel AVX-512 parts add avx512_1.
    legacyHwcapNames: ['x86_64'],
    cachePath: '/etc/ld.so.cache', preloadFile: '/etc/ld.so.preload', noteAware: false,
  };
}

/**
 * NixOS: the store glibc's lib/ is the first system directory (its libgcc's second, where the
 * interpreter's own strings say so: the `auto` profile reads them), its cache is
 * <glibc>/etc/ld.so.cache, which nixpkgs deletes, and the preload file is /etc/ld-nix.so.preload
 * (nixpkgs dont-use-system-ld-so-cache.patch, dont-use-system-ld-so-preload.patch).
 */
export function nixosProfile(hwcaps: string[], interpreter: string | null): LoaderProfile {
  const glibc = interpreter?.match(/^(\/nix\/store\/[^/]+-glibc-[^/]+)\//)?.[1] ?? '/nix/store/00000000000000000000000000000000-glibc-2.40-66';
  const minor = Number(glibc.match(/glibc-2\.(\d+)/)?.[1] ?? 40);
  return {
    id: 'nixos', source: `NixOS preset (store glibc ${glibc})`, glibcMinor: minor, arch: 'x86_64',
    systemDirs: [`${glibc}/lib/`], dstLib: 'lib', platform: 'x86_64', hwcaps, legacyHwcapNames: ['x86_64'],
    cachePath: `${glibc}/etc/ld.so.cache`, preloadFile: NIX_PRELOAD_FILE, noteAware: false,
  };
}

export function presetProfile(id: PresetId, hwcaps: string[], interpreter: string | null = null): LoaderProfile {
  switch (id) {
    case 'debian-12': return debian(id, 36, hwcaps);
    case 'debian-13': return debian(id, 41, hwcaps);
    case 'nixos': return nixosProfile(hwcaps, interpreter);
  }
}
