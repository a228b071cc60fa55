// The regular files of a tree, each once, and whether one starts like an ELF file: what the
// closure-wide jobs (noting every ELF, listing a workspace's programs) walk.
import { readWhole, type ByteSource } from '../engine/engine.ts';
import type { Vfs } from './types.ts';

const ELF_MAGIC = [0x7f, 0x45, 0x4c, 0x46];

/** Regular files, each under its real path once: list() also gives symlink names, which are skipped. */
export function regularFiles(vfs: Vfs): string[] {
  const out: string[] = [];
  for (const path of vfs.list()) {
    if (path.endsWith('/')) continue;
    const found = vfs.stat(path, '/');
    if (found.ok && found.stat.kind === 'file' && found.realPath === path) out.push(path);
  }
  return out;
}

/** "\x7fELF" at offset 0, reading only those 4 bytes. */
export function startsLikeElf(source: ByteSource): boolean {
  if (source.size < ELF_MAGIC.length) return false;
  const head = new Uint8Array(ELF_MAGIC.length);
  source.readInto(0, head);
  return ELF_MAGIC.every((b, i) => head[i] === b);
}

/** The bytes of every regular ELF file, by path. */
export function* elfFiles(vfs: Vfs): Generator<{ path: string; bytes: Uint8Array }> {
  for (const path of regularFiles(vfs)) {
    const found = vfs.stat(path, '/');
    if (!found.ok) continue;
    const source = vfs.source(found.stat.id);
    if (startsLikeElf(source)) yield { path, bytes: readWhole(source) };
  }
}
