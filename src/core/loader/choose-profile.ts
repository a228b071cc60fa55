// Which loader profile a trace uses: a preset, `auto` (the program's own interpreter, read
// statically, never run), a profile file (JSON, or the text of `ld.so --list-diagnostics`), then
// the CPU level and the note-aware switch on top. `host` is the CLI's (src/node/host-profile.ts);
// trace-settings.ts puts `auto` and the presets together with the glibc and Nix overrides.
import type { Vfs } from '../vfs/types.ts';
import { hwcapsForCpuLevel } from './cpu.ts';
import { parseDiagnostics } from './diagnostics.ts';
import { readInterpreter } from './interpreter.ts';
import { presetProfile } from './presets.ts';
import type { LoaderProfile } from './profile.ts';
import { readWhole } from '../engine/engine.ts';

export class ProfileError extends Error {}

/** The preset a program's interpreter path suggests: a /nix/store interpreter means NixOS. */
function presetFor(interpreter: string | null, glibcMinor: number | null, hwcaps: string[]): LoaderProfile {
  if (interpreter?.startsWith('/nix/store/')) return presetProfile('nixos', hwcaps, interpreter);
  return presetProfile(glibcMinor !== null && glibcMinor >= 41 ? 'debian-13' : 'debian-12', hwcaps);
}

/**
 * `auto`: the interpreter's compiled-in strings where the VFS holds it (glibc version, system
 * directories, $LIB, cache and preload paths), the rest from the preset its path suggests.
 */
export function autoProfile(vfs: Vfs, interpreter: string | null): LoaderProfile {
  const found = interpreter ? vfs.stat(interpreter, '/') : null;
  if (!interpreter || !found?.ok || found.stat.kind !== 'file') {
    const base = presetFor(interpreter, null, []);
    const why = interpreter ? `${interpreter} is not in the filesystem` : 'the program names no interpreter';
    return { ...base, id: 'auto', source: `${base.source}, chosen because ${why}` };
  }
  const reading = readInterpreter(readWhole(vfs.source(found.stat.id)), interpreter);
  const base = presetFor(interpreter, reading.profile.glibcMinor ?? null, []);
  return {
    ...base, ...reading.profile, id: 'auto',
    source: `${interpreter} read statically (${reading.found.join(', ') || 'nothing found'}); the rest from the ${base.source}`,
  };
}

/** A profile file: a LoaderProfile as JSON, or `ld.so --list-diagnostics` output. */
export function profileFromText(text: string, name: string): LoaderProfile {
  if (text.trimStart().startsWith('{')) {
    const profile = JSON.parse(text) as LoaderProfile;
    if (typeof profile.glibcMinor !== 'number' || !Array.isArray(profile.systemDirs)) throw new ProfileError(`${name}: not a loader profile`);
    return profile;
  }
  const parsed = parseDiagnostics(text, { id: `file:${name}`, source: `${name} (ld.so --list-diagnostics)` });
  if (!parsed.ok) throw new ProfileError(`${name}: ${parsed.reason}`);
  return parsed.profile;
}

/** The CPU level (x86-64-v2, …, or baseline) and the note-aware switch applied to a profile. */
export function adjustProfile(profile: LoaderProfile, cpu: string | null, noteAware: boolean): LoaderProfile {
  const hwcaps = cpu === null ? profile.hwcaps : hwcapsForCpuLevel(profile.arch, cpu, profile.glibcMinor);
  return { ...profile, hwcaps, noteAware: noteAware || profile.noteAware };
}
