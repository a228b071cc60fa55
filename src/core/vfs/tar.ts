// tar archives (POSIX ustar, GNU, pax; and old v7 headers) into a MemoryTree. File contents are
// subarrays of the archive's bytes, never copies. A load gives a complete tree or an error with
// its code and the byte offset of the header (or pax record) at fault: never part of a tree.
//
// Member names are made relative the way GNU tar extracts them: leading '/' is dropped ("Removing
// leading `/' from member names"), and so are '.' and empty components ("./a//b" is "a/b"), but
// a name with a '..' component is refused (archive_path_escape) instead of being skipped, since a
// tree missing a member is not the archive. Hard link targets are names of the archive and follow
// the same rules; symlink targets are kept verbatim (the Vfs resolves them inside its root).
// Names are decoded as UTF-8.
//
// Headers: ustar (name, prefix), GNU 'L' long names and 'K' long link names, pax 'x' (this
// member) and 'g' (all later members) records path, linkpath and size; numbers in octal or GNU
// base-256; the checksum is verified (unsigned sum, or the signed one old tars wrote). Types 1
// hard link, 2 symlink, 3/4/6 device and FIFO nodes, 5 directory, 0/7/others regular file (as
// POSIX says of unknown types); GNU sparse ('S', GNU.sparse.*) and multi-volume ('M') members are
// refused (archive_unsupported_entry). Header-only types (1-6) carry no data, as in Go's
// archive/tar. The archive ends at its first all-zero block.
import { describeProblem, type ErrorCode } from '../elf/errors.ts';
import type { Problem } from '../elf/types.ts';
import { MemoryTree, TreeError, splitTreePath } from './memory-tree.ts';

export const BLOCK = 512;

export type TreeResult = { ok: true; tree: MemoryTree; entries: number } | { ok: false; error: Problem };

export class TarError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly offset: number,
    detail: string,
  ) {
    super(detail);
  }
}

const utf8 = new TextDecoder('utf-8');

/** The NUL-terminated string of a header field. */
function field(h: Uint8Array, start: number, length: number): string {
  let end = start;
  while (end < start + length && h[end] !== 0) end++;
  return utf8.decode(h.subarray(start, end));
}

/** A numeric field: octal digits (leading spaces, ended by NUL or space) or GNU base-256. */
export function readNumber(h: Uint8Array, start: number, length: number, at: number, what: string): number {
  const first = h[start]!;
  if (first & 0x80) {
    if (first === 0xff) throw new TarError('archive_entry_too_large', at, `negative ${what} (base-256)`);
    let value = first & 0x7f;
    for (let i = start + 1; i < start + length; i++) {
      value = value * 256 + h[i]!;
      if (value > Number.MAX_SAFE_INTEGER) throw new TarError('archive_entry_too_large', at, `${what} over 2^53 (base-256)`);
    }
    return value;
  }
  let i = start;
  const end = start + length;
  while (i < end && h[i] === 0x20) i++;
  let value = 0;
  for (; i < end; i++) {
    const c = h[i]!;
    if (c === 0 || c === 0x20) break;
    if (c < 0x30 || c > 0x37) throw new TarError('archive_bad_header', at, `${what} field is not octal`);
    value = value * 8 + (c - 0x30);
  }
  for (; i < end; i++) {
    if (h[i] !== 0 && h[i] !== 0x20) throw new TarError('archive_bad_header', at, `${what} field has bytes after its number`);
  }
  return value;
}

function checksumOk(h: Uint8Array, at: number): boolean {
  const stored = readNumber(h, 148, 8, at, 'checksum');
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : h[i]!;
    unsigned += b;
    signed += b >= 0x80 ? b - 0x100 : b;
  }
  return stored === unsigned || stored === signed;
}

/** True if the 512-byte block at `at` is a tar header with a valid checksum (format sniffing). */
export function looksLikeTar(bytes: Uint8Array): boolean {
  if (bytes.length < BLOCK) return false;
  const h = bytes.subarray(0, BLOCK);
  if (h.every((b) => b === 0)) return false;
  try {
    return checksumOk(h, 0);
  } catch {
    return false;
  }
}

