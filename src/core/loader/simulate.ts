// One process start-up and its dlopen calls, as glibc's ld.so performs them
// (glibc-loader-search.md §2.1 dl_main, §2.9 dlopen), over a virtual filesystem. Nothing is run:
// the program and its libraries are only read.
import type { Engine } from '../engine/engine.ts';
import { readWhole } from '../engine/engine.ts';
import type { Vfs } from '../vfs/types.ts';
import { capsList } from './caps.ts';
import { CacheState } from './cache-state.ts';
import { ElfFacts } from './elf-facts.ts';
import { lookup, mapDependencies } from './map-deps.ts';
import { LoadFailure } from './open-path.ts';
import type { LoaderProfile } from './profile.ts';
import { decomposeSearchPath, LIBRARY_PATH_SEPARATORS } from './search-list.ts';
import { LoaderState, type ObjectState } from './state.ts';
import { totalsOf } from './totals.ts';
import type { Trace } from './trace-types.ts';

export interface SimulationInput {
  /** The program as exec'ed: a path in the VFS (may be a symlink). */
  program: string;
  vfs: Vfs;
  engine: Engine;
  profile: LoaderProfile;
  cwd: string;
  env: Record<string, string>;
  /**
   * dlopen() calls after start-up, in order: a name, called from the program, or "NAME@CALLER"
   * with CALLER a loaded object's name, SONAME or path (e.g. "libnss_files.so.2@libc.so.6": libc's
   * own dlopens search libc's lists, never the program's RUNPATH, §2.9).
   */
  dlopen: string[];
  /** AT_SECURE: a set-user-ID or set-group-ID program. */
  secure: boolean;
  /**
   * What is known of the VFS's ELF files, reused across traces of the same closure (a settings
   * change re-traces without re-parsing); made fresh when absent. Must be for this vfs and arch.
   */
  facts?: ElfFacts;
}

/** A program that cannot be simulated at all (missing, not an ELF of this machine). */
export class SimulationError extends Error {}

/** dso_name_valid_for_suid (elf/rtld.c): secure mode only preloads plain short names. */
const SECURE_NAME_LIMIT = 255;

function directoryOf(path: string): string {
  return path.slice(0, path.lastIndexOf('/')) || '/';
}

function startObjects(state: LoaderState, input: SimulationInput): void {
  const program = input.vfs.stat(input.program, input.cwd);
  if (!program.ok) throw new SimulationError(`${input.program}: ${program.errno}`);
  const facts = state.settings.facts.factsOfFile(program.stat.id);
  if (!facts) throw new SimulationError(`${input.program}: not an ELF file`);
  // $ORIGIN of the program: readlink("/proc/self/exe"), the symlink-resolved path (§2.3).
  state.addObject({
    name: '', names: [''], soname: facts.soname, realPath: program.realPath, loader: null, kind: 'program', dlopened: false,
  }, null, facts, directoryOf(program.realPath));
  state.addObject({
    name: 'linux-vdso.so.1', names: ['linux-vdso.so.1'], soname: 'linux-vdso.so.1', realPath: 'linux-vdso.so.1', loader: null, kind: 'vdso', dlopened: false,
  }, null, null, null);
  const interp = facts.report.interpreter?.text;
  if (interp) {
    const found = input.vfs.stat(interp, '/');
    const interpFacts = found.ok ? state.settings.facts.factsOfFile(found.stat.id) : null;
    // Without the file, its SONAME is taken to be its file name, as it is for glibc's loaders.
    const soname = interpFacts?.soname ?? interp.slice(interp.lastIndexOf('/') + 1);
    const ldso = state.addObject({
      name: interp, names: [interp, soname], soname, realPath: found.ok ? found.realPath : interp, loader: null, kind: 'interpreter', dlopened: false,
    }, null, interpFacts, directoryOf(interp));
    ldso.sonameAdded = true;
  }
}

