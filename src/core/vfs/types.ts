// The virtual filesystem the loader model searches: the real filesystem (Node, read lazily), files
// and folders dropped in the browser, tar and Nix archives, or several of these mounted together.
// It answers the questions ld.so asks the kernel, with the kernel's answers: stat(2) and open(2)
// results with their errno, file identity (st_dev, st_ino) so two paths to one file are one file,
// the symlink-resolved path (what readlink("/proc/self/exe") returns), and the bytes of a file.
import type { ByteSource } from '../engine/engine.ts';

/** The errno values path resolution can produce, as the kernel would (path_resolution(7)). */
export type Errno = 'ENOENT' | 'ENOTDIR' | 'ELOOP' | 'EACCES' | 'ENAMETOOLONG';

export type NodeKind = 'file' | 'dir' | 'other';

/** Identity of a file: equal ids mean one file, as glibc compares st_dev and st_ino (dl-load.c _dl_get_file_id). */
export interface FileId {
  dev: number;
  ino: number;
}

export interface Stat {
  kind: NodeKind;
  id: FileId;
  size: number;
  /** st_mode permission and set-id bits (0o4000 is S_ISUID). */
  mode: number;
}

export type Lookup =
  | { ok: true; stat: Stat; /** the path with every symlink resolved, absolute, normalized */ realPath: string }
  | { ok: false; errno: Errno };

export interface Vfs {
  /**
   * stat(2) of `path` (absolute, or relative to `cwd`), following symlinks in every component,
   * with the kernel's rules: ENOENT for a missing component, ENOTDIR when a non-final component
   * (or a path with a trailing '/') is not a directory, ELOOP after 40 symlinks. The empty path is
   * ENOENT, as stat("") is.
   */
  stat(path: string, cwd: string): Lookup;
  /**
   * stat(`${dir}/${name}`, '/') for an absolute `dir` and each of `names`, in order: the same
   * answers as stat(), but `dir` is resolved once and no path is built for a plain name, so many
   * names asked of one directory (patchelf's `=dir/soname` checks) cost one child lookup each,
   * and are not cached, unlike stat()'s answers.
   */
  statEach(dir: string, names: readonly string[]): Lookup[];
  /** The bytes of a regular file found by stat(); read lazily where the backing store allows. */
  source(id: FileId): ByteSource;
  /** Every path of the tree, for listing programs and for tests; directories end with '/'. */
  list(): Iterable<string>;
}