function isZeroBlock(h: Uint8Array): boolean {
  for (let i = 0; i < BLOCK; i++) if (h[i] !== 0) return false;
  return true;
}

/** pax extended header records: "<len> <key>=<value>\n", len counting the whole record. */
function parsePax(data: Uint8Array, at: number): Map<string, string> {
  const records = new Map<string, string>();
  let pos = 0;
  while (pos < data.length) {
    // Some writers pad the data with NULs: the records end at the first one.
    if (data[pos] === 0) break;
    let len = 0;
    let i = pos;
    while (i < data.length && data[i]! >= 0x30 && data[i]! <= 0x39 && i - pos < 16) len = len * 10 + (data[i++]! - 0x30);
    const bad = (why: string) => new TarError('archive_bad_pax', at + pos, why);
    if (i === pos || data[i] !== 0x20) throw bad('record length is not a decimal number followed by a space');
    if (len < i - pos + 3 || pos + len > data.length) throw bad('record length runs past the extended header');
    if (data[pos + len - 1] !== 0x0a) throw bad('record does not end with a newline');
    const body = data.subarray(i + 1, pos + len - 1);
    const eq = body.indexOf(0x3d);
    if (eq <= 0) throw bad('record has no keyword=value');
    const key = utf8.decode(body.subarray(0, eq));
    if (key.startsWith('GNU.sparse.')) throw new TarError('archive_unsupported_entry', at + pos, 'GNU sparse file (pax)');
    records.set(key, utf8.decode(body.subarray(eq + 1)));
    pos += len;
  }
  return records;
}

function paxSize(value: string, at: number): number {
  if (!/^[0-9]+$/.test(value)) throw new TarError('archive_bad_pax', at, 'size is not a decimal number');
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new TarError('archive_entry_too_large', at, 'pax size over 2^53');
  return n;
}

const TREE_CODES: Record<TreeError['reason'], ErrorCode> = {
  path_escape: 'archive_path_escape',
  path_conflict: 'archive_path_conflict',
  link_target_missing: 'archive_link_target_missing',
  bad_path: 'archive_path_conflict',
};

/** Reads a whole tar archive (uncompressed) into a new MemoryTree. */
export function readTar(bytes: Uint8Array): TreeResult {
  try {
    return readTarOrThrow(bytes);
  } catch (error) {
    if (error instanceof TarError) return { ok: false, error: describeProblem(error.code, error.offset) };
    throw error;
  }
}

/** One member of a tar archive, with the byte ranges a rewriter needs. */
export interface TarMember {
  /** Offset of the first block of this member: its GNU/pax extension headers, if any. */
  start: number;
  /** Offset of the member's own header block. */
  header: number;
  /** Offset just past the member's data and padding (the next member's start). */
  end: number;
  type: string;
  name: string;
  link: string;
  mode: number;
  data: Uint8Array;
  /** True when a pax record gave the size (a rewriter must then rewrite that record too). */
  paxSize: boolean;
}

/**
 * The members of a tar archive in order, with extension headers folded into the member they
 * describe. Throws TarError at the first fault; returns the offset of the end-of-archive block.
 */
