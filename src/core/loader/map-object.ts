// MAP_OBJECT(loader, name, mode) (glibc-loader-search.md §2.4; elf/dl-load.c _dl_map_object
// L1950, 2.42 _dl_lookup_map + _dl_map_new_object), and the resolution-note step of the patched
// loader (resolution-note.md §4.1, §4.3).
import { hasDst, substituteDst } from './dst.ts';
import { openPath, openVerify, newOutcome, LoadFailure, type Candidate, type SearchOutcome } from './open-path.ts';
import { decomposeSearchPath } from './search-list.ts';
import type { LoaderState, ObjectState } from './state.ts';
import type { LookupMode, Rule } from './trace-types.ts';

export interface Mapped {
  object: ObjectState;
  rule: Rule;
}

/** M1: an object already loaded under this name, or whose DT_SONAME is this name (added once). */
function alreadyLoaded(state: LoaderState, name: string): Mapped | null {
  for (const object of state.objects) {
    if (object.removed) continue;
    if (object.record.name === name || object.record.names.includes(name)) {
      return { object, rule: { kind: 'already-loaded', by: 'name' } };
    }
    if (!object.sonameAdded && object.record.soname === name) {
      object.sonameAdded = true;
      object.record.names.push(name);
      return { object, rule: { kind: 'already-loaded', by: 'soname' } };
    }
  }
  return null;
}

/** M2a: DT_RPATH of the loader, its l_loader chain, then the program's if not yet searched. */
function searchRpaths(state: LoaderState, loader: ObjectState | null, name: string, mode: LookupMode, outcome: SearchOutcome): Mapped | null {
  let depth = 0;
  let searchedMain = false;
  for (let l = loader; l; l = l.record.loader === null ? null : state.objects[l.record.loader]!, depth++) {
    const list = l.rpath(state);
    if (list.length === 0) continue;
    const found = openPath(state, name, list, false, outcome);
    if (found) return adopt(state, found, loader, name, mode, { kind: 'rpath', of: l.record.index, depth });
    if (l.isMain) searchedMain = true;
  }
  if (!searchedMain && state.main.rpath(state).length > 0) {
    const found = openPath(state, name, state.main.rpath(state), false, outcome);
    if (found) return adopt(state, found, loader, name, mode, { kind: 'rpath', of: 0, depth });
  }
  return null;
}

/** The resolution note of the loader: '=path' opened once, '?dir' searched like RUNPATH (§4.3). */
function searchResolutionNote(state: LoaderState, loader: ObjectState, name: string, outcome: SearchOutcome): Candidate | null {
  const entry = loader.facts?.resolutionNote?.find((e) => e.soname.text === name);
  if (!entry) return null;
  for (const element of entry.elements) {
    if (element.kind === 'exact') {
      const found = openVerify(state, element.path, outcome);
      if (found) return found;
    } else {
      // decompose_rpath ignores an empty string: a bare '?' is a no-op in this reader version.
      const list = decomposeSearchPath(element.dir, /:/, state.dstContext(loader), state.directories);
      const found = openPath(state, name, list, false, outcome);
      if (found) return found;
    }
  }
  return null;
}

function startsWithSystemDir(state: LoaderState, path: string): boolean {
  return state.profile.systemDirs.some((dir) => path.startsWith(dir));
}

/** M2: a name without '/', searched in the loader's order of sources. */
function search(state: LoaderState, loader: ObjectState | null, name: string, mode: LookupMode, outcome: SearchOutcome): Mapped | null {
  const secure = state.settings.secure;
  const secureCheck = mode === 'preload' && secure;
  const mapped = (found: Candidate | null, rule: Rule) => (found ? adopt(state, found, loader, name, mode, rule) : null);
  if (!loader || !loader.hasRunpath) {
    const viaRpath = searchRpaths(state, loader, name, mode, outcome);
    if (viaRpath) return viaRpath;
  }
  let result = mapped(openPath(state, name, state.libraryPath, secureCheck, outcome), { kind: 'ld-library-path' });
  if (result) return result;
  if (state.profile.noteAware && loader) {
    result = mapped(searchResolutionNote(state, loader, name, outcome), { kind: 'resolution-note', of: loader.record.index });
    if (result) return result;
  }
  if (loader?.hasRunpath) {
    result = mapped(openPath(state, name, loader.runpath(state), secureCheck, outcome), { kind: 'runpath', of: loader.record.index });
    if (result) return result;
  }
  const nodeflib = (loader ?? state.main).facts?.nodeflib ?? false;
  if (!secureCheck) {
    let cached = state.cache.lookup(name, state.calls);
    if (cached !== null && nodeflib && startsWithSystemDir(state, cached)) cached = null;
    if (cached !== null) {
      result = mapped(openVerify(state, cached, outcome), { kind: 'cache' });
      if (result) return result;
    }
  }
  if (!nodeflib) {
    const system = state.profile.systemDirs.map((dir) => state.directories.get(dir));
    result = mapped(openPath(state, name, system, secureCheck, outcome), { kind: 'system-dirs' });
    if (result) return result;
  }
  return null;
}

/**
 * M5/M6: the found file is fstat'ed for its identity; a file already loaded under another path
 * is that object (its names gain `name`); otherwise a new object is appended to the list.
 */
function adopt(state: LoaderState, found: Candidate, loader: ObjectState | null, name: string, mode: LookupMode, rule: Rule): Mapped {
  state.calls.fstat('file-id');
  const same = state.objects.find((o) => !o.removed && o.id && o.id.dev === found.stat.id.dev && o.id.ino === found.stat.id.ino);
  if (same) {
    same.record.names.push(name);
    return { object: same, rule: { kind: 'already-loaded', by: 'file identity' } };
  }
  const absolute = found.path.startsWith('/') ? found.path : `${state.settings.cwd.replace(/\/$/, '')}/${found.path}`;
  const origin = absolute.slice(0, absolute.lastIndexOf('/')) || '/';
  const real = state.settings.vfs.stat(found.path, state.settings.cwd);
  const object = state.addObject({
    name: found.path, names: [name], soname: found.facts.soname,
    realPath: real.ok ? real.realPath : absolute,
    // A dlopen root has no l_loader (__RTLD_CALLMAP), so its dependencies' RPATH walk ends there.
    loader: mode === 'dlopen' ? null : (loader?.record.index ?? null),
    kind: 'library', dlopened: mode === 'dlopen',
  }, found.stat.id, found.facts, origin);
  return { object, rule };
}

/** MAP_OBJECT: the object for `name` as requested by `loader`; throws LoadFailure when none. */
export function mapObject(state: LoaderState, loader: ObjectState | null, name: string, mode: LookupMode): Mapped {
  const loaded = alreadyLoaded(state, name);
  if (loaded) return loaded;
  const outcome = newOutcome();
  let result: Mapped | null;
  if (name.includes('/')) {
    // M3: DST-substituted against the loader, opened once (relative to the cwd), no search.
    const path = loader && hasDst(name) ? substituteDst(name, state.dstContext(loader)) : name;
    const found = path ? openVerify(state, path, outcome) : null;
    result = found ? adopt(state, found, loader, name, mode, { kind: 'path' }) : null;
  } else {
    result = search(state, loader, name, mode, outcome);
  }
  if (!result) {
    const reason = outcome.otherClass ? `wrong ELF class: ${outcome.otherClass}` : 'cannot open shared object file: No such file or directory';
    throw new LoadFailure(`${name}: ${reason}`, outcome.considered);
  }
  return result;
}
