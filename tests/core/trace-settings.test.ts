// profileForSettings: every preset (and `auto`) × glibc override × Nix override × CPU level gives
// the loader paths, version and hwcaps the presets and glibc-loader-search.md §1.2, §1.3, §5 say;
// and `stormglass trace` (the built CLI) chooses the same profile from the same settings as flags.
import { describe, expect, it, onTestFinished } from 'vitest';
import { spawnSync } from 'node:child_process';
import { MemoryTree } from '../../src/core/vfs/memory-tree.ts';
import {
  CPU_LEVELS, DEFAULT_SETTINGS, environmentOf, GLIBC_MINORS, parseGlibcVersion, profileForSettings,
  type ProfileChoice, type TraceSettings,
} from '../../src/core/loader/trace-settings.ts';
import { loadEngine } from '../../src/node/engine.ts';
import { interpreterOf, traceClosure } from '../support/trace-closure.ts';

const DEBIAN_DIRS = ['/lib/x86_64-linux-gnu/', '/usr/lib/x86_64-linux-gnu/', '/lib/', '/usr/lib/'];
const DEFAULT_STORE_GLIBC = '/nix/store/00000000000000000000000000000000-glibc-2.40-66';
const NIX_GLIBC = '/nix/store/3bxzvb8g0i6ijkx6p1rgxkm0xhcwjrq5-glibc-2.39-52';
const NIX_INTERPRETER = `${NIX_GLIBC}/lib/ld-linux-x86-64.so.2`;
const HWCAPS: Record<string, string[]> = {
  baseline: [], 'x86-64-v2': ['x86-64-v2'], 'x86-64-v3': ['x86-64-v3', 'x86-64-v2'], 'x86-64-v4': ['x86-64-v4', 'x86-64-v3', 'x86-64-v2'],
};

/** What a profile choice is on its own, for an interpreter the VFS does not hold. */
function own(profile: ProfileChoice, interpreter: string | null): { minor: number; nix: boolean } {
  const nixInterpreter = interpreter === NIX_INTERPRETER;
  switch (profile) {
    case 'debian-12': return { minor: 36, nix: false };
    case 'debian-13': return { minor: 41, nix: false };
    // The version in the store path of the interpreter, else the preset's default store glibc.
    case 'nixos': return { minor: nixInterpreter ? 39 : 40, nix: true };
    // Without the interpreter's bytes, `auto` is the preset its path suggests (Debian 12 otherwise).
    case 'auto': return nixInterpreter ? { minor: 39, nix: true } : { minor: 36, nix: false };
  }
}

describe('profileForSettings', () => {
  const vfs = new MemoryTree().vfs();
  const profiles: ProfileChoice[] = ['auto', 'debian-12', 'debian-13', 'nixos'];
  const glibcs = [null, 31, 32, 33, 36, 37, 41];
  const nixes = [null, true, false];

  for (const interpreter of [null, '/lib64/ld-linux-x86-64.so.2', NIX_INTERPRETER]) {
    for (const profile of profiles) {
      it(`${profile}, interpreter ${interpreter}: every glibc × nix × cpu`, () => {
        for (const glibc of glibcs) for (const nix of nixes) for (const cpu of CPU_LEVELS) {
          const settings = { ...DEFAULT_SETTINGS, profile, glibc, nix, cpu };
          const got = profileForSettings(settings, vfs, interpreter);
          const base = own(profile, interpreter);
          const minor = glibc ?? base.minor;
          const nixMode = nix ?? base.nix;
          const storeGlibc = interpreter === NIX_INTERPRETER ? NIX_GLIBC : DEFAULT_STORE_GLIBC;
          const where = JSON.stringify({ glibc, nix, cpu });
          expect(got.id, where).toBe(profile);
          expect(got.glibcMinor, where).toBe(minor);
          // No glibc-hwcaps before 2.33 (§4); from then the level and the ones below it (§1.3).
          expect(got.hwcaps, where).toEqual(minor < 33 ? [] : HWCAPS[cpu]);
          expect(got.systemDirs, where).toEqual(nixMode ? [`${storeGlibc}/lib/`] : DEBIAN_DIRS);
          expect(got.dstLib, where).toBe(nixMode ? 'lib' : 'lib/x86_64-linux-gnu');
          expect(got.cachePath, where).toBe(nixMode ? `${storeGlibc}/etc/ld.so.cache` : '/etc/ld.so.cache');
          expect(got.preloadFile, where).toBe(nixMode ? '/etc/ld-nix.so.preload' : '/etc/ld.so.preload');
          expect(got.noteAware, where).toBe(false);
          // The source says what was changed.
          if (glibc !== null) expect(got.source, where).toContain(`glibc set to 2.${glibc}`);
        }
      });
    }
  }

  it('turns the note-aware loader on', () => {
    expect(profileForSettings({ ...DEFAULT_SETTINGS, profile: 'nixos', noteAware: true }, vfs, null).noteAware).toBe(true);
  });

  it('reads the glibc versions it offers and nothing else', () => {
    expect(GLIBC_MINORS).toEqual([31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41]);
    expect(parseGlibcVersion('2.36')).toBe(36);
    for (const bad of ['2.30', '2.42', '36', '2.036x', '3.36', '2.', '', ' 2.36']) expect(parseGlibcVersion(bad), bad).toBeNull();
  });

  it('gives the loader only the variables that are set', () => {
    expect(environmentOf(DEFAULT_SETTINGS)).toEqual({});
    expect(environmentOf({ ldLibraryPath: '/a:b', ldPreload: '' })).toEqual({ LD_LIBRARY_PATH: '/a:b' });
    expect(environmentOf({ ldLibraryPath: '', ldPreload: 'x.so' })).toEqual({ LD_PRELOAD: 'x.so' });
  });
});

describe('stormglass trace and profileForSettings agree', () => {
  /** The CLI flags of the settings that make the profile. */
  function flags(s: TraceSettings): string[] {
    return [
      '--profile', s.profile, '--cpu', s.cpu, ...(s.glibc === null ? [] : ['--glibc', `2.${s.glibc}`]),
      ...(s.nix === null ? [] : [s.nix ? '--nix' : '--no-nix']), ...(s.noteAware ? ['--note-aware'] : []),
    ];
  }

  it('on a closure archive, for each profile choice with and without overrides', async () => {
    const closure = await traceClosure();
    onTestFinished(() => closure.dispose());
    const engine = await loadEngine();
    const interpreter = interpreterOf(engine, closure.vfs, closure.program);
    const cases: Partial<TraceSettings>[] = [
      { profile: 'auto' },
      { profile: 'auto', glibc: 41, nix: true, cpu: 'x86-64-v4' },
      { profile: 'auto', glibc: 32, cpu: 'x86-64-v2', noteAware: true },
      { profile: 'debian-12', cpu: 'baseline', nix: false },
      { profile: 'debian-13', glibc: 36, nix: true },
      { profile: 'nixos', glibc: 38, nix: false, cpu: 'x86-64-v2' },
      { profile: 'nixos', noteAware: true },
    ];
    for (const change of cases) {
      const settings = { ...DEFAULT_SETTINGS, ...change };
      const run = spawnSync('node', ['bin/stormglass.js', 'trace', '--json', '--archive', closure.path, ...flags(settings), closure.program], { encoding: 'utf8' });
      // 1 is a trace whose start-up fails (Nix paths on a Debian closure find no libc): still a trace.
      expect([0, 1], run.stderr).toContain(run.status);
      expect(JSON.parse(run.stdout).profile, JSON.stringify(change)).toEqual(profileForSettings(settings, closure.vfs, interpreter));
    }
  });
});
