// Nix archives (NAR) into a MemoryTree. The format (Nix manual, "Nix Archive (NAR) format";
// src/libutil/archive.cc parseDump) is a sequence of strings, each a 64-bit little-endian length
// and the bytes, zero-padded to a multiple of 8:
//   nar = "nix-archive-1" obj
//   obj = "(" "type" ( "regular" ["executable" ""] "contents" <bytes>
//                    | "symlink" "target" <target>
//                    | "directory" { "entry" "(" "name" <name> "node" obj ")" } ) ")"
// Validation is Nix's, strict: exact tags in this order, zero padding, entry names non-empty,
// not '.' or '..', without '/' or NUL, and strictly increasing in byte order (which also refuses
// duplicates). File contents are subarrays of the input. Modes are the store's: 0444 or 0555 for
// files, 0555 for directories. Parsing is iterative, so deep nesting cannot overflow the stack.
import { describeProblem, type ErrorCode } from '../elf/errors.ts';
import type { Problem } from '../elf/types.ts';
import { MemoryTree, TreeError, type MemDir, type MemNode } from './memory-tree.ts';

export class ArchiveError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly offset: number,
    detail: string,
  ) {
    super(detail);
  }
}

const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
export const NAR_MAGIC = ascii('nix-archive-1');
const T = {
  open: ascii('('),
  close: ascii(')'),
  type: ascii('type'),
  regular: ascii('regular'),
  symlink: ascii('symlink'),
  directory: ascii('directory'),
  executable: ascii('executable'),
  contents: ascii('contents'),
  target: ascii('target'),
  entry: ascii('entry'),
  name: ascii('name'),
  node: ascii('node'),
};

const utf8 = new TextDecoder('utf-8');

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** Reads the framing shared by NARs and export streams: u64 numbers and padded strings. */
export class WireReader {
  pos: number;
  constructor(
    readonly bytes: Uint8Array,
    start: number,
    /** Code for a malformed (not truncated) value: archive_bad_nar or archive_bad_export. */
    public badCode: ErrorCode,
  ) {
    this.pos = start;
  }

