// What the user dropped (files with their relative paths, a folder, or one closure archive) as
// the workspace's virtual filesystem. One archive on its own is unpacked (tar, compressed tar,
// NAR, nix-store --export); anything else is a tree of loose files placed at `at`. An archive
// among other files is kept as a file, and the workspace says so: nothing is dropped silently.
import type { Problem } from '../elf/types.ts';
import { detectCompression, type Compression } from '../vfs/decompress.ts';
import { droppedFilesVfs, type DroppedFile } from '../vfs/dropped-files.ts';
import { loadArchive, type ArchiveFormat } from '../vfs/load-archive.ts';
import { isNar } from '../vfs/nar.ts';
import { isNixExport, type ExportedPath } from '../vfs/nix-export.ts';
import type { TreeVfs } from '../vfs/resolve.ts';
import { looksLikeTar } from '../vfs/tar.ts';

export type DropSource =
  | {
      kind: 'archive';
      name: string;
      format: ArchiveFormat;
      compression: Compression;
      /** The decompressed archive (file contents are views of it). */
      bytes: Uint8Array;
      /** nix-export: the store paths in stream order, with references and deriver. */
      storePaths: ExportedPath[];
      /** nar: where the NAR's root object is in the tree. */
      narRoot: string | null;
    }
  | { kind: 'files'; at: string; count: number };

export type OpenedDrop =
  | { ok: true; vfs: TreeVfs<object>; source: DropSource; notices: string[] }
  | { ok: false; error: Problem; path: string | null };

/** Is this what loadArchive reads: compressed data, a NAR, an export stream, or a tar? */
export function looksLikeArchive(bytes: Uint8Array): boolean {
  return detectCompression(bytes) !== 'none' || isNar(bytes) || isNixExport(bytes) || looksLikeTar(bytes);
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export async function openDrop(files: DroppedFile[], at = '/'): Promise<OpenedDrop> {
  const only = files.length === 1 ? files[0]! : null;
  if (only && looksLikeArchive(only.bytes)) {
    const loaded = await loadArchive(only.bytes);
    if (!loaded.ok) return { ok: false, error: loaded.error, path: only.path };
    const source: DropSource = {
      kind: 'archive', name: baseName(only.path), format: loaded.format, compression: loaded.compression,
      bytes: loaded.bytes, storePaths: loaded.storePaths, narRoot: loaded.narRoot,
    };
    return { ok: true, vfs: loaded.vfs as TreeVfs<object>, source, notices: [] };
  }
  const tree = droppedFilesVfs(files, at);
  if (!tree.ok) return { ok: false, error: tree.error, path: tree.path };
  const notices = files
    .filter((f) => looksLikeArchive(f.bytes))
    .map((f) => `${f.path} looks like an archive; it was kept as a file because other files came with it. Drop an archive on its own to unpack it.`);
  return { ok: true, vfs: tree.vfs, source: { kind: 'files', at, count: files.length }, notices };
}
