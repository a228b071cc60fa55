// Writing NARs and nix-store --export streams, from the format's grammar (Nix manual, "Nix Archive
// (NAR) format"; src/libstore/export-import.cc exportPaths): every number a u64 little-endian,
// every string its length then its bytes zero-padded to 8. A noted closure that came as a NAR or
// an export stream goes back out in the same form; the tests use the same writer (with its
// override knobs) to make hand-broken archives.
import { concatBytes } from '../bytes.ts';
import { compareNames } from './memory-tree.ts';
import type { TreeVfs } from './resolve.ts';
import { readWhole } from '../engine/engine.ts';
import { EXPORT_MAGIC } from './nix-export.ts';

export type NarNode =
  | { type: 'regular'; executable?: boolean; contents: Uint8Array | string }
  | { type: 'symlink'; target: string }
  /** Entries in the order given; a NAR must have them sorted (narDir sorts). */
  | { type: 'directory'; entries: Array<[string, NarNode]> };

const utf8 = new TextEncoder();

export class Wire {
  private parts: Uint8Array[] = [];
  num(n: number): this {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, BigInt(n), true);
    return this.raw(b);
  }
  str(s: string | Uint8Array, pad = 0): this {
    const b = typeof s === 'string' ? utf8.encode(s) : s;
    this.num(b.length);
    this.raw(b);
    return this.raw(new Uint8Array((8 - (b.length % 8)) % 8).fill(pad));
  }
  raw(b: Uint8Array): this {
    this.parts.push(b);
    return this;
  }
  bytes(): Uint8Array {
    return concatBytes(this.parts);
  }
}

/** A directory node with its entries in NAR order (bytewise by name). */
export function narDir(entries: Record<string, NarNode>): NarNode {
  return { type: 'directory', entries: Object.entries(entries).sort(([a], [b]) => compareNames(a, b)) };
}

function writeNode(w: Wire, node: NarNode): void {
  w.str('(').str('type');
  if (node.type === 'regular') {
    w.str('regular');
    if (node.executable) w.str('executable').str('');
    w.str('contents').str(node.contents);
  } else if (node.type === 'symlink') {
    w.str('symlink').str('target').str(node.target);
  } else {
    w.str('directory');
    for (const [name, child] of node.entries) {
      w.str('entry').str('(').str('name').str(name).str('node');
      writeNode(w, child);
      w.str(')');
    }
  }
  w.str(')');
}

export function writeNar(node: NarNode): Uint8Array {
  const w = new Wire().str('nix-archive-1');
  writeNode(w, node);
  return w.bytes();
}

/**
 * The NAR tree of the entry at `path` (not following a symlink there). A NAR has no modes but
 * "executable", which Nix sets from the owner's x bit; special files cannot be in a NAR and are
 * returned in `skipped`.
 */
export function narOfTree(vfs: TreeVfs<object>, path: string): { node: NarNode; skipped: string[] } {
  const b = vfs.backend;
  const skipped: string[] = [];
  const walked = vfs.resolve(path.slice(0, path.lastIndexOf('/')) || '/');
  if (!walked.ok) throw new Error(`${path}: ${walked.errno}`);
  const name = path.slice(path.lastIndexOf('/') + 1);
  const start = name === '' ? walked.node : b.child(walked.node, name);
  if (start === null || typeof start === 'string') throw new Error(`${path}: not in the tree`);
  const convert = (node: object, at: string): NarNode | null => {
    switch (b.kindOf(node)) {
      case 'symlink':
        return { type: 'symlink', target: b.linkTarget(node) };
      case 'file': {
        const stat = b.stat(node);
        return { type: 'regular', executable: (stat.mode & 0o100) !== 0, contents: readWhole(b.source(stat.id)) };
      }
      case 'dir': {
        const entries: Array<[string, NarNode]> = [];
        for (const entry of b.names(node)) {
          const child = b.child(node, entry);
          if (child === null || typeof child === 'string') continue;
          const converted = convert(child, `${at === '/' ? '' : at}/${entry}`);
          if (converted) entries.push([entry, converted]);
        }
        return { type: 'directory', entries };
      }
      default:
        skipped.push(at);
        return null;
    }
  };
  const node = convert(start, path);
  if (!node) throw new Error(`${path}: a special file cannot be a NAR`);
  return { node, skipped };
}

export interface ExportEntry {
  storePath: string;
  nar: Uint8Array;
  references?: string[];
  deriver?: string;
  signature?: string;
  /** Tests only: another export magic, to break the stream. */
  magic?: number;
  /** Tests only: another signature flag, to break the stream. */
  signatureFlag?: number;
}

export function writeExport(entries: ExportEntry[]): Uint8Array {
  const w = new Wire();
  for (const e of entries) {
    w.num(1).raw(e.nar).num(e.magic ?? EXPORT_MAGIC).str(e.storePath);
    const refs = e.references ?? [];
    w.num(refs.length);
    for (const r of refs) w.str(r);
    w.str(e.deriver ?? '');
    if (e.signature !== undefined) w.num(1).str(e.signature);
    else w.num(e.signatureFlag ?? 0);
  }
  return w.num(0).bytes();
}
