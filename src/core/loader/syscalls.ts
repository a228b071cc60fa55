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

  private record(call: Probe['call'], path: string | null, fd: number | null, found: Lookup | null, okResult: number, purpose: ProbePurpose, where: SearchContext): void {
    const errno = found && !found.ok ? found.errno : null;
    if (errno) this.errno = errno;
    this.probes.push({
      call, path, fd, result: errno ? -1 : okResult, errno, purpose, dir: where.dir, caps: where.caps, lookup: this.lookup,
    });
  }

  /** openat(AT_FDCWD, path, O_RDONLY|O_CLOEXEC): the node when it opens. */
  openat(path: string, purpose: ProbePurpose, where: SearchContext = NO_SEARCH): Lookup {
    const found = this.vfs.stat(path, this.cwd);
    this.record('openat', path, null, found, LOADER_FD, purpose, where);
    return found;
  }

  /** newfstatat(AT_FDCWD, path, …, 0): stat(2), following symlinks. */
  stat(path: string, purpose: ProbePurpose, where: SearchContext = NO_SEARCH): Lookup {
    const found = this.vfs.stat(path, this.cwd);
    this.record('newfstatat', path, null, found, 0, purpose, where);
    return found;
  }

  /**
   * fstat of the open descriptor: newfstatat(3, "", …, AT_EMPTY_PATH) up to glibc 2.38,
   * fstat(3, …) from 2.39 (glibc commit 551101e824).
   */
  fstat(purpose: ProbePurpose): void {
    this.record(this.glibcMinor >= 39 ? 'fstat' : 'newfstatat', null, LOADER_FD, null, 0, purpose, NO_SEARCH);
  }

  /** access(path, mode): only existence is modelled (the loader runs as a user who may read). */
  access(path: string, purpose: ProbePurpose): boolean {
    const found = this.vfs.stat(path, this.cwd);
    this.record('access', path, null, found, 0, purpose, NO_SEARCH);
    return found.ok;
  }
}
