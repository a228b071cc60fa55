// `nix-store --export` streams into one MemoryTree, each NAR at its store path, so
// /nix/store/<hash>-<name>/... resolves (and symlinks between store paths work). The framing is
// Nix's exportPaths / exportPath (src/libstore/export-import.cc), every number a u64 little-endian
// and every string padded as in a NAR:
//   stream = { 1, nar, 0x4558494e (exportMagic), storePath, references (count, paths),
//              deriver ("" for none), 0 | 1 signature } 0
// where a signature flag of 1 is followed by a (legacy) signature string, as importPaths reads it.
// A repeated store path, a path that is not absolute and normalized, or bytes after the final 0
// are errors (archive_bad_export).
import type { Problem } from '../elf/types.ts';
import { MemoryTree, TreeError } from './memory-tree.ts';
import { ArchiveError, isNar, NAR_MAGIC, problemOf, readNarObject, WireReader } from './nar.ts';

export const EXPORT_MAGIC = 0x4558494e;

export interface ExportedPath {
  storePath: string;
  references: string[];
  /** '' when the path has no deriver. */
  deriver: string;
  /** Offset of the NAR in the stream. */
  narOffset: number;
}

export type ExportResult = { ok: true; tree: MemoryTree; paths: ExportedPath[] } | { ok: false; error: Problem };

/** True if `bytes` looks like an export stream: the number 1, then a NAR. */
export function isNixExport(bytes: Uint8Array): boolean {
  if (bytes.length < 32 || bytes[0] !== 1) return false;
  for (let i = 1; i < 8; i++) if (bytes[i] !== 0) return false;
  return isNar(bytes, 8);
}

function validStorePath(p: string): boolean {
  if (!p.startsWith('/') || p.length < 2 || p.endsWith('/') || p.includes('\0')) return false;
  return p
    .slice(1)
    .split('/')
    .every((c) => c !== '' && c !== '.' && c !== '..');
}

export function readNixExport(bytes: Uint8Array): ExportResult {
  try {
    const tree = new MemoryTree();
    const paths: ExportedPath[] = [];
    const r = new WireReader(bytes, 0, 'archive_bad_export');
    for (;;) {
      const at = r.pos;
      const more = r.u64();
      if (more === 0) break;
      if (more !== 1) throw new ArchiveError('archive_bad_export', at, 'expected 1 (another path) or 0 (end)');
      const narOffset = r.pos;
      r.badCode = 'archive_bad_nar';
      r.expect(NAR_MAGIC, '"nix-archive-1"');
      const node = readNarObject(r, tree, null);
      r.badCode = 'archive_bad_export';
      const magicAt = r.pos;
      if (r.u64() !== EXPORT_MAGIC) throw new ArchiveError('archive_bad_export', magicAt, 'missing export magic 0x4558494e');
      const pathAt = r.pos;
      const storePath = r.string();
      if (!validStorePath(storePath)) throw new ArchiveError('archive_bad_export', pathAt, 'store path is not absolute and normalized');
      const references: string[] = [];
      for (let n = r.u64(); n > 0; n--) references.push(r.string());
      const deriver = r.string();
      const sigAt = r.pos;
      const signed = r.u64();
      if (signed === 1) r.string();
      else if (signed !== 0) throw new ArchiveError('archive_bad_export', sigAt, 'signature flag is neither 0 nor 1');
      const slash = storePath.lastIndexOf('/');
      const name = storePath.slice(slash + 1);
      try {
        const parent = tree.mkdirp(storePath.slice(0, slash));
        if (parent.entries.has(name)) throw new TreeError('path_conflict', 'store path exported twice');
        tree.insert(parent, name, node);
      } catch (error) {
        if (error instanceof TreeError) throw new ArchiveError('archive_bad_export', pathAt, error.message);
        throw error;
      }
      paths.push({ storePath, references, deriver, narOffset });
    }
    if (r.pos !== bytes.length) throw new ArchiveError('archive_bad_export', r.pos, 'bytes after the end of the stream');
    return { ok: true, tree, paths };
  } catch (error) {
    return { ok: false, error: problemOf(error) };
  }
}
