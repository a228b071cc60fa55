// The real filesystem as a TreeBackend, rooted at a directory (default '/'): resolution is
// src/core/vfs/resolve.ts's, so absolute symlink targets stay inside the root as under chroot(2),
// and with the root '/' every answer is the kernel's. Lazy: only the entries a resolution touches
// are lstat'ed (and symlinks read), each once; the tree is a snapshot from then on. File bytes are
// read on demand (pread) by PathSource.
import { lstatSync, readdirSync, readlinkSync, realpathSync, type BigIntStats } from 'node:fs';
import type { ByteSource } from '../core/engine/engine.ts';
import { TreeVfs, type BackendKind, type TreeBackend } from '../core/vfs/resolve.ts';
import { compareNames } from '../core/vfs/memory-tree.ts';
import type { Errno, FileId, Stat } from '../core/vfs/types.ts';
import { PathSource } from './file-source.ts';

export interface RealNode {
  /** Absolute path on the host. */
  readonly host: string;
  readonly kind: BackendKind;
  readonly stat: Stat;
  children: Map<string, RealNode | Errno | null> | null;
  target: string | null;
  /** The directory's names, read once it has missed MISSES_BEFORE_LISTING lookups; null until then. */
  listing: Set<string> | null;
  misses: number;
}

/**
 * After this many names found missing in one directory, its listing is read once and further
 * missing names cost no syscall. The loader's probes and patchelf-style `=dir/soname` checks ask
 * one store directory for many names that are not there (the stat storm itself); a directory
 * asked for one or two names is never listed, so a huge /nix/store is read only when it pays.
 */
const MISSES_BEFORE_LISTING = 4;

const ERRNOS = new Set<string>(['ENOENT', 'ENOTDIR', 'ELOOP', 'EACCES', 'ENAMETOOLONG']);
const SAFE = 2n ** 53n;

/** st_dev and st_ino as numbers (FileId): exact below 2^53, folded above (overlayfs xino sets high bits). */
function toNumber(n: bigint): number {
  return Number(n < SAFE ? n : n % SAFE);
}

function kindOf(st: BigIntStats): BackendKind {
  if (st.isSymbolicLink()) return 'symlink';
  if (st.isDirectory()) return 'dir';
  if (st.isFile()) return 'file';
  return 'other';
}

export class RealFsBackend implements TreeBackend<RealNode> {
  /** The root directory on the host, symlinks resolved. */
  readonly rootDir: string;
  private readonly rootNode: RealNode;
  private readonly hostById = new Map<string, RealNode>();

  constructor(rootDir = '/') {
    this.rootDir = realpathSync.native(rootDir);
    const node = this.lstat(this.rootDir);
    if (node === null || typeof node === 'string' || node.kind !== 'dir') throw new Error(`${rootDir} is not a directory`);
    this.rootNode = node;
  }

  root(): RealNode {
    return this.rootNode;
  }

  child(dir: RealNode, name: string): RealNode | Errno | null {
    if (dir.kind !== 'dir') return 'ENOTDIR';
    dir.children ??= new Map();
    let found = dir.children.get(name);
    if (found === undefined) {
      found = dir.listing && !dir.listing.has(name) ? null : this.lstat(dir.host === '/' ? '/' + name : dir.host + '/' + name);
      dir.children.set(name, found);
      if (found === null && dir.listing === null && ++dir.misses >= MISSES_BEFORE_LISTING) dir.listing = this.list(dir);
    }
    return found;
  }

  /** A batch of MISSES_BEFORE_LISTING names or more would list the directory anyway: list it first. */
  expectLookups(dir: RealNode, count: number): void {
    if (dir.kind === 'dir' && dir.listing === null && dir.misses < MISSES_BEFORE_LISTING && count >= MISSES_BEFORE_LISTING) {
      dir.misses = MISSES_BEFORE_LISTING;
      dir.listing = this.list(dir);
    }
  }

  kindOf(node: RealNode): BackendKind {
    return node.kind;
  }

  linkTarget(node: RealNode): string {
    return (node.target ??= readlinkSync(node.host));
  }

  stat(node: RealNode): Stat {
    return node.stat;
  }

  /** The names in a directory as a set, or null when it cannot be read (then lookups lstat). */
  private list(dir: RealNode): Set<string> | null {
    try {
      return new Set(readdirSync(dir.host));
    } catch {
      return null;
    }
  }

  names(dir: RealNode): Iterable<string> {
    if (dir.kind !== 'dir') return [];
    try {
      return readdirSync(dir.host).sort(compareNames);
    } catch {
      return []; // unreadable directory: nothing to list
    }
  }

  source(id: FileId): ByteSource {
    const node = this.hostById.get(`${id.dev}:${id.ino}`);
    if (node === undefined || node.kind !== 'file') throw new Error(`no regular file with id ${id.dev}:${id.ino} was found through this Vfs`);
    return new PathSource(node.host, node.stat.size);
  }

  private lstat(host: string): RealNode | Errno | null {
    let st: BigIntStats | undefined;
    try {
      st = lstatSync(host, { bigint: true, throwIfNoEntry: false });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      if (ERRNOS.has(code)) return code as Errno;
      throw error;
    }
    if (st === undefined) return null;
    const kind = kindOf(st);
    const id = { dev: toNumber(st.dev), ino: toNumber(st.ino) };
    const node: RealNode = {
      host,
      kind,
      stat: { kind: kind === 'symlink' ? 'other' : kind, id, size: Number(st.size), mode: Number(st.mode) & 0o7777 },
      children: null,
      target: null,
      listing: null,
      misses: 0,
    };
    if (kind === 'file') this.hostById.set(`${id.dev}:${id.ino}`, node);
    return node;
  }
}

/** A Vfs over the real filesystem seen from `rootDir` (default '/', where it answers as the kernel does). */
export function realFsVfs(rootDir = '/'): TreeVfs<RealNode> {
  return new TreeVfs(new RealFsBackend(rootDir));
}
