// Finds the real ELF files under a set of directories, for the readelf oracle.
//
// Rules (deterministic, so two runs on the same machine give the same list):
// - directories are walked recursively; a symlink to a directory is NOT followed
//   (it would revisit /usr/lib/... trees or loop);
// - a symlink to a file is resolved; every real file (by device + inode) is listed
//   once, whether it is reached by its own name, a hard link or symlinks;
// - only regular files whose first four bytes are "\x7fELF" are kept. Devices,
//   FIFOs and sockets are never opened (opening a FIFO would block);
// - files that cannot be stat'ed or read are skipped silently but counted.
import { closeSync, lstatSync, openSync, readSync, readdirSync, realpathSync, statSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { join } from 'node:path';

export interface ElfScanStats {
  /** Regular files (after symlink resolution) that were looked at. */
  examined: number;
  /** Kept ELF files (equals the length of the returned list). */
  elf: number;
  /** Regular files whose magic was not \x7fELF (or shorter than 4 bytes). */
  notElf: number;
  /** Files or directories that could not be stat'ed, opened or read. */
  unreadable: number;
  /** Symlinks whose target does not exist (or loops). */
  brokenSymlinks: number;
  /** Symlinks to directories, which are deliberately not followed. */
  skippedDirSymlinks: number;
  /** Extra names (hard links, symlinks) that led to an already listed file. */
  duplicates: number;
}

export interface ListElfOptions {
  /** Filled in (mutated) with counts from the scan. */
  stats?: ElfScanStats;
  /** Follow symlinks to files (default true). When false, symlinks are ignored. */
  followFileSymlinks?: boolean;
}

export function emptyScanStats(): ElfScanStats {
  return { examined: 0, elf: 0, notElf: 0, unreadable: 0, brokenSymlinks: 0, skippedDirSymlinks: 0, duplicates: 0 };
}

const ELF_MAGIC = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);

/** Code-unit order, independent of locale (localeCompare is not stable across ICU builds). */
function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** true/false for ELF or not; null when the file could not be read. */
export function hasElfMagic(path: string): boolean | null {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return null;
  }
  try {
    const buf = Buffer.alloc(4);
    const n = readSync(fd, buf, 0, 4, 0);
    return n === 4 && buf.equals(ELF_MAGIC);
  } catch {
    return null; // e.g. EISDIR, EIO
  } finally {
    closeSync(fd);
  }
}

interface Candidate {
  /** Name found by walking a directory without crossing a symlink. */
  direct: string[];
  /** Names reached through symlinks (their resolved real path). */
  viaSymlink: string[];
}

/**
 * Sorted list of distinct ELF files under `dirs`. A file reached directly is
 * reported under its (smallest) walked path; a file reached only through
 * symlinks is reported under its real path (which may lie outside `dirs`).
 */
export function listElfFiles(dirs: string[], opts: ListElfOptions = {}): string[] {
  const stats = opts.stats ?? emptyScanStats();
  Object.assign(stats, emptyScanStats());
  const followFileSymlinks = opts.followFileSymlinks ?? true;
  const byInode = new Map<string, Candidate>();
  const seenDirs = new Set<string>();

  const addCandidate = (st: Stats, name: string, viaSymlink: boolean): void => {
    const key = `${st.dev}:${st.ino}`;
    let c = byInode.get(key);
    if (!c) byInode.set(key, (c = { direct: [], viaSymlink: [] }));
    (viaSymlink ? c.viaSymlink : c.direct).push(name);
  };

  const walk = (dir: string): void => {
    let dst: Stats;
    try {
      dst = statSync(dir);
    } catch {
      stats.unreadable++;
      return;
    }
    const dirKey = `${dst.dev}:${dst.ino}`;
    if (seenDirs.has(dirKey)) return; // the same tree given twice (e.g. /usr/bin and /usr/bin/)
    seenDirs.add(dirKey);

    let names: string[];
    try {
      names = readdirSync(dir).sort(byCodeUnit);
    } catch {
      stats.unreadable++;
      return;
    }
    for (const name of names) {
      const path = join(dir, name);
      let lst: Stats;
      try {
        lst = lstatSync(path);
      } catch {
        stats.unreadable++;
        continue;
      }
      if (lst.isDirectory()) {
        walk(path);
      } else if (lst.isFile()) {
        addCandidate(lst, path, false);
      } else if (lst.isSymbolicLink()) {
        let st: Stats;
        try {
          st = statSync(path);
        } catch {
          stats.brokenSymlinks++;
          continue;
        }
        if (st.isDirectory()) {
          stats.skippedDirSymlinks++;
        } else if (st.isFile() && followFileSymlinks) {
          let real: string;
          try {
            real = realpathSync(path);
          } catch {
            stats.brokenSymlinks++;
            continue;
          }
          addCandidate(st, real, true);
        }
      }
      // devices, FIFOs, sockets: ignored without opening them
    }
  };

  for (const d of dirs) walk(d);

  const out: string[] = [];
  for (const c of byInode.values()) {
    const names = (c.direct.length > 0 ? c.direct : c.viaSymlink).slice().sort(byCodeUnit);
    stats.duplicates += c.direct.length + c.viaSymlink.length - 1;
    stats.examined++;
    const first = names[0]!; // every group has at least one name
    const magic = hasElfMagic(first);
    if (magic === null) stats.unreadable++;
    else if (magic) out.push(first);
    else stats.notElf++;
  }
  stats.elf = out.length;
  return out.sort(byCodeUnit);
}
