// The workspace as it would be after a rewrite: the same tree with some files' contents replaced
// (the noted ELF files), built as a new memory tree whose untouched files share their bytes with
// the original (no copy). The "after" trace of the note-aware loader runs over it, so the
// prediction is for exactly the files the user downloads.
import { MemoryTree, type MemNode } from '../vfs/memory-tree.ts';
import type { TreeVfs } from '../vfs/resolve.ts';

export function withReplacements(vfs: TreeVfs<object>, replacements: ReadonlyMap<string, Uint8Array>): TreeVfs<MemNode> {
  const b = vfs.backend;
  const root = b.root();
  const tree = new MemoryTree(b.stat(root).mode);
  // Hard links stay one file: the first path of each (st_dev, st_ino) holds the bytes.
  const firstPath = new Map<string, string>();
  const copy = (dir: object, at: string): void => {
    for (const name of b.names(dir)) {
      const node = b.child(dir, name);
      if (node === null || typeof node === 'string') continue;
      const path = at === '/' ? `/${name}` : `${at}/${name}`;
      const kind = b.kindOf(node);
      if (kind === 'symlink') {
        tree.addSymlink(path, b.linkTarget(node));
        continue;
      }
      const stat = b.stat(node);
      if (kind === 'dir') {
        tree.addDir(path, stat.mode);
        copy(node, path);
      } else if (kind === 'other') tree.addSpecial(path, stat.mode);
      else {
        const key = `${stat.id.dev}:${stat.id.ino}`;
        const first = firstPath.get(key);
        if (first !== undefined) tree.addHardLink(path, first);
        else {
          firstPath.set(key, path);
          tree.addFile(path, replacements.get(path) ?? b.source(stat.id), stat.mode);
        }
      }
    }
  };
  copy(root, '/');
  return tree.vfs();
}
