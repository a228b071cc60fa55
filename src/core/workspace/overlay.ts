// The workspace as it would be after a rewrite: the same tree with some files' contents replaced
// (the noted ELF files), built as a new memory tree whose untouched files share their bytes with
// the original (no copy). The "after" trace of the note-aware loader runs over it, so the
// prediction is for exactly the files the user downloads.
import { MemoryTree, type MemNode } from '../vfs/memory-tree.ts';
import { treeEntries, type TreeVfs } from '../vfs/resolve.ts';

export function withReplacements(vfs: TreeVfs<object>, replacements: ReadonlyMap<string, Uint8Array>): TreeVfs<MemNode> {
  const b = vfs.backend;
  const tree = new MemoryTree(b.stat(b.root()).mode);
  for (const { path, node, kind, sameAs } of treeEntries(b)) {
    if (kind === 'symlink') tree.addSymlink(path, b.linkTarget(node));
    else if (kind === 'dir') tree.addDir(path, b.stat(node).mode);
    else if (kind === 'other') tree.addSpecial(path, b.stat(node).mode);
    // Hard links stay one file: the first name holds the bytes.
    else if (sameAs !== null) tree.addHardLink(path, sameAs);
    else {
      const stat = b.stat(node);
      tree.addFile(path, replacements.get(path) ?? b.source(stat.id), stat.mode);
    }
  }
  return tree.vfs();
}
