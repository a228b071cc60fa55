// A NAR and nix-store --export writer for the tests, written from the format's grammar (Nix
// manual, "Nix Archive (NAR) format"; src/libstore/export-import.cc exportPaths) — there is no
// nix binary here. Options let a test break the rules on purpose.
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

export type NarNode =
  | { type: 'regular'; executable?: boolean; contents: Uint8Array | string }
  | { type: 'symlink'; target: string }
  /** Entries in the order given (a test may give them unsorted); use narDir() to sort. */
  | { type: 'directory'; entries: Array<[string, NarNode]> };

const enc = new TextEncoder();

export class Wire {
  private parts: Uint8Array[] = [];
  length = 0;
  num(n: number): this {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, BigInt(n), true);
    return this.raw(b);
  }
  str(s: string | Uint8Array, pad = 0): this {
    const b = typeof s === 'string' ? enc.encode(s) : s;
    this.num(b.length);
    this.raw(b);
    const padding = new Uint8Array((8 - (b.length % 8)) % 8).fill(pad);
    return this.raw(padding);
  }
  raw(b: Uint8Array): this {
    this.parts.push(b);
    this.length += b.length;
    return this;
  }
  bytes(): Uint8Array {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}

export function narDir(entries: Record<string, NarNode>): NarNode {
  const sorted = Object.entries(entries).sort(([a], [b]) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  return { type: 'directory', entries: sorted };
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

/** A directory on disk as a NAR tree (the executable bit from the owner's x bit, as Nix does). */
export function narFromDir(path: string): NarNode {
  const st = lstatSync(path);
  if (st.isSymbolicLink()) return { type: 'symlink', target: readlinkSync(path) };
  if (st.isFile()) return { type: 'regular', executable: (st.mode & 0o100) !== 0, contents: new Uint8Array(readFileSync(path)) };
  const entries: Record<string, NarNode> = {};
  for (const name of readdirSync(path)) entries[name] = narFromDir(join(path, name));
  return narDir(entries);
}

export interface ExportEntry {
  storePath: string;
  nar: Uint8Array;
  references?: string[];
  deriver?: string;
  signature?: string;
  /** Override the export magic (to break it). */
  magic?: number;
  /** Override the signature flag (to break it). */
  signatureFlag?: number;
}

export function writeExport(entries: ExportEntry[]): Uint8Array {
  const w = new Wire();
  for (const e of entries) {
    w.num(1).raw(e.nar).num(e.magic ?? 0x4558494e).str(e.storePath);
    const refs = e.references ?? [];
    w.num(refs.length);
    for (const r of refs) w.str(r);
    w.str(e.deriver ?? '');
    if (e.signature !== undefined) w.num(1).str(e.signature);
    else w.num(e.signatureFlag ?? 0);
  }
  return w.num(0).bytes();
}
