// The one path-resolution algorithm of every Vfs (the real filesystem, memory trees from archives
// and dropped files, and mounts of these), written after the kernel's (path_resolution(7),
// fs/namei.c link_path_walk) so stat() gives the errno the kernel would:
//   * absolute paths start at the root, relative ones at `cwd`; empty components are skipped;
//   * '.' stays, '..' goes to the parent of the directory reached so far: physically, after
//     symlinks were followed, and '..' of the root is the root;
//   * a symlink met in any component, the last one included (stat, not lstat), is followed: a
//     relative target from the link's directory, an absolute one from the Vfs root (so a tree
//     mounted or unpacked somewhere behaves as if chroot'ed there); the 41st link is ELOOP
//     (MAXSYMLINKS = 40, counted over the whole walk as nd->total_link_count is);
//   * a component after a non-directory is ENOTDIR, and so is a trailing '/' (or '/.', '/..')
//     after a non-directory; a missing component is ENOENT, and so is the empty path;
//   * a path of 4096 bytes or more is ENAMETOOLONG (PATH_MAX counts the NUL), and so is a
//     component over 255 bytes (NAME_MAX), but only when the walk reaches it: the kernel checks
//     names in the filesystem's lookup, so "/missing/<256 bytes>" is ENOENT and
//     "/a-file/<256 bytes>" is ENOTDIR. A symlink with an empty target (which no Linux filesystem
//     can create) is ENOENT.
// Results are cached per (cwd, path): the loader model stats the same directories thousands of
// times per trace, and a hit costs one Map lookup. Cached Lookup objects are shared: never mutate.
import type { ByteSource } from '../engine/engine.ts';
import type { Errno, FileId, Lookup, Stat, Vfs } from './types.ts';

export type BackendKind = 'file' | 'dir' | 'symlink' | 'other';

/** What a tree must answer for resolve() to walk it. Nodes are objects the backend keeps stable. */
export interface TreeBackend<N extends object> {
  root(): N;
  /** The entry `name` (never '', '.', '..', never containing '/') of directory `dir`, without following it. */
  child(dir: N, name: string): N | null | Errno;
  kindOf(node: N): BackendKind;
  /** The target of a symlink node, verbatim. */
  linkTarget(node: N): string;
  /** stat of a non-symlink node. */
  stat(node: N): Stat;
  /** Entry names of a directory, in byte order. */
  names(dir: N): Iterable<string>;
  /** The bytes of the regular file with identity `id`. Throws for an id this backend never gave. */
  source(id: FileId): ByteSource;
  /**
   * A hint that `count` names are about to be looked up in `dir` at once (Vfs.statEach): a backend
   * whose lookups cost a syscall each may read the directory's listing instead.
   */
  expectLookups?(dir: N, count: number): void;
  /** Changes whenever the tree changes (a memory tree still being built); cached results are dropped then. */
  generation?(): number;
}

export const MAXSYMLINKS = 40;
export const PATH_MAX = 4096;
export const NAME_MAX = 255;

/** Resolution with the nodes passed through, for backends and mounts that need more than a Stat. */
export type Walk<N> = { ok: true; node: N; realPath: string } | { ok: false; errno: Errno };

/** The most common answer of all (a probe that misses), shared: results are never mutated. */
const NOT_FOUND = Object.freeze({ ok: false, errno: 'ENOENT' }) as Walk<never>;

/** UTF-8 length of `s`, as the kernel counts a path (in bytes). */
export function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 2; // 4 bytes for the 2 code units of the pair
        i++;
      } else n += 2;
    } else n += 2;
  }
  return n;
}

/** A path the kernel refuses whole, before any lookup: PATH_MAX bytes or more (counting its NUL). */
function tooLong(path: string): boolean {
  return path.length >= PATH_MAX / 3 && utf8Length(path) >= PATH_MAX;
}

/** A name walked as one child lookup: not empty, '.' or '..', and without '/'. */
function isPlainName(name: string): boolean {
  return name !== '' && name !== '.' && name !== '..' && !name.includes('/');
}

/** Pushes the components of `path` onto `pending` so that the first component is popped first. */
function pushComponents(pending: string[], path: string): void {
  let end = path.length;
  // A trailing '/' must name a directory: resolve it as a final '.' component, which is what the
  // kernel's LOOKUP_DIRECTORY amounts to (a symlink there is followed, a non-directory is ENOTDIR).
  if (end > 0 && path.charCodeAt(end - 1) === 47 /* '/' */ && path.length > 1) pending.push('.');
  while (end > 0) {
    while (end > 0 && path.charCodeAt(end - 1) === 47) end--;
    if (end === 0) break;
    let start = end - 1;
    while (start > 0 && path.charCodeAt(start - 1) !== 47) start--;
    pending.push(path.slice(start, end));
    end = start;
  }
}

