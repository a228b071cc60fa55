// The trace: what the loader model predicts for one program — every call ld.so makes (the same
// calls strace shows for openat, newfstatat, fstat, access), every lookup with the rule that
// answered it, and the objects in load order. Plain data: the JSON of `stormglass trace --json`.
import type { Errno } from '../vfs/types.ts';
import type { LoaderProfile } from './profile.ts';

export type Syscall = 'openat' | 'newfstatat' | 'fstat' | 'access';

/** Why the loader made a call. */
export type ProbePurpose =
  | 'candidate'       // OPEN_VERIFY of dir + CAPS[i] + name, a cache path, a resolution-note path, or a name with '/'
  | 'dir-stat'        // P3: does dir + CAPS[i] exist as a directory?
  | 'file-id'         // M5: fstat of a found file, for (st_dev, st_ino)
  | 'setuid-check'    // P4: a secure-mode preload must carry S_ISUID
  | 'cache'           // opening ld.so.cache (and its fstat)
  | 'preload-file'    // access/open of /etc/ld.so.preload
  | 'suid-debug';     // secure mode, glibc < 2.39: access("/etc/suid-debug")

export interface Probe {
  call: Syscall;
  /** The path argument; null for a call on a file descriptor. */
  path: string | null;
  /** fd for fstat/newfstatat on a descriptor. */
  fd: number | null;
  /** Return value: the new fd, 0, or -1. */
  result: number;
  errno: Errno | null;
  purpose: ProbePurpose;
  /** The search directory (as in the directory table) and CAPS entry, for search probes. */
  dir: string | null;
  caps: string | null;
  /** Index of the lookup this call belongs to, null for process-level calls. */
  lookup: number | null;
}

/** How a lookup was answered: glibc-loader-search.md §2.4 step and which object's list. */
export type Rule =
  | { kind: 'already-loaded'; by: 'name' | 'soname' | 'file identity' }
  | { kind: 'rpath'; of: number; depth: number }
  | { kind: 'ld-library-path' }
  | { kind: 'resolution-note'; of: number }
  | { kind: 'runpath'; of: number }
  | { kind: 'cache' }
  | { kind: 'system-dirs' }
  | { kind: 'path' };

export type LookupMode = 'needed' | 'preload' | 'dlopen';

export interface LookupRecord {
  index: number;
  phase: 'startup' | 'dlopen';
  mode: LookupMode;
  /** The object whose DT_NEEDED (or LD_PRELOAD, or dlopen call) asked; its index in `objects`. */
  requester: number;
  name: string;
  /** The object that answered, its index in `objects`; null when the lookup failed. */
  object: number | null;
  rule: Rule | null;
  /** For a failure: the loader's message, and the paths it tried. */
  error: string | null;
  considered: string[];
  /** Probes of this lookup: probes[firstProbe … firstProbe + probeCount). */
  firstProbe: number;
  probeCount: number;
}

export interface LoadedObject {
  index: number;
  /** l_name: exactly the string that was opened ("" for the main program). */
  name: string;
  /** The names it answers to (DT_NEEDED / dlopen / LD_PRELOAD strings, DT_SONAME once matched). */
  names: string[];
  soname: string | null;
  /** The file's symlink-free path in the virtual filesystem. */
  realPath: string;
  /** l_loader: the object whose request loaded it; null for the program, ld.so and dlopen roots. */
  loader: number | null;
  kind: 'program' | 'vdso' | 'interpreter' | 'library';
  /** True when it was loaded by a dlopen after start-up. */
  dlopened: boolean;
  /** True when a failed dlopen unloaded it again. */
  unloaded?: boolean;
}

export interface Counts {
  failedOpens: number;
  failedStats: number;
  successfulOpens: number;
  syscalls: number;
}

export interface Totals {
  program: Counts;
  /** Per requesting object: the calls its lookups cost. */
  objects: { object: number; counts: Counts }[];
  /** Per search directory (directory-table string), costliest first. */
  directories: { dir: string; counts: Counts }[];
}

export interface Trace {
  program: string;
  profile: LoaderProfile;
  caps: string[];
  objects: LoadedObject[];
  lookups: LookupRecord[];
  probes: Probe[];
  totals: Totals;
  /** 0 when start-up succeeded; 127 when ld.so would exit with its error. */
  exitStatus: 0 | 127;
  /** ld.so's message for a failed start-up ("error while loading shared libraries: …"). */
  error: string | null;
  /** One entry per --dlopen, in order: the object it returned, or its error. */
  dlopens: { name: string; object: number | null; error: string | null }[];
  /** Messages ld.so prints but carries on after (preloads that cannot be loaded). */
  warnings: string[];
}
