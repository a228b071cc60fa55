// `stormglass trace`: the loader's calls for one program, predicted without running it, over the
// real filesystem (optionally seen from --root DIR) or an archive (--archive FILE).
import { readFileSync } from 'node:fs';
import { loadEngine } from '../node/engine.ts';
import { realFsVfs } from '../node/real-fs.ts';
import { hostProfile } from '../node/host-profile.ts';
import { hostCpuLevel } from '../node/host-cpu.ts';
import { loadArchive } from '../core/vfs/load-archive.ts';
import type { Vfs } from '../core/vfs/types.ts';
import { formatProblem } from '../core/elf/errors.ts';
import { adjustProfile, profileFromText } from '../core/loader/choose-profile.ts';
import type { LoaderProfile } from '../core/loader/profile.ts';
import { isProfileChoice, profileForSettings } from '../core/loader/trace-settings.ts';
import { simulate, SimulationError } from '../core/loader/simulate.ts';
import { straceText } from '../core/loader/strace-format.ts';
import { traceJson, traceText } from '../core/loader/trace-text.ts';
import type { CliIo } from './io.ts';

export interface TraceOptions {
  profile: string;
  cpu: string | null;
  /** --glibc 2.NN and --nix/--no-nix: for `auto` and the presets only (TraceSettings). */
  glibc: number | null;
  nix: boolean | null;
  noteAware: boolean;
  root: string | null;
  archive: string | null;
  cwd: string | null;
  env: string[];
  dlopen: string[];
  secure: boolean;
  output: 'text' | 'json' | 'strace';
}

/** Thrown for anything that stops a trace before it starts; the CLI prints it and exits 2. */
export class TraceUsageError extends Error {}

async function openVfs(options: TraceOptions): Promise<Vfs> {
  if (options.archive) {
    const loaded = await loadArchive(new Uint8Array(readFileSync(options.archive)));
    if (!loaded.ok) throw new TraceUsageError(`${options.archive}: ${formatProblem(loaded.error)}`);
    return loaded.vfs;
  }
  return realFsVfs(options.root ?? '/');
}

async function chooseProfile(options: TraceOptions, vfs: Vfs, interpreter: string | null): Promise<LoaderProfile> {
  if (isProfileChoice(options.profile)) {
    // The CPU level: given, else this machine's. A level of another architecture activates no
    // subdirectory (hwcapsForCpuLevel), as 'baseline' would.
    const cpu = options.cpu ?? hostCpuLevel() ?? 'baseline';
    return profileForSettings({ profile: options.profile, cpu, glibc: options.glibc, nix: options.nix, noteAware: options.noteAware }, vfs, interpreter);
  }
  // A host or file profile is what one loader reported: another version or other paths would
  // describe a loader that does not exist (a 2.41 report lacks the legacy hwcap bits 2.36 probes,
  // §1.2, §1.3).
  if (options.glibc !== null || options.nix !== null) throw new TraceUsageError('--glibc, --nix and --no-nix change auto or a preset, not a host or file profile');
  // It also says which subdirectories its loader had active.
  const profile = options.profile === 'host' ? await hostProfile() : profileFromText(readFileSync(options.profile, 'utf8'), options.profile);
  return adjustProfile(profile, options.cpu, options.noteAware);
}

function parseEnv(pairs: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new TraceUsageError(`--env ${pair}: expected NAME=VALUE`);
    env[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return env;
}

export async function traceCommand(program: string, options: TraceOptions, io: CliIo): Promise<number> {
  const vfs = await openVfs(options);
  const engine = await loadEngine();
  const cwd = options.cwd ?? (options.root || options.archive ? '/' : process.cwd());
  const found = vfs.stat(program, cwd);
  if (!found.ok) throw new TraceUsageError(`${program}: ${found.errno}`);
  const parsed = engine.parseSource(vfs.source(found.stat.id));
  const interpreter = parsed.ok ? (parsed.report.interpreter?.text ?? null) : null;
  const profile = await chooseProfile(options, vfs, interpreter);
  // The kernel sets AT_SECURE for a set-user-ID or set-group-ID program run by anyone else.
  const secure = options.secure || (found.stat.mode & 0o6000) !== 0;
  let trace;
  try {
    trace = simulate({ program, vfs, engine, profile, cwd, env: parseEnv(options.env), dlopen: options.dlopen, secure });
  } catch (error) {
    if (error instanceof SimulationError) throw new TraceUsageError(error.message);
    throw error;
  }
  if (options.output === 'json') io.out(traceJson(trace));
  else if (options.output === 'strace') io.out(straceText(trace.probes));
  else io.out(traceText(trace));
  return trace.exitStatus === 0 ? 0 : 1;
}

