// "Rewrite and download": embed the resolution note in one ELF or in every ELF of the workspace,
// and package the result as the user will download it: the file itself, or the closure as an
// archive of the kind it came in (repack.ts: a tar stays a tar with every other byte unchanged; a
// NAR and an export stream are written again; gzip is recompressed). What the browser cannot
// write (xz and zstd compression, loose files) becomes a tar of the same tree, and the result
// says so.
import type { Engine } from '../engine/engine.ts';
import type { Problem } from '../elf/types.ts';
import { noteFile, noteTree, writerEmbed, type NoteOptions, type NoteOutcome } from '../note/apply.ts';
import { gzip } from '../vfs/gzip.ts';
import type { MemNode } from '../vfs/memory-tree.ts';
import type { TreeVfs } from '../vfs/resolve.ts';
import { packTar } from '../vfs/tar-pack.ts';
import type { DropSource } from './open-drop.ts';
import { withReplacements } from './overlay.ts';
import { cannotCarry, repackArchive } from './repack.ts';

export type RewriteScope = { kind: 'program'; path: string } | { kind: 'closure' };

export interface NotedFile {
  path: string;
  outcome: NoteOutcome['kind'];
  /** Entries recorded, for a written note. */
  entries: number;
  reason: string | null;
  error: Problem | null;
}

export interface Download {
  name: string;
  bytes: Uint8Array;
  mime: string;
}

export type WorkspaceRewrite =
  | { ok: true; download: Download; files: NotedFile[]; after: TreeVfs<MemNode>; notices: string[] }
  | { ok: false; message: string; error: Problem | null };

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function noted(path: string, outcome: NoteOutcome): NotedFile {
  if (outcome.kind === 'written') return { path, outcome: 'written', entries: outcome.entries, reason: null, error: null };
  return { path, outcome: outcome.kind, entries: 0, reason: outcome.reason, error: outcome.kind === 'refused' ? outcome.error : null };
}

/** closure.tar.gz -> closure-noted.tar.gz, x.nar -> x-noted.nar: the archive suffixes give way to `extension`. */
export function notedName(name: string, extension: string): string {
  const stem = name.replace(/\.(gz|xz|zst)$/i, '').replace(/\.(tar|tgz|nar|closure|export)$/i, '');
  return `${stem || 'workspace'}-noted${extension}`;
}

const COMPRESSED = new Set(['xz', 'zstd']);

/** The rewritten tree in the form it came in, where the browser can write that form. */
async function packClosure(after: TreeVfs<MemNode>, source: DropSource, replacements: Map<string, Uint8Array>): Promise<{ download: Download; notices: string[] } | { error: Problem }> {
  if (source.kind === 'archive' && !COMPRESSED.has(source.compression)) {
    const packed = repackArchive(after, source, replacements);
    if ('error' in packed) return packed;
    const download = source.compression === 'gzip'
      ? { name: notedName(source.name, `${packed.extension}.gz`), bytes: await gzip(packed.bytes), mime: 'application/gzip' }
      : { name: notedName(source.name, packed.extension), bytes: packed.bytes, mime: packed.mime };
    return { download, notices: packed.notices };
  }
  const packed = packTar(after);
  const why = source.kind === 'files'
    ? 'The dropped files are downloaded as one tar archive.'
    : `Stormglass cannot write ${source.compression} in the browser; the closure is downloaded as an uncompressed tar.`;
  const notices = [why, ...packed.skipped.map(cannotCarry)];
  return { download: { name: notedName(source.kind === 'archive' ? source.name : 'workspace', '.tar'), bytes: packed.bytes, mime: 'application/x-tar' }, notices };
}

export async function rewriteWorkspace(engine: Engine, vfs: TreeVfs<object>, source: DropSource, scope: RewriteScope, options: NoteOptions): Promise<WorkspaceRewrite> {
  const embed = writerEmbed(engine);
  if (scope.kind === 'program') {
    const found = vfs.stat(scope.path, '/');
    if (!found.ok || found.stat.kind !== 'file') return { ok: false, message: `${scope.path}: ${found.ok ? 'not a regular file' : found.errno}`, error: null };
    const outcome = noteFile(engine, vfs.source(found.stat.id), vfs, embed, options);
    if (outcome.kind !== 'written') return { ok: false, message: `${baseName(scope.path)}: ${outcome.reason}`, error: outcome.kind === 'refused' ? outcome.error : null };
    const after = withReplacements(vfs, new Map([[found.realPath, outcome.bytes]]));
    // The after tree keeps outcome.bytes; the download gets its own copy, which the worker
    // transfers to the page (a transferred buffer is detached on this side).
    return { ok: true, download: { name: baseName(scope.path), bytes: outcome.bytes.slice(), mime: 'application/octet-stream' }, files: [noted(found.realPath, outcome)], after, notices: [] };
  }
  const { replacements, outcomes } = noteTree(engine, vfs, embed, options);
  const files = [...outcomes].map(([path, outcome]) => noted(path, outcome));
  const after = withReplacements(vfs, replacements);
  const packed = await packClosure(after, source, replacements);
  if ('error' in packed) return { ok: false, message: packed.error.message, error: packed.error };
  return { ok: true, download: packed.download, files, after, notices: packed.notices };
}
