// An archive's bytes to a Vfs: the compression is picked by magic bytes (gzip 1f 8b, xz
// fd 37 7a 58 5a 00, zstd 28 b5 2f fd), then the format of what is inside: a nix-store --export
// stream (the number 1 then a NAR), a NAR (the string "nix-archive-1"), or tar ("ustar" at byte
// 257, or an old v7 header whose checksum holds). The result is a complete tree or an error with
// a code and an offset in the decompressed bytes: never part of a tree.
import { describeProblem } from '../elf/errors.ts';
import type { Problem } from '../elf/types.ts';
import { decompress, detectCompression, type Compression, type SinkStrategy } from './decompress.ts';
import type { MemNode, MemoryTree } from './memory-tree.ts';
import { isNar, readNar } from './nar.ts';
import { isNixExport, readNixExport, type ExportedPath } from './nix-export.ts';
import type { TreeVfs } from './resolve.ts';
import { looksLikeTar, readTar } from './tar.ts';

export type ArchiveFormat = 'tar' | 'nar' | 'nix-export';

export interface LoadedArchive {
  ok: true;
  vfs: TreeVfs<MemNode>;
  tree: MemoryTree;
  format: ArchiveFormat;
  compression: Compression;
  /** The decompressed archive: every file's bytes are a subarray of it. */
  bytes: Uint8Array;
  /**
   * How the one decompressed buffer got its size: 'declared' by the format, or counted in a
   * first 'two-pass' decode; 'none' for an uncompressed archive (used in place, no copy at all).
   */
  buffer: SinkStrategy | 'none';
  /** nix-export: the store paths with their references and derivers. */
  storePaths: ExportedPath[];
  /** nar: where the NAR's root object is in the tree ('/' for a directory NAR); null otherwise. */
  narRoot: string | null;
}

export type LoadResult = LoadedArchive | { ok: false; error: Problem };

export interface LoadOptions {
  /** Where a NAR whose root is a file or symlink is placed (default '/result'). */
  narFileAt?: string;
}

function hasUstarMagic(b: Uint8Array): boolean {
  return b.length >= 262 && b[257] === 0x75 && b[258] === 0x73 && b[259] === 0x74 && b[260] === 0x61 && b[261] === 0x72;
}

/** Reads an uncompressed archive (tar, NAR or export stream). */
export function readArchive(bytes: Uint8Array, options: LoadOptions = {}): LoadResult {
  const done = (format: ArchiveFormat, tree: MemoryTree, storePaths: ExportedPath[] = [], narRoot: string | null = null): LoadedArchive => ({
    ok: true,
    vfs: tree.vfs(),
    tree,
    format,
    compression: 'none',
    bytes,
    buffer: 'none',
    storePaths,
    narRoot,
  });
  if (isNixExport(bytes)) {
    const r = readNixExport(bytes);
    return r.ok ? done('nix-export', r.tree, r.paths) : r;
  }
  if (isNar(bytes)) {
    const r = readNar(bytes, options.narFileAt);
    return r.ok ? done('nar', r.tree, [], r.root) : r;
  }
  if (hasUstarMagic(bytes) || looksLikeTar(bytes)) {
    const r = readTar(bytes);
    return r.ok ? done('tar', r.tree) : r;
  }
  return { ok: false, error: describeProblem('archive_unknown_format', 0) };
}

/** Decompresses (if needed) and reads an archive. */
export async function loadArchive(bytes: Uint8Array, options: LoadOptions = {}): Promise<LoadResult> {
  const compression = detectCompression(bytes);
  if (compression === 'none') return readArchive(bytes, options);
  const d = await decompress(bytes, compression);
  if (!d.ok) return d;
  const r = readArchive(d.bytes, options);
  return r.ok ? { ...r, compression, buffer: d.strategy } : r;
}