export function* tarMembers(bytes: Uint8Array): Generator<TarMember, number> {
  const global = new Map<string, string>();
  let local: Map<string, string> | null = null;
  let longName: string | null = null;
  let longLink: string | null = null;
  let start = 0;
  let off = 0;
  for (;;) {
    if (off + BLOCK > bytes.length) throw new TarError('archive_truncated', off, 'archive ends before its end-of-archive block');
    const h = bytes.subarray(off, off + BLOCK);
    if (isZeroBlock(h)) break;
    if (!checksumOk(h, off)) throw new TarError('archive_bad_checksum', off, 'header checksum mismatch');
    const type = h[156] === 0 ? '0' : String.fromCharCode(h[156]!);
    const headerOnly = type >= '1' && type <= '6';
    const paxSizeValue = local?.get('size') ?? global.get('size');
    const fromPax = paxSizeValue !== undefined && paxSizeValue !== '';
    const size = fromPax ? paxSize(paxSizeValue, off) : readNumber(h, 124, 12, off, 'size');
    const dataStart = off + BLOCK;
    const dataSize = headerOnly ? 0 : size;
    if (dataSize > bytes.length - dataStart) throw new TarError('archive_truncated', off, 'member data runs past the end');
    const next = dataStart + Math.ceil(dataSize / BLOCK) * BLOCK;
    if (next > bytes.length) throw new TarError('archive_truncated', off, 'member padding runs past the end');
    const data = bytes.subarray(dataStart, dataStart + dataSize);
    const at = off;
    off = next;

    switch (type) {
      case 'L':
        longName = field(data, 0, data.length);
        continue;
      case 'K':
        longLink = field(data, 0, data.length);
        continue;
      case 'x':
        local = parsePax(data, dataStart);
        continue;
      case 'g':
        for (const [k, v] of parsePax(data, dataStart)) {
          if (v === '') global.delete(k);
          else global.set(k, v);
        }
        continue;
      case 'V': // GNU volume label: names the archive, not a member
        continue;
      case 'S':
      case 'M':
        throw new TarError('archive_unsupported_entry', at, type === 'S' ? 'GNU sparse file' : 'GNU multi-volume continuation');
    }

    const magic = field(h, 257, 6);
    const version = String.fromCharCode(h[263]!, h[264]!);
    let name = field(h, 0, 100);
    if (magic === 'ustar' && version === '00') {
      const prefix = field(h, 345, 155);
      if (prefix !== '') name = prefix + '/' + name;
    }
    const paxPath = local?.get('path') ?? global.get('path');
    if (paxPath !== undefined && paxPath !== '') name = paxPath;
    else if (longName !== null) name = longName;
    let link = field(h, 157, 100);
    const paxLink = local?.get('linkpath') ?? global.get('linkpath');
    if (paxLink !== undefined && paxLink !== '') link = paxLink;
    else if (longLink !== null) link = longLink;
    local = null;
    longName = null;
    longLink = null;

    const mode = readNumber(h, 100, 8, at, 'mode') & 0o7777;
    yield { start, header: at, end: next, type, name, link, mode, data, paxSize: fromPax };
    start = next;
  }
  if (local !== null || longName !== null || longLink !== null) {
    throw new TarError('archive_truncated', off, 'an extended header is not followed by its member');
  }
  return off;
}

function readTarOrThrow(bytes: Uint8Array): TreeResult {
  const tree = new MemoryTree();
  let entries = 0;
  for (const member of tarMembers(bytes)) {
    entries++;
    try {
      addMember(tree, member.type, member.name, member.link, member.mode, member.data);
    } catch (error) {
      if (error instanceof TreeError) throw new TarError(TREE_CODES[error.reason], member.header, error.message);
      throw error;
    }
  }
  return { ok: true, tree, entries };
}

function addMember(tree: MemoryTree, type: string, name: string, link: string, mode: number, data: Uint8Array): void {
  const parts = splitTreePath(name);
  const path = parts.join('/');
  switch (type) {
    case '1':
      tree.addHardLink(path, splitTreePath(link).join('/'));
      return;
    case '2':
      tree.addSymlink(path, link);
      return;
    case '3':
    case '4':
    case '6':
      tree.addSpecial(path, mode);
      return;
    case '5':
    case 'D': // GNU dumpdir: a directory whose data lists its entries
      tree.addDir(path, mode);
      return;
    default:
      // Old tars wrote directories as regular members whose name ends in '/'.
      if (type === '0' && name.endsWith('/')) tree.addDir(path, mode);
      else tree.addFile(path, data, mode);
  }
}