  u64(): number {
    const at = this.pos;
    if (this.bytes.length - at < 8) throw new ArchiveError('archive_truncated', at, 'ends inside a number');
    const b = this.bytes;
    const lo = (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
    const hi = (b[at + 4]! | (b[at + 5]! << 8) | (b[at + 6]! << 16) | (b[at + 7]! << 24)) >>> 0;
    if (hi > 0x1fffff) throw new ArchiveError('archive_entry_too_large', at, 'number over 2^53');
    this.pos = at + 8;
    return hi * 2 ** 32 + lo;
  }

  /** A padded string's bytes (a subarray of the input). */
  bytesString(): Uint8Array {
    const at = this.pos;
    const len = this.u64();
    const padded = len + ((8 - (len % 8)) % 8);
    if (padded > this.bytes.length - this.pos) throw new ArchiveError('archive_truncated', at, 'string runs past the end');
    const value = this.bytes.subarray(this.pos, this.pos + len);
    for (let i = this.pos + len; i < this.pos + padded; i++) {
      if (this.bytes[i] !== 0) throw new ArchiveError(this.badCode, i, 'non-zero padding');
    }
    this.pos += padded;
    return value;
  }

  string(): string {
    return utf8.decode(this.bytesString());
  }

  expect(tag: Uint8Array, what: string): void {
    const at = this.pos;
    if (!equal(this.bytesString(), tag)) throw new ArchiveError(this.badCode, at, `expected ${what}`);
  }

  /** The next string, which must be one of `tags`; returns its index. */
  oneOf(tags: Uint8Array[], what: string): number {
    const at = this.pos;
    const s = this.bytesString();
    const i = tags.findIndex((t) => equal(s, t));
    if (i < 0) throw new ArchiveError(this.badCode, at, `expected ${what}`);
    return i;
  }
}

function badName(name: Uint8Array): boolean {
  if (name.length === 0) return true;
  if (name[0] === 0x2e && (name.length === 1 || (name.length === 2 && name[1] === 0x2e))) return true;
  return name.includes(0x2f) || name.includes(0);
}

interface Frame {
  dir: MemDir;
  prev: Uint8Array | null;
  name: string;
}

/**
 * Parses one NAR object (after the magic) at `r.pos` into nodes of `tree`. If the object is a
 * directory and `rootDir` is given, its entries go into `rootDir` (which gets its mode).
 */
export function readNarObject(r: WireReader, tree: MemoryTree, rootDir: MemDir | null): MemNode {
  const stack: Frame[] = [];
  for (;;) {
    // An object starts at r.pos.
    r.expect(T.open, '"("');
    r.expect(T.type, '"type"');
    let done: MemNode | null = null;
    switch (r.oneOf([T.regular, T.symlink, T.directory], '"regular", "symlink" or "directory"')) {
      case 0: {
        let executable = false;
        if (r.oneOf([T.executable, T.contents], '"executable" or "contents"') === 0) {
          const at = r.pos;
          if (r.bytesString().length !== 0) throw new ArchiveError('archive_bad_nar', at, 'executable marker has a non-empty value');
          executable = true;
          r.expect(T.contents, '"contents"');
        }
        done = tree.newFile(r.bytesString(), executable ? 0o555 : 0o444);
        r.expect(T.close, '")"');
        break;
      }
      case 1:
        r.expect(T.target, '"target"');
        done = tree.newSymlink(r.string());
        r.expect(T.close, '")"');
        break;
      default: {
        let dir: MemDir;
        if (stack.length === 0 && rootDir !== null) {
          dir = rootDir;
          tree.setMode(dir, 0o555);
        } else dir = tree.newDir(0o555);
        stack.push({ dir, prev: null, name: '' });
      }
    }
    // Deliver finished nodes to their directories, and read directory entries until the next object.
    for (;;) {
      if (done !== null) {
        const parent = stack[stack.length - 1];
        if (parent === undefined) return done;
        insertEntry(tree, parent, done, r.pos);
        r.expect(T.close, '")" closing the entry');
        done = null;
      }
      const top = stack[stack.length - 1]!;
      if (r.oneOf([T.close, T.entry], '"entry" or ")"') === 0) {
        stack.pop();
        done = top.dir;
        continue;
      }
      r.expect(T.open, '"("');
      r.expect(T.name, '"name"');
      const at = r.pos;
      const name = r.bytesString();
      if (badName(name)) throw new ArchiveError('archive_bad_nar', at, 'invalid entry name');
      if (top.prev !== null && compareBytes(name, top.prev) <= 0) {
        throw new ArchiveError('archive_bad_nar', at, 'directory entries are not sorted, or repeat a name');
      }
      top.prev = name;
      top.name = utf8.decode(name);
      if (top.dir.entries.has(top.name)) throw new ArchiveError('archive_bad_nar', at, 'two names decode to one');
      r.expect(T.node, '"node"');
      break; // parse the entry's object
    }
  }
}

function insertEntry(tree: MemoryTree, frame: Frame, node: MemNode, at: number): void {
  try {
    tree.insert(frame.dir, frame.name, node);
  } catch (error) {
    if (error instanceof TreeError) throw new ArchiveError('archive_bad_nar', at, error.message);
    throw error;
  }
}

/** `root`: where the NAR's root object sits in the tree: '/' for a directory, else the file's place. */
export type NarResult = { ok: true; tree: MemoryTree; root: string } | { ok: false; error: Problem };

export function problemOf(error: unknown): Problem {
  if (error instanceof ArchiveError) return describeProblem(error.code, error.offset);
  throw error;
}

/** True if `bytes` starts with the NAR magic string. */
export function isNar(bytes: Uint8Array, at = 0): boolean {
  if (bytes.length - at < 24 || bytes[at] !== 13) return false;
  for (let i = 1; i < 8; i++) if (bytes[at + i] !== 0) return false;
  return equal(bytes.subarray(at + 8, at + 21), NAR_MAGIC);
}

/**
 * Reads a whole NAR (nix-store --dump, a binary cache's .nar) into a new MemoryTree: a directory
 * becomes the root; a file or symlink is placed at `fileAt` (default '/result'). Bytes after the
 * NAR are an error.
 */
export function readNar(bytes: Uint8Array, fileAt = '/result'): NarResult {
  try {
    const tree = new MemoryTree();
    const r = new WireReader(bytes, 0, 'archive_bad_nar');
    r.expect(NAR_MAGIC, '"nix-archive-1"');
    const node = readNarObject(r, tree, tree.root);
    if (node !== tree.root) {
      const slash = fileAt.lastIndexOf('/');
      const parent = tree.mkdirp(fileAt.slice(0, slash));
      tree.insert(parent, fileAt.slice(slash + 1), node);
    }
    if (r.pos !== bytes.length) throw new ArchiveError('archive_bad_nar', r.pos, 'bytes after the end of the archive');
    return { ok: true, tree, root: node === tree.root ? '/' : fileAt };
  } catch (error) {
    return { ok: false, error: problemOf(error) };
  }
}