/** LD_PRELOAD words, then the preload file: each preloaded with the program as loader (S4, S6). */
function preload(state: LoaderState, input: SimulationInput): ObjectState[] {
  const preloads: ObjectState[] = [];
  const load = (name: string, from: string) => {
    const before = state.objects.length;
    try {
      const { object } = lookup(state, state.main, name, 'preload', 'startup');
      if (object.record.index >= before) preloads.push(object);
    } catch (error) {
      if (!(error instanceof LoadFailure)) throw error;
      const reason = error.message.slice(error.message.indexOf(': ') + 2);
      state.warnings.push(`ERROR: ld.so: object '${name}' from ${from} cannot be preloaded (${reason}): ignored.`);
    }
  };
  for (const word of (input.env.LD_PRELOAD ?? '').split(/[ :]/)) {
    if (word === '') continue;
    if (input.secure && (word.includes('/') || word.length >= SECURE_NAME_LIMIT)) continue;
    load(word, 'LD_PRELOAD');
  }
  const file = state.profile.preloadFile;
  if (state.calls.access(file, 'preload-file')) {
    const opened = state.calls.openat(file, 'preload-file');
    if (opened.ok) {
      state.calls.fstat('preload-file');
      for (const word of new TextDecoder().decode(readWhole(input.vfs.source(opened.stat.id))).split(/[ \t\n:]+/)) if (word) load(word, file);
    }
  }
  return preloads;
}

/** The loaded object a dlopen call comes from: by l_name, a name it answers to, or its path. */
function callerOf(state: LoaderState, caller: string): ObjectState | null {
  return state.objects.find((o) => !o.removed && (o.record.name === caller || o.record.names.includes(caller)
    || o.record.soname === caller || o.record.realPath === caller)) ?? null;
}

/** dlopen(name) after start-up, from the program or another object; a failure unloads what it loaded. */
function dlopen(state: LoaderState, call: string): Trace['dlopens'][number] {
  const at = call.lastIndexOf('@');
  const name = at > 0 ? call.slice(0, at) : call;
  const caller = at > 0 ? callerOf(state, call.slice(at + 1)) : state.main;
  if (!caller) return { name: call, object: null, error: `${call.slice(at + 1)}: no such object is loaded to call dlopen` };
  const before = state.objects.length;
  try {
    const { object } = lookup(state, caller, name, 'dlopen', 'dlopen');
    if (object.record.index >= before) mapDependencies(state, [object], 'dlopen');
    return { name: call, object: object.record.index, error: null };
  } catch (error) {
    if (!(error instanceof LoadFailure)) throw error;
    for (const object of state.objects.slice(before)) object.removed = true;
    return { name: call, object: null, error: error.message };
  } finally {
    state.cache.unload();
  }
}

export function simulate(input: SimulationInput): Trace {
  const { profile, vfs } = input;
  const caps = capsList(profile);
  const state = new LoaderState(
    { profile, vfs, facts: input.facts ?? new ElfFacts(input.engine, vfs, profile.arch), caps, cwd: input.cwd, secure: input.secure },
    new CacheState(vfs, profile),
  );
  startObjects(state, input);
  // S1: glibc < 2.39 checks /etc/suid-debug twice in secure mode (tunables, then rtld).
  if (input.secure && profile.glibcMinor < 39) {
    state.calls.access('/etc/suid-debug', 'suid-debug');
    state.calls.access('/etc/suid-debug', 'suid-debug');
  }
  // S3: LD_LIBRARY_PATH, ignored in secure mode, with tokens expanded against the program.
  const libraryPath = input.secure ? undefined : input.env.LD_LIBRARY_PATH;
  if (libraryPath) state.libraryPath = decomposeSearchPath(libraryPath, LIBRARY_PATH_SEPARATORS, state.dstContext(state.main), state.directories);
  const preloads = preload(state, input);
  let error: string | null = null;
  try {
    mapDependencies(state, [state.main, ...preloads], 'startup');
  } catch (failure) {
    if (!(failure instanceof LoadFailure)) throw failure;
    error = `${input.program}: error while loading shared libraries: ${failure.message}`;
  }
  state.cache.unload();
  const dlopens = error ? [] : input.dlopen.map((name) => dlopen(state, name));
  return {
    program: input.program, profile, caps,
    objects: state.objects.map((o) => ({ ...o.record, names: [...o.record.names], ...(o.removed ? { unloaded: true } : {}) })),
    lookups: state.lookups, probes: state.calls.probes,
    totals: totalsOf(state.calls.probes, state.lookups),
    exitStatus: error ? 127 : 0, error, dlopens, warnings: state.warnings,
  };
}
