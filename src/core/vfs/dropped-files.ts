// Files and folders dropped in the browser (or chosen with a picker) as a virtual filesystem:
// each keeps its relative path (a dropped folder's webkitRelativePath / FileSystemEntry path), and
// the whole tree sits where the user says, '/' by default. A name that would leave the tree, or
// clash with another, refuses the drop as a whole: a partial tree is never presented as complete.
import { describeProblem } from '../elf/errors.ts';
import type { Problem } from '../elf/types.ts';
import { MemoryTree, TreeError } from './memory-tree.ts';
import { mountVfs } from './mount.ts';
import type { TreeVfs } from './resolve.ts';

export interface DroppedFile {
  /** Relative path as dropped, e.g. "closure/lib/libfoo.so.1" or just "prog". */
  path: string;
  bytes: Uint8Array;
  /** st_mode bits when known (a dropped file's are not: executables are given 0o755). */
  mode?: number;
}

export type DroppedTree = { ok: true; vfs: TreeVfs<object>; tree: MemoryTree } | { ok: false; error: Problem; path: string };

export function droppedFilesVfs(files: DroppedFile[], at = '/'): DroppedTree {
  const tree = new MemoryTree();
  for (const file of files) {
    try {
      tree.addFile('/' + file.path.replace(/^\/+/, ''), file.bytes, file.mode ?? 0o755);
    } catch (error) {
      if (!(error instanceof TreeError)) throw error;
      const code = error.reason === 'path_escape' ? 'archive_path_escape' : 'archive_path_conflict';
      return { ok: false, error: { ...describeProblem(code, 0), message: `${file.path}: ${error.message}` }, path: file.path };
    }
  }
  const vfs = (at === '/' ? tree.vfs() : mountVfs(null, [{ at, tree: tree.vfs() }])) as TreeVfs<object>;
  return { ok: true, vfs, tree };
}
