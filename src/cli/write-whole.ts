// How the CLI writes a file: whole, to a temporary name beside the target, then renamed over it,
// so no half-written file is ever seen under the target's name and a file replaced in place is a
// new inode (a program that has the old one mapped, or another hard link to it, keeps it intact).
import { chmodSync, constants, copyFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Fills a temporary file beside `path` with `fill`, gives it exactly the mode bits `mode` (chmod,
 * as the umask would mask the mode given to open) and renames it over `path`. The directory must
 * exist (callers make it once, not per file).
 */
function replaceWhole(path: string, mode: number, fill: (temporary: string) => void): void {
  const temporary = join(dirname(path), `.${basename(path)}.stormglass-${process.pid}`);
  try {
    fill(temporary);
    chmodSync(temporary, mode);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true }); // a full disk leaves no partial temporary behind
    throw error;
  }
}

/** Writes `bytes` to `path` whole, with the mode bits `mode`. */
export function writeWhole(path: string, bytes: Uint8Array, mode = 0o644): void {
  replaceWhole(path, mode, (temporary) => writeFileSync(temporary, bytes, { mode: 0o600 }));
}

/**
 * Copies the file at `from` to `path` whole, with the mode bits `mode`: the kernel copies (a
 * reflink where the filesystem shares extents), so a file passed through unchanged is never read
 * into memory.
 */
export function copyWhole(from: string, path: string, mode = 0o644): void {
  replaceWhole(path, mode, (temporary) => copyFileSync(from, temporary, constants.COPYFILE_FICLONE));
}

/** An errno error as "CODE: PATH" (rethrown when it is no errno error: a bug, not the disk). */
export function fsFailure(error: unknown, path: string): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === undefined) throw error;
  return `${code}: ${path}`;
}
