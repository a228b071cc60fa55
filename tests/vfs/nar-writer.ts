// The tests' NAR helpers: the writer is the app's own (src/core/vfs/nar-write.ts, written from
// the format's grammar; there is no nix binary here), plus a directory on disk as a NAR tree.
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { narDir, type NarNode } from '../../src/core/vfs/nar-write.ts';

export { narDir, Wire, writeExport, writeNar, type ExportEntry, type NarNode } from '../../src/core/vfs/nar-write.ts';

/** A directory on disk as a NAR tree (the executable bit from the owner's x bit, as Nix does). */
export function narFromDir(path: string): NarNode {
  const st = lstatSync(path);
  if (st.isSymbolicLink()) return { type: 'symlink', target: readlinkSync(path) };
  if (st.isFile()) return { type: 'regular', executable: (st.mode & 0o100) !== 0, contents: new Uint8Array(readFileSync(path)) };
  const entries: Record<string, NarNode> = {};
  for (const name of readdirSync(path)) entries[name] = narFromDir(join(path, name));
  return narDir(entries);
}
