// Shared by the tests of src/core/vfs: a description of a real directory (lstat walk) and of a
// MemoryTree, in one shape so they compare with toEqual; and a seeded byte generator.
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { MemNode, MemoryTree } from '../../src/core/vfs/memory-tree.ts';

export interface EntryDesc {
  kind: 'file' | 'dir' | 'symlink' | 'other';
  mode?: number;
  size?: number;
  sha256?: string;
  target?: string;
  /** Paths sharing one inode get the same group (the first of their paths in sorted order). */
  linkGroup?: string;
}

export function sha256(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}

/** Every entry below `root` (root itself as '.'), by relative path. */
export function describeDir(root: string): Map<string, EntryDesc> {
  const out = new Map<string, EntryDesc>();
  const inodes = new Map<string, string>();
  const visit = (rel: string) => {
    const abs = rel === '.' ? root : join(root, rel);
    const st = lstatSync(abs);
    const mode = st.mode & 0o7777;
    if (st.isSymbolicLink()) out.set(rel, { kind: 'symlink', target: readlinkSync(abs) });
    else if (st.isDirectory()) {
      out.set(rel, { kind: 'dir', mode });
      for (const name of readdirSync(abs).sort()) visit(rel === '.' ? name : `${rel}/${name}`);
    } else if (st.isFile()) {
      const key = `${st.dev}:${st.ino}`;
      const group = inodes.get(key) ?? rel;
      inodes.set(key, group);
      const data = readFileSync(abs);
      out.set(rel, { kind: 'file', mode, size: data.length, sha256: sha256(data), ...(st.nlink > 1 ? { linkGroup: group } : {}) });
    } else out.set(rel, { kind: 'other', mode });
  };
  visit('.');
  return out;
}

/** The same description of a MemoryTree (symlinks not followed). */
export function describeTree(tree: MemoryTree): Map<string, EntryDesc> {
  const out = new Map<string, EntryDesc>();
  const seen = new Map<MemNode, string>();
  const count = new Map<MemNode, number>();
  const countLinks = (dir: MemNode) => {
    if (dir.kind !== 'dir') return;
    for (const child of dir.entries.values()) {
      count.set(child, (count.get(child) ?? 0) + 1);
      if (child.kind === 'dir') countLinks(child);
    }
  };
  countLinks(tree.root);
  const visit = (rel: string, node: MemNode) => {
    switch (node.kind) {
      case 'symlink':
        out.set(rel, { kind: 'symlink', target: node.target });
        return;
      case 'dir':
        out.set(rel, { kind: 'dir', mode: node.mode });
        for (const name of [...node.entries.keys()].sort()) visit(rel === '.' ? name : `${rel}/${name}`, node.entries.get(name)!);
        return;
      case 'file': {
        const data = node.data instanceof Uint8Array ? node.data : undefined;
        if (data === undefined) throw new Error('describeTree expects in-memory files');
        const group = seen.get(node) ?? rel;
        seen.set(node, group);
        out.set(rel, { kind: 'file', mode: node.mode, size: data.length, sha256: sha256(data), ...((count.get(node) ?? 0) > 1 ? { linkGroup: group } : {}) });
        return;
      }
      case 'other':
        out.set(rel, { kind: 'other', mode: node.mode });
    }
  };
  visit('.', tree.root);
  return out;
}

/** Seeded pseudo-random bytes (xorshift32): reproducible file contents. */
export function randomBytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed | 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}
