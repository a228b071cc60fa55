// The settings of one trace, shared by the page (its settings panel and permalinks) and the CLI
// (`stormglass trace` flags): which loader profile, changed how, and what the process is given.
// Platform-neutral: the CLI's own profiles (`host`, profile files) stay in src/cli/trace.ts.
import type { Vfs } from '../vfs/types.ts';
import { adjustProfile, autoProfile } from './choose-profile.ts';
import { cpuLevels } from './cpu.ts';
import { isNixLoader, loaderPaths, nixosProfile, PRESET_IDS, presetProfile } from './presets.ts';
import type { LoaderProfile } from './profile.ts';

export const PROFILE_CHOICES = ['auto', ...PRESET_IDS] as const;
export type ProfileChoice = (typeof PROFILE_CHOICES)[number];

export interface TraceSettings {
  profile: ProfileChoice;
  /** An x86_64 CPU level of CPU_LEVELS: which glibc-hwcaps subdirectories are active (§1.3). */
  cpu: string;
  /** glibc minor version override (36 for 2.36), one of GLIBC_MINORS; null: the profile's own. */
  glibc: number | null;
  /** Nix mode override: true NixOS loader paths, false the distro's; null: the profile's own. */
  nix: boolean | null;
  /**
   * '' = unset: an empty value would change nothing (§2.1: S3 decomposes only a non-empty
   * LD_LIBRARY_PATH, S4 skips empty LD_PRELOAD words).
   */
  ldLibraryPath: string;
  ldPreload: string;
  /** AT_SECURE (§2.10). */
  secure: boolean;
  /** dlopen() calls after start-up, in order: NAME or NAME@CALLER (§2.9, SimulationInput.dlopen). */
  dlopen: string[];
  /** The loader patched to read the resolution note (resolution-note.md §4). */
  noteAware: boolean;
}

/** The versions offered: 2.31 (no glibc-hwcaps yet) to 2.41, the newest verified (§4). */
export const OLDEST_GLIBC_MINOR = 31;
export const NEWEST_GLIBC_MINOR = 41;
export const GLIBC_MINORS: readonly number[] = Array.from(
  { length: NEWEST_GLIBC_MINOR - OLDEST_GLIBC_MINOR + 1 }, (_, i) => OLDEST_GLIBC_MINOR + i,
);

/** x86_64's levels, lowest first, as the newest glibc offered knows them (all four exist from 2.33). */
export const CPU_LEVELS: readonly string[] = cpuLevels('x86_64', NEWEST_GLIBC_MINOR);

export const DEFAULT_SETTINGS: Readonly<TraceSettings> = {
  profile: 'auto',
  // The page cannot read the CPU's flags, so it assumes the level of most x86-64 machines in use
  // (AVX2 and friends: Intel since Haswell, AMD since Zen): its hwcaps fan-out is what a reader's
  // own machine most likely shows. The CLI uses the machine's real level instead.
  cpu: 'x86-64-v3',
  glibc: null,
  nix: null,
  ldLibraryPath: '',
  ldPreload: '',
  secure: false,
  dlopen: [],
  noteAware: false,
};

/** The settings that make the loader profile; the rest is what the process is given. */
export type ProfileSettings = Pick<TraceSettings, 'profile' | 'cpu' | 'glibc' | 'nix' | 'noteAware'>;

export function isProfileChoice(name: string): name is ProfileChoice {
  return (PROFILE_CHOICES as readonly string[]).includes(name);
}

/** "2.36" to 36, or null for anything but a version of GLIBC_MINORS. */
export function parseGlibcVersion(text: string): number | null {
  const minor = /^2\.(\d{1,3})$/.exec(text)?.[1];
  return minor !== undefined && GLIBC_MINORS.includes(Number(minor)) ? Number(minor) : null;
}

/**
 * The profile of a trace: the preset, or `auto` (the program's interpreter read from `vfs`), then
 * the glibc version, then Nix mode, then the CPU level and the note-aware switch. The CPU level is
 * applied last so that the active hwcaps subdirectories are those of the final version (none
 * before 2.33, §4).
 */
export function profileForSettings(settings: ProfileSettings, vfs: Vfs, interpreter: string | null): LoaderProfile {
  const base = settings.profile === 'auto' ? autoProfile(vfs, interpreter) : presetProfile(settings.profile, [], interpreter);
  const versioned = settings.glibc === null ? base
    : { ...base, glibcMinor: settings.glibc, source: `${base.source}; glibc set to 2.${settings.glibc}` };
  return adjustProfile(withNixMode(versioned, settings.nix, interpreter), settings.cpu, settings.noteAware);
}

/**
 * Nix mode changes where the loader looks, not its version: on, the NixOS preset's store glibc
 * paths (its lib/ as the system directory, its own ld.so.cache, which nixpkgs deletes, and
 * /etc/ld-nix.so.preload: §5); off, the Debian preset's (§1.2). A profile already in the asked
 * mode keeps its own paths (`auto` may have read the store libgcc's directory too).
 */
function withNixMode(profile: LoaderProfile, nix: boolean | null, interpreter: string | null): LoaderProfile {
  if (nix === null || nix === isNixLoader(profile)) return profile;
  const paths = nix ? nixosProfile([], interpreter) : presetProfile('debian-12', []);
  return { ...profile, ...loaderPaths(paths), source: `${profile.source}; ${nix ? 'NixOS' : 'Debian'} loader paths` };
}

/** The loader's environment: the variables that are set, nothing else. */
export function environmentOf(settings: Pick<TraceSettings, 'ldLibraryPath' | 'ldPreload'>): Record<string, string> {
  const env: Record<string, string> = {};
  if (settings.ldLibraryPath !== '') env.LD_LIBRARY_PATH = settings.ldLibraryPath;
  if (settings.ldPreload !== '') env.LD_PRELOAD = settings.ldPreload;
  return env;
}