/**
 * Walks `path`, following every symlink, from the directory at the top of `nodes`: the stack of
 * directories from the root down to the start (the cwd), with their names in `names` (the
 * root's name being ''). An absolute path or symlink target starts over from `nodes[0]`. Both
 * arrays are consumed (mutated); on success they hold the physical path of the result.
 */
export function walk<N extends object>(
  backend: TreeBackend<N>,
  path: string,
  nodes: N[],
  names: string[],
): Walk<N> {
  if (path.length === 0) return { ok: false, errno: 'ENOENT' };
  if (tooLong(path)) return { ok: false, errno: 'ENAMETOOLONG' };
  const root = nodes[0]!;
  const pending: string[] = [];
  pushComponents(pending, path);
  if (path.charCodeAt(0) === 47) {
    nodes.length = 1;
    names.length = 1;
  }
  let links = 0;
  let cur = nodes[nodes.length - 1]!;
  while (pending.length > 0) {
    const name = pending.pop()!;
    // Every component, '.' and '..' included, is looked up in `cur`, which must be a directory.
    if (backend.kindOf(cur) !== 'dir') return { ok: false, errno: 'ENOTDIR' };
    if (name === '.') continue;
    if (name === '..') {
      if (nodes.length > 1) {
        nodes.pop();
        names.pop();
        cur = nodes[nodes.length - 1]!;
      }
      continue;
    }
    if (name.length * 3 > NAME_MAX && utf8Length(name) > NAME_MAX) return { ok: false, errno: 'ENAMETOOLONG' };
    const next = backend.child(cur, name);
    if (next === null) return NOT_FOUND;
    if (typeof next === 'string') return { ok: false, errno: next };
    if (backend.kindOf(next) === 'symlink') {
      if (++links > MAXSYMLINKS) return { ok: false, errno: 'ELOOP' };
      const target = backend.linkTarget(next);
      if (target.length === 0) return { ok: false, errno: 'ENOENT' };
      if (tooLong(target)) return { ok: false, errno: 'ENAMETOOLONG' };
      if (target.charCodeAt(0) === 47) {
        nodes.length = 1;
        names.length = 1;
        cur = root;
      }
      pushComponents(pending, target);
      continue;
    }
    nodes.push(next);
    names.push(name);
    cur = next;
  }
  return { ok: true, node: cur, realPath: names.length === 1 ? '/' : names.join('/') };
}

const CACHE_LIMIT = 1 << 18;

/** A Vfs over any TreeBackend: the kernel's resolution, cached. */
export class TreeVfs<N extends object> implements Vfs {
  private cache = new Map<string, Lookup>();
  private cwds = new Map<string, { nodes: N[]; names: string[]; literal: boolean } | Errno>();
  private seen = -1;

  constructor(readonly backend: TreeBackend<N>) {}

  stat(path: string, cwd: string): Lookup {
    this.checkGeneration();
    const absolute = path.charCodeAt(0) === 47;
    const key = absolute ? path : cwd + '\0' + path;
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit;
    const result = this.lookupOf(this.walkFrom(path, cwd));
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(key, result);
    return result;
  }

  statEach(dir: string, names: readonly string[]): Lookup[] {
    this.checkGeneration();
    const parent = dir.charCodeAt(0) === 47 ? this.cwdStack(dir) : null;
    // Only a parent reached literally (no symlink, '.' or '..') can be walked from by one child
    // lookup; any other parent, an unusual name, or a path that may be too long as a whole takes
    // stat(), which builds the whole string and applies every rule (ENAMETOOLONG before all).
    if (parent === null || typeof parent === 'string' || !parent.literal) return names.map((name) => this.stat(`${dir}/${name}`, '/'));
    this.backend.expectLookups?.(parent.nodes[parent.nodes.length - 1]!, names.length);
    return names.map((name) => isPlainName(name) && (dir.length + name.length + 1) * 3 < PATH_MAX
      ? this.lookupOf(this.walkLast(parent, name, dir))
      : this.stat(`${dir}/${name}`, '/'));
  }

  /** Resolution to the backend's node (uncached), for mounts and mode overrides. */
  resolve(path: string, cwd = '/'): Walk<N> {
    this.checkGeneration();
    return this.walkFrom(path, cwd);
  }

  source(id: FileId): ByteSource {
    return this.backend.source(id);
  }

  *list(): Iterable<string> {
    yield* listTree(this.backend);
  }

  /** The Lookup of a walk: a failed Walk is a failed Lookup. */
  private lookupOf(found: Walk<N>): Lookup {
    return found.ok ? { ok: true, stat: this.backend.stat(found.node), realPath: found.realPath } : found;
  }

