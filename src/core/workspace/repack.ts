// A rewritten closure written back in its archive's own format, uncompressed: a tar member for
// member with every other byte unchanged (tar-rewrite.ts), a NAR or a nix-store --export stream
// written anew from the tree. Shared by the page's download and `stormglass note --archive`,
// which each pick the compression.
import type { Problem } from '../elf/types.ts';
import type { LoadedArchive } from '../vfs/load-archive.ts';
import type { MemNode } from '../vfs/memory-tree.ts';
import type { TreeVfs } from '../vfs/resolve.ts';
import { narOfTree, writeExport, writeNar } from '../vfs/nar-write.ts';
import { rewriteTar } from '../vfs/tar-rewrite.ts';

export interface Repacked {
  bytes: Uint8Array;
  /** '.tar', '.nar' or '.closure' (what notedName appends). */
  extension: string;
  mime: string;
  /** What the archive could not carry, or lost on the way, for the user. */
  notices: string[];
}

export type ArchiveOrigin = Pick<LoadedArchive, 'format' | 'bytes' | 'storePaths' | 'narRoot'>;

export function cannotCarry(path: string): string {
  return `${path} is a device, FIFO or socket; it is left out of the archive.`;
}

/** `after` (the archive's tree with `replacements` applied) as an archive like `origin`. */
export function repackArchive(after: TreeVfs<MemNode>, origin: ArchiveOrigin, replacements: ReadonlyMap<string, Uint8Array>): Repacked | { error: Problem } {
  if (origin.format === 'tar') {
    const rewritten = rewriteTar(origin.bytes, replacements);
    return rewritten.ok ? { bytes: rewritten.bytes, extension: '.tar', mime: 'application/x-tar', notices: [] } : { error: rewritten.error };
  }
  if (origin.format === 'nar') {
    const nar = narOfTree(after, origin.narRoot ?? '/');
    return { bytes: writeNar(nar.node), extension: '.nar', mime: 'application/x-nix-nar', notices: nar.skipped.map(cannotCarry) };
  }
  // nix-store --export: each store path again, with its references and deriver. A signature
  // would not match the changed contents, so none is written (nix-store --import then wants
  // the paths to be trusted another way, as for any unsigned import).
  const skipped: string[] = [];
  const stream = writeExport(origin.storePaths.map((p) => {
    const nar = narOfTree(after, p.storePath);
    skipped.push(...nar.skipped);
    return { storePath: p.storePath, nar: writeNar(nar.node), references: p.references, deriver: p.deriver };
  }));
  return {
    bytes: stream, extension: '.closure', mime: 'application/octet-stream',
    notices: ['The export stream is written without signatures: they would not match the rewritten files.', ...skipped.map(cannotCarry)],
  };
}
