// OPEN_VERIFY and OPEN_PATH: the probe loop (glibc-loader-search.md §2.5, §2.6; elf/dl-load.c
// open_verify L1578, open_path L1796-1944).
import type { Stat } from '../vfs/types.ts';
import type { ObjectFacts } from './elf-facts.ts';
import type { SearchDir } from './directories.ts';
import type { LoaderState } from './state.ts';
import type { SearchContext } from './syscalls.ts';

const S_ISUID = 0o4000;

/** A file that open_verify accepted: its path as opened (l_name), identity and facts. */
export interface Candidate {
  path: string;
  stat: Stat;
  facts: ObjectFacts;
}

/** Fatal for the whole lookup: no further candidate is tried (§2.6). */
export class LoadFailure extends Error {
  constructor(message: string, readonly considered: string[] = []) {
    super(message);
  }
}

export interface SearchOutcome {
  found: Candidate | null;
  /** A candidate of another ELF class was seen: the error then says "wrong ELF class". */
  otherClass: string | null;
  considered: string[];
}

export function newOutcome(): SearchOutcome {
  return { found: null, otherClass: null, considered: [] };
}

/**
 * OPEN_VERIFY(path): one openat; an opened file that is not a loadable ELF of this machine is
 * either skipped (other class or machine: closed, errno = ENOENT) or fatal (too short, not ELF).
 */
export function openVerify(state: LoaderState, path: string, outcome: SearchOutcome, where?: SearchContext): Candidate | null {
  outcome.considered.push(path);
  const opened = state.calls.openat(path, 'candidate', where);
  if (!opened.ok) return null;
  const verdict = state.settings.facts.verify(opened.stat.id, opened.stat.kind, opened.stat.size);
  if (verdict.kind === 'fatal') throw new LoadFailure(verdict.message, outcome.considered);
  if (verdict.kind === 'wrong-class') {
    outcome.otherClass ??= verdict.elfClass;
    state.calls.errno = 'ENOENT';
    return null;
  }
  return { path, stat: opened.stat, facts: verdict.facts };
}

/** The errno values after which open_path goes on to the next directory of the list (P5). */
function keepsSearching(state: LoaderState): boolean {
  const errno = state.calls.errno;
  return errno === 'ENOENT' || errno === 'EACCES' || (errno === 'ENOTDIR' && state.profile.glibcMinor >= 39);
}

/**
 * The P3 directory stat string: dir + CAPS[i], whose final '/' glibc ≤ 2.37 cuts off (so "/"
 * itself becomes "", bug 30435) and 2.38+ keeps (glibc commit e0189b2540).
 */
function statPath(state: LoaderState, dir: SearchDir, caps: string): string {
  const full = dir.name + caps;
  return state.profile.glibcMinor <= 37 ? full.slice(0, -1) : full;
}

/** OPEN_PATH(name, list): the first directory and CAPS slot where `name` opens, in list order. */
export function openPath(state: LoaderState, name: string, list: SearchDir[], secureCheck: boolean, outcome: SearchOutcome): Candidate | null {
  const caps = state.settings.caps;
  for (const dir of list) {
    let hereAny = false;
    let found: Candidate | null = null;
    for (let i = 0; i < caps.length && !found; i++) {
      if (dir.status[i] === 'nonexisting') continue;
      const where = { dir: dir.name, caps: caps[i]! };
      found = openVerify(state, dir.name + caps[i] + name, outcome, where);
      if (dir.status[i] === 'unknown') {
        if (found) dir.status[i] = 'existing';
        else {
          const seen = state.calls.stat(statPath(state, dir, caps[i]!), 'dir-stat', where);
          dir.status[i] = seen.ok && seen.stat.kind === 'dir' ? 'existing' : 'nonexisting';
        }
      }
      hereAny ||= dir.status[i] !== 'nonexisting';
      // P4: a preload in a set-uid program must itself carry S_ISUID, or the search goes on.
      if (found && secureCheck) {
        state.calls.fstat('setuid-check');
        if ((found.stat.mode & S_ISUID) === 0) {
          found = null;
          state.calls.errno = 'ENOENT';
        }
      }
    }
    if (found) return found;
    // P5: a real error in a directory that exists abandons the rest of this list.
    if (hereAny && !keepsSearching(state)) return null;
  }
  return null;
}
