// An in-memory directory tree: what the archive readers unpack into and what the browser builds
// from dropped files. File contents are never copied: a file holds a subarray of the buffer it
// came from (the decompressed archive, a dropped file's bytes) or any ByteSource. Hard links are
// one node under several names, so they share one FileId, as they share one inode on disk.
// Every tree has its own synthetic st_dev, so ids of two trees never collide.
import type { ByteSource } from '../engine/engine.ts';
import type { FileId, Stat } from './types.ts';
import { TreeVfs, utf8Length, type BackendKind, type TreeBackend } from './resolve.ts';

/** Synthetic st_dev values start far above any makedev() value a real filesystem reports. */
export const SYNTHETIC_DEV_BASE = 2 ** 40;
let nextDev = SYNTHETIC_DEV_BASE;

/** A fresh st_dev for a synthetic tree or mount: never equal to another one of this process. */
export function allocateDev(): number {
  return nextDev++;
}

export const S_ISUID = 0o4000;
export const S_ISGID = 0o2000;

interface NodeBase {
  ino: number;
  /** Permission and set-id bits (st_mode & 0o7777). */
  mode: number;
  /** Cached stat, dropped when the node changes. */
  cached: Stat | null;
}
export interface MemDir extends NodeBase {
  kind: 'dir';
  entries: Map<string, MemNode>;
  sorted: string[] | null;
}
export interface MemFile extends NodeBase {
  kind: 'file';
  data: Uint8Array | ByteSource;
}
export interface MemSymlink extends NodeBase {
  kind: 'symlink';
  target: string;
}
/** A device node, FIFO or socket: it exists and stats, but is no file to load. */
export interface MemOther extends NodeBase {
  kind: 'other';
}
export type MemNode = MemDir | MemFile | MemSymlink | MemOther;

export type TreeErrorReason = 'path_escape' | 'path_conflict' | 'link_target_missing' | 'bad_path';

/** A builder call that cannot be carried out; archive readers turn it into an archive_* code. */
export class TreeError extends Error {
  constructor(
    readonly reason: TreeErrorReason,
    message: string,
  ) {
    super(message);
    this.name = 'TreeError';
  }
}

/** A Uint8Array as a ByteSource; `bytes` lets a caller that can use the array whole skip readInto. */
export class MemorySource implements ByteSource {
  readonly size: number;
  constructor(readonly bytes: Uint8Array) {
    this.size = bytes.length;
  }
  readInto(offset: number, target: Uint8Array): void {
    if (offset < 0 || offset + target.length > this.size) throw new RangeError(`read past the end (${offset}+${target.length} > ${this.size})`);
    target.set(this.bytes.subarray(offset, offset + target.length));
  }
}

/** Orders names as their UTF-8 bytes would sort (code point order; plain < orders UTF-16 units). */
export function compareNames(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1; // a surrogate (code point ≥ 0x10000) sorts after any BMP unit
    return x - y;
  }
  return a.length - b.length;
}

/**
 * The components of a path inside a tree: '' and '.' dropped, '..' refused (a builder path never
 * climbs: archive readers check names before they get here).
 */
export function splitTreePath(path: string): string[] {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') throw new TreeError('path_escape', `path ${JSON.stringify(path)} has a '..' component`);
    if (part.includes('\0')) throw new TreeError('bad_path', `path ${JSON.stringify(path)} contains a NUL byte`);
    parts.push(part);
  }
  return parts;
}

export class MemoryTree {
  readonly dev = allocateDev();
  readonly root: MemDir;
  private nextIno = 1;
  private gen = 0;
  private readonly files = new Map<number, MemFile>();
  private view: TreeVfs<MemNode> | null = null;

  constructor(rootMode = 0o755) {
    this.root = this.newDir(rootMode);
  }

  // --- Builder API (paths absolute or relative to the root; parents are created 0755 as needed) ---

  /** A regular file; a file or symlink already there is replaced (a later tar member wins). */
  addFile(path: string, bytes: Uint8Array | ByteSource, mode = 0o644): MemFile {
    const file = this.newFile(bytes, mode);
    this.place(path, file);
    return file;
  }

  /** A directory, or new mode bits for one that exists. */
  addDir(path: string, mode = 0o755): MemDir {
    const parts = splitTreePath(path);
    if (parts.length === 0) {
      this.setMode(this.root, mode);
      return this.root;
    }
    const parent = this.mkdirs(parts, parts.length - 1, path);
    const name = parts[parts.length - 1]!;
    const existing = parent.entries.get(name);
    if (existing?.kind === 'dir') {
      this.setMode(existing, mode);
      return existing;
    }
    const dir = this.newDir(mode);
    this.insert(parent, name, dir);
    return dir;
  }

  addSymlink(path: string, target: string): MemSymlink {
    const link = this.newSymlink(target);
    this.place(path, link);
    return link;
  }

  /** A device node, FIFO or socket. */
  addSpecial(path: string, mode = 0o644): MemOther {
    const node: MemOther = { kind: 'other', ino: this.nextIno++, mode: mode & 0o7777, cached: null };
    this.place(path, node);
    return node;
  }

