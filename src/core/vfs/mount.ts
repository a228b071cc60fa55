// A Vfs made of a base tree plus trees mounted at absolute paths: the real filesystem at '/' with
// a committed fixture tree at /tmp/stormglass-loader/01-case, or an archive at '/' with nothing
// under it. It is one TreeBackend, so resolve.ts walks across mounts as the kernel does: a mount
// hides what the base has at and below its mount point, '..' of a mounted root goes back to the
// mount point's parent, and an absolute symlink target inside a mounted tree starts from the root
// of the whole Vfs. Mount points are taken literally: directories on the way that the base lacks
// are made up (0755, as `mkdir -p` would) and merged with what the base has there; a base entry
// that is not a directory (a symlink included) is hidden by them.
//
// File identity: the base keeps its ids; every mount gets st_dev values of its own (one fresh
// synthetic dev per st_dev of the mounted tree), so two files are one file only if they are one
// node of one tree, as across real mounts.
//
// Mode overrides: git cannot store set-uid bits, so fixtures declare them and the Vfs applies
// them: each overridden path is resolved once (following symlinks, as chmod(2) does), and the
// file it names reports the given permission bits under every name (hard links included).
import type { ByteSource } from '../engine/engine.ts';
import { allocateDev, MemoryTree, compareNames } from './memory-tree.ts';
import { TreeVfs, type BackendKind, type TreeBackend } from './resolve.ts';
import type { Errno, FileId, Stat, Vfs } from './types.ts';

interface Layer {
  readonly backend: TreeBackend<object>;
  /** st_dev of the mounted tree -> st_dev seen through the mount; null for the base (ids kept). */
  readonly devs: Map<number, number> | null;
  readonly wrappers: Map<object, MountNode>;
}

interface Trie {
  readonly children: Map<string, Trie>;
  mount: Layer | null;
  node: MountNode | null;
}

/** A node of the mounted view: a node of one layer, or a made-up directory on the way to a mount point. */
export interface MountNode {
  readonly layer: Layer;
  /** The layer's node; null for a made-up directory. */
  readonly inner: object | null;
  /** Set on the path to a mount point: the mounts below this directory. */
  readonly trie: Trie | null;
  stat: Stat | null;
  statGeneration: number;
}

export interface Mount {
  /** Absolute mount point, e.g. '/tmp/stormglass-loader/01-case' or '/'. */
  at: string;
  /** A Vfs made here (memory tree, archive, real filesystem or another mount): a TreeVfs. */
  tree: Vfs;
}

/** The backend of a Vfs made by this module's siblings; others cannot be walked name by name. */
function treeOf(vfs: Vfs): TreeVfs<object> {
  if (vfs instanceof TreeVfs) return vfs as TreeVfs<object>;
  throw new Error('mountVfs: only a Vfs made by src/core/vfs (memory tree, archive, real filesystem, mount) can be mounted');
}

export interface MountOptions {
  /** Permission bits (st_mode & 0o7777, e.g. 0o4755) of chosen paths of the mounted view. */
  modes?: Iterable<[string, number]> | Record<string, number>;
}

function mountParts(at: string): string[] {
  if (!at.startsWith('/')) throw new Error(`mount point ${JSON.stringify(at)} is not absolute`);
  const parts = at.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw new Error(`mount point ${JSON.stringify(at)} has a '..' component`);
  return parts;
}

class MountBackend implements TreeBackend<MountNode> {
  private readonly layers: Layer[] = [];
  private readonly rootTrie: Trie = { children: new Map(), mount: null, node: null };
  private readonly mountedDevs = new Map<number, { layer: Layer; dev: number }>();
  private readonly syntheticDev = allocateDev();
  private nextSyntheticIno = 1;
  readonly modes = new Map<MountNode, number>();
  private readonly base: Layer;

  constructor(base: TreeVfs<object>, mounts: Mount[]) {
    this.base = this.layer(base, true);
    for (const m of mounts) {
      let trie = this.rootTrie;
      for (const part of mountParts(m.at)) {
        let next = trie.children.get(part);
        if (next === undefined) {
          next = { children: new Map(), mount: null, node: null };
          trie.children.set(part, next);
        }
        trie = next;
      }
      // A later mount at the same point hides an earlier one, as mounting over a mount does.
      trie.mount = this.layer(treeOf(m.tree), false);
    }
  }

  private layer(vfs: TreeVfs<object>, isBase: boolean): Layer {
    const layer: Layer = { backend: vfs.backend, devs: isBase ? null : new Map(), wrappers: new Map() };
    this.layers.push(layer);
    return layer;
  }

