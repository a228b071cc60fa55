// Search-list decomposition (glibc-loader-search.md §2.2; elf/dl-load.c decompose_rpath,
// fillin_rpath): DT_RPATH, DT_RUNPATH, LD_LIBRARY_PATH and resolution-note '?' hints become lists
// of directory-table entries.
import type { DirectoryTable, SearchDir } from './directories.ts';
import { hasDst, substituteDst, type DstContext } from './dst.ts';

/**
 * Splits `path` on `separators` (consecutive ones yield empty elements = the cwd), substitutes
 * tokens (an element that cannot be substituted is dropped), normalises the trailing '/' (a lone
 * '/' stays '/'), and drops elements already in the list. An empty string gives no list.
 */
export function decomposeSearchPath(path: string, separators: RegExp, ctx: DstContext, table: DirectoryTable): SearchDir[] {
  if (path === '') return [];
  const list: SearchDir[] = [];
  for (const raw of path.split(separators)) {
    let element = raw;
    if (element !== '') {
      if (hasDst(element)) {
        const substituted = substituteDst(element, ctx);
        if (substituted === null || substituted === '') continue;
        element = substituted;
      }
      element = element.replace(/\/+$/, '');
      element += '/';
    }
    const dir = table.get(element);
    if (!list.includes(dir)) list.push(dir);
  }
  return list;
}

export const RPATH_SEPARATORS = /:/;
export const LIBRARY_PATH_SEPARATORS = /[:;]/;
