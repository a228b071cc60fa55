// The four calls of ld.so that the model predicts, answered by the virtual filesystem and recorded
// as probes. errno is kept as glibc keeps it: set by every failed call, never cleared by a
// successful one (open_path's P5 rule reads it, glibc-loader-search.md §1.1, §2.5).
import type { Errno, Lookup, Vfs } from '../vfs/types.ts';
import type { Probe, ProbePurpose } from './trace-types.ts';

/** The loader closes every descriptor before its next open, so each open gets fd 3 (§2.11). */
export const LOADER_FD = 3;

export interface SearchContext {
  dir: string | null;
  caps: string | null;
}

const NO_SEARCH: SearchContext = { dir: null, caps: null };

export class Syscalls {
  readonly probes: Probe[] = [];
  errno: Errno | null = null;
  /** The lookup new probes belong to (set by the caller around each MAP_OBJECT). */
  lookup: number | null = null;

  constructor(private readonly vfs: Vfs, private readonly cwd: string, private readonly glibcMinor: number) {}

  private record(probe: Omit<Probe, 'lookup'>): void {
    if (probe.errno) this.errno = probe.errno;
    this.probes.push({ ...probe, lookup: this.lookup });
  }

  /** openat(AT_FDCWD, path, O_RDONLY|O_CLOEXEC): the node when it opens. */
  openat(path: string, purpose: ProbePurpose, where: SearchContext = NO_SEARCH): Lookup {
    const found = this.vfs.stat(path, this.cwd);
    this.record({
      call: 'openat', path, fd: null, result: found.ok ? LOADER_FD : -1, errno: found.ok ? null : found.errno,
      purpose, dir: where.dir, caps: where.caps,
    });
    return found;
  }

  /** newfstatat(AT_FDCWD, path, …, 0): stat(2), following symlinks. */
  stat(path: string, purpose: ProbePurpose, where: SearchContext = NO_SEARCH): Lookup {
    const found = this.vfs.stat(path, this.cwd);
    this.record({
      call: 'newfstatat', path, fd: null, result: found.ok ? 0 : -1, errno: found.ok ? null : found.errno,
      purpose, dir: where.dir, caps: where.caps,
    });
    return found;
  }

  /**
   * fstat of the open descriptor: newfstatat(3, "", …, AT_EMPTY_PATH) up to glibc 2.38,
   * fstat(3, …) from 2.39 (glibc commit 551101e824).
   */
  fstat(purpose: ProbePurpose): void {
    const call = this.glibcMinor >= 39 ? 'fstat' : 'newfstatat';
    this.record({ call, path: null, fd: LOADER_FD, result: 0, errno: null, purpose, dir: null, caps: null });
  }

  /** access(path, mode): only existence is modelled (the loader runs as a user who may read). */
  access(path: string, purpose: ProbePurpose): boolean {
    const found = this.vfs.stat(path, this.cwd);
    this.record({
      call: 'access', path, fd: null, result: found.ok ? 0 : -1, errno: found.ok ? null : found.errno,
      purpose, dir: null, caps: null,
    });
    return found.ok;
  }
}