  root(): MountNode {
    const t = this.rootTrie;
    if (t.node === null) {
      const layer = t.mount ?? this.base;
      t.node = this.make(layer, layer.backend.root(), t);
    }
    return t.node;
  }

  child(dir: MountNode, name: string): MountNode | null | Errno {
    const t = dir.trie?.children.get(name);
    if (t !== undefined) return this.onTheWay(dir, name, t);
    if (dir.inner === null) return null;
    const found = dir.layer.backend.child(dir.inner, name);
    if (found === null || typeof found === 'string') return found;
    return this.wrap(dir.layer, found);
  }

  /** The node at a mount point, or a directory on the way to one. */
  private onTheWay(dir: MountNode, name: string, t: Trie): MountNode {
    if (t.node === null) {
      if (t.mount !== null) t.node = this.make(t.mount, t.mount.backend.root(), t);
      else {
        let inner: object | null = null;
        if (dir.inner !== null) {
          const found = dir.layer.backend.child(dir.inner, name);
          if (found !== null && typeof found !== 'string' && dir.layer.backend.kindOf(found) === 'dir') inner = found;
        }
        t.node = this.make(dir.layer, inner, t);
      }
    }
    return t.node;
  }

  private wrap(layer: Layer, inner: object): MountNode {
    let node = layer.wrappers.get(inner);
    if (node === undefined) {
      node = this.make(layer, inner, null);
      layer.wrappers.set(inner, node);
    }
    return node;
  }

  private make(layer: Layer, inner: object | null, trie: Trie | null): MountNode {
    return { layer, inner, trie, stat: null, statGeneration: -1 };
  }

  kindOf(node: MountNode): BackendKind {
    return node.inner === null ? 'dir' : node.layer.backend.kindOf(node.inner);
  }

  linkTarget(node: MountNode): string {
    return node.inner === null ? '' : node.layer.backend.linkTarget(node.inner);
  }

  stat(node: MountNode): Stat {
    const generation = this.generation();
    if (node.stat !== null && node.statGeneration === generation) return node.stat;
    let stat: Stat;
    if (node.inner === null) {
      const ino = node.stat?.id.ino ?? this.nextSyntheticIno++;
      stat = { kind: 'dir', id: { dev: this.syntheticDev, ino }, size: 4096, mode: 0o755 };
    } else {
      const inner = node.layer.backend.stat(node.inner);
      const id = node.layer.devs === null ? inner.id : { dev: this.mountedDev(node.layer, inner.id.dev), ino: inner.id.ino };
      stat = { kind: inner.kind, id, size: inner.size, mode: this.modes.get(node) ?? inner.mode };
    }
    node.stat = stat;
    node.statGeneration = generation;
    return stat;
  }

  private mountedDev(layer: Layer, dev: number): number {
    let mapped = layer.devs!.get(dev);
    if (mapped === undefined) {
      mapped = allocateDev();
      layer.devs!.set(dev, mapped);
      this.mountedDevs.set(mapped, { layer, dev });
    }
    return mapped;
  }

  names(dir: MountNode): Iterable<string> {
    const names = new Set<string>();
    if (dir.inner !== null && dir.layer.backend.kindOf(dir.inner) === 'dir') {
      for (const n of dir.layer.backend.names(dir.inner)) names.add(n);
    }
    if (dir.trie !== null) for (const n of dir.trie.children.keys()) names.add(n);
    return [...names].sort(compareNames);
  }

  source(id: FileId): ByteSource {
    const mounted = this.mountedDevs.get(id.dev);
    if (mounted !== undefined) return mounted.layer.backend.source({ dev: mounted.dev, ino: id.ino });
    return this.base.backend.source(id);
  }

  generation(): number {
    let g = 0;
    for (const layer of this.layers) g += layer.backend.generation?.() ?? 0;
    return g;
  }
}

/**
 * `base` (null: an empty root) with each of `mounts` on top, later mounts over earlier ones, and
 * the mode overrides of `options.modes`. Throws if an overridden path does not resolve.
 */
export function mountVfs(base: Vfs | null, mounts: Mount[], options: MountOptions = {}): TreeVfs<MountNode> {
  const backend = new MountBackend(treeOf(base ?? new MemoryTree().vfs()), mounts);
  const vfs = new TreeVfs<MountNode>(backend);
  const modes = options.modes === undefined ? [] : Symbol.iterator in options.modes ? options.modes : Object.entries(options.modes);
  for (const [path, mode] of modes as Iterable<[string, number]>) {
    const found = vfs.resolve(path, '/');
    if (!found.ok) throw new Error(`mode override for ${path}: ${found.errno}`);
    backend.modes.set(found.node, mode & 0o7777);
    found.node.stat = null;
  }
  return vfs;
}