  /**
   * `path` becomes another name of the node at `existingPath` (a file, symlink or special file,
   * never a directory), as link(2) without AT_SYMLINK_FOLLOW: no symlink is followed on the way.
   */
  addHardLink(path: string, existingPath: string): MemNode {
    const node = this.lookupLiteral(existingPath);
    if (node === null || node.kind === 'dir') {
      throw new TreeError('link_target_missing', `hard link target ${JSON.stringify(existingPath)} is not an existing file`);
    }
    this.place(path, node);
    return node;
  }

  /** The node at `path` taken literally (no symlink followed), or null. */
  lookupLiteral(path: string): MemNode | null {
    let node: MemNode = this.root;
    for (const part of splitTreePath(path)) {
      if (node.kind !== 'dir') return null;
      const next = node.entries.get(part);
      if (next === undefined) return null;
      node = next;
    }
    return node;
  }

  /** The Vfs over this tree (one per tree; it sees later changes). */
  vfs(): TreeVfs<MemNode> {
    this.view ??= new TreeVfs(this.backend());
    return this.view;
  }

  // --- Node-level API for readers that build a tree top-down (NAR) ---

  newDir(mode = 0o755): MemDir {
    return { kind: 'dir', ino: this.nextIno++, mode: mode & 0o7777, cached: null, entries: new Map(), sorted: null };
  }

  newFile(data: Uint8Array | ByteSource, mode = 0o644): MemFile {
    const file: MemFile = { kind: 'file', ino: this.nextIno++, mode: mode & 0o7777, cached: null, data };
    this.files.set(file.ino, file);
    return file;
  }

  newSymlink(target: string): MemSymlink {
    return { kind: 'symlink', ino: this.nextIno++, mode: 0o777, cached: null, target };
  }

  /** Puts `node` at `name` in `dir`, replacing a non-directory; refuses to replace a directory by anything else. */
  insert(dir: MemDir, name: string, node: MemNode): void {
    const existing = dir.entries.get(name);
    if (existing !== undefined) {
      if (existing === node) return;
      if (existing.kind === 'dir') {
        throw new TreeError('path_conflict', `${JSON.stringify(name)} is already a directory`);
      }
    } else dir.sorted = null;
    dir.entries.set(name, node);
    this.gen++;
  }

  /** The directory at `path`, created (0755) with its parents if missing. */
  mkdirp(path: string): MemDir {
    const parts = splitTreePath(path);
    return this.mkdirs(parts, parts.length, path);
  }

  // --- Internals ---

  private place(path: string, node: MemNode): void {
    const parts = splitTreePath(path);
    if (parts.length === 0) throw new TreeError('bad_path', `${JSON.stringify(path)} names the root directory`);
    const parent = this.mkdirs(parts, parts.length - 1, path);
    this.insert(parent, parts[parts.length - 1]!, node);
  }

  private mkdirs(parts: string[], count: number, path: string): MemDir {
    let dir = this.root;
    for (let i = 0; i < count; i++) {
      const part = parts[i]!;
      const next = dir.entries.get(part);
      if (next === undefined) {
        const made = this.newDir(0o755);
        this.insert(dir, part, made);
        dir = made;
      } else if (next.kind === 'dir') dir = next;
      else {
        const at = parts.slice(0, i + 1).join('/');
        throw new TreeError('path_conflict', `${JSON.stringify(path)} lies below ${JSON.stringify(at)}, which is a ${next.kind}, not a directory`);
      }
    }
    return dir;
  }

  /** New permission bits for a node (all its names). */
  setMode(node: MemNode, mode: number): void {
    node.mode = mode & 0o7777;
    node.cached = null;
    this.gen++;
  }

  backend(): TreeBackend<MemNode> {
    const tree = this;
    return {
      root: () => tree.root,
      child: (dir, name) => (dir.kind === 'dir' ? (dir.entries.get(name) ?? null) : 'ENOTDIR'),
      kindOf: (node): BackendKind => node.kind,
      linkTarget: (node) => (node.kind === 'symlink' ? node.target : ''),
      stat: (node) => (node.cached ??= tree.statOf(node)),
      names: (dir) => {
        if (dir.kind !== 'dir') return [];
        return (dir.sorted ??= [...dir.entries.keys()].sort(compareNames));
      },
      source: (id: FileId): ByteSource => {
        const file = id.dev === tree.dev ? tree.files.get(id.ino) : undefined;
        if (file === undefined) throw new Error(`no regular file with id ${id.dev}:${id.ino} in this tree`);
        return file.data instanceof Uint8Array ? new MemorySource(file.data) : file.data;
      },
      generation: () => tree.gen,
    };
  }

  private statOf(node: MemNode): Stat {
    const id = { dev: this.dev, ino: node.ino };
    switch (node.kind) {
      case 'dir':
        return { kind: 'dir', id, size: 4096, mode: node.mode };
      case 'file':
        return { kind: 'file', id, size: node.data instanceof Uint8Array ? node.data.length : node.data.size, mode: node.mode };
      case 'symlink':
        return { kind: 'other', id, size: utf8Length(node.target), mode: node.mode };
      case 'other':
        return { kind: 'other', id, size: 0, mode: node.mode };
    }
  }
}