  private walkFrom(path: string, cwd: string): Walk<N> {
    // The whole string is measured before anything is looked up, as the kernel copies it first;
    // the parent-then-last-name shortcut below would otherwise only ever see the shorter parent.
    if (tooLong(path)) return { ok: false, errno: 'ENAMETOOLONG' };
    if (path.charCodeAt(0) === 47) {
      // Most lookups differ only in their last component (dir + CAPS + name, dir/soname): resolve
      // the parent once, as a cwd is, and walk the last name from it. The answer is the same when
      // the parent's resolution followed no symlink (its real path is its spelling), so the last
      // component's links are the whole path's and ELOOP still comes after 40; a parent that is no
      // directory fails the whole path with the same errno.
      const slash = path.lastIndexOf('/');
      const last = path.slice(slash + 1);
      if (slash > 0 && isPlainName(last)) {
        const parentPath = path.slice(0, slash);
        const parent = this.cwdStack(parentPath);
        if (typeof parent === 'string') return { ok: false, errno: parent };
        if (parent.literal) return this.walkLast(parent, last, parentPath);
      }
      return walk(this.backend, path, [this.backend.root()], ['']);
    }
    const start = this.cwdStack(cwd);
    if (typeof start === 'string') return path.length === 0 ? { ok: false, errno: 'ENOENT' } : { ok: false, errno: start };
    return walk(this.backend, path, start.nodes.slice(), start.names.slice());
  }

  /**
   * The last component `name` of `path` from its literal parent: one child lookup, which is what
   * walk() would do for a name that is no symlink (then the real path is the spelling). A symlink
   * takes the full walk, which counts and follows it.
   */
  private walkLast(parent: { nodes: N[]; names: string[] }, name: string, parentPath: string): Walk<N> {
    if (name.length * 3 > NAME_MAX && utf8Length(name) > NAME_MAX) return { ok: false, errno: 'ENAMETOOLONG' };
    const next = this.backend.child(parent.nodes[parent.nodes.length - 1]!, name);
    if (next === null) return NOT_FOUND;
    if (typeof next === 'string') return { ok: false, errno: next };
    if (this.backend.kindOf(next) !== 'symlink') return { ok: true, node: next, realPath: `${parentPath}/${name}` };
    return walk(this.backend, name, parent.nodes.slice(), parent.names.slice());
  }

  /** The directory stack of `cwd` (resolved once per cwd string), or why it is no directory. */
  private cwdStack(cwd: string): { nodes: N[]; names: string[]; literal: boolean } | Errno {
    let entry = this.cwds.get(cwd);
    if (entry === undefined) {
      const nodes = [this.backend.root()];
      const names = [''];
      const found = walk(this.backend, cwd === '' ? '/' : cwd, nodes, names);
      // literal: reached without following a symlink, '.' or '..' (its real path is its spelling).
      entry = !found.ok ? found.errno : this.backend.kindOf(found.node) !== 'dir' ? 'ENOTDIR' : { nodes, names, literal: names.join('/') === cwd };
      this.cwds.set(cwd, entry);
    }
    return entry;
  }

  private checkGeneration(): void {
    const g = this.backend.generation?.() ?? 0;
    if (g !== this.seen) {
      this.seen = g;
      this.cache.clear();
      this.cwds.clear();
    }
  }
}

/** One entry of a tree walk. */
export interface TreeEntry<N> {
  /** Absolute, without a trailing '/'. */
  path: string;
  node: N;
  kind: BackendKind;
  /**
   * For a regular file: the path of an earlier entry that is the same file (a hard link, same
   * st_dev and st_ino), or null for its first name. Null for everything else.
   */
  sameAs: string | null;
}

/**
 * Every entry below the root, depth first in byte order; symlinks are not followed. The one walk
 * behind list(), the "after" tree of a rewrite and the tar a tree is packed into.
 */
export function* treeEntries<N extends object>(backend: TreeBackend<N>): Generator<TreeEntry<N>> {
  const firstName = new Map<string, string>();
  const root = backend.root();
  const stack: Array<{ dir: N; prefix: string; names: Iterator<string> }> = [{ dir: root, prefix: '/', names: backend.names(root)[Symbol.iterator]() }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const next = top.names.next();
    if (next.done) {
      stack.pop();
      continue;
    }
    const node = backend.child(top.dir, next.value);
    if (node === null || typeof node === 'string') continue;
    const path = top.prefix + next.value;
    const kind = backend.kindOf(node);
    let sameAs: string | null = null;
    if (kind === 'file') {
      const { id } = backend.stat(node);
      const key = `${id.dev}:${id.ino}`;
      sameAs = firstName.get(key) ?? null;
      if (sameAs === null) firstName.set(key, path);
    }
    yield { path, node, kind, sameAs };
    if (kind === 'dir') stack.push({ dir: node, prefix: path + '/', names: backend.names(node)[Symbol.iterator]() });
  }
}

/** Every path of a tree, depth first in byte order; directories end with '/'. Symlinks are not followed. */
export function* listTree<N extends object>(backend: TreeBackend<N>): Iterable<string> {
  yield '/';
  for (const entry of treeEntries(backend)) yield entry.kind === 'dir' ? entry.path + '/' : entry.path;
}
