// How the CLI writes a file: whole, to a temporary name beside the target, then renamed over it,
// so no half-written file is ever seen under the target's name and a file replaced in place is a
// new inode (a program that has the old one mapped, or another hard link to it, keeps it intact).
import { chmodSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Writes `bytes` to `path` whole, with exactly the mode bits `mode` (chmod, as the umask would
 * mask the mode given to open). The directory must exist (callers make it once, not per file).
 */
export function writeWhole(path: string, bytes: Uint8Array, mode = 0o644): void {
  const temporary = join(dirname(path), `.${basename(path)}.stormglass-${process.pid}`);
  try {
    writeFileSync(temporary, bytes, { mode: 0o600 });
    chmodSync(temporary, mode);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true }); // a full disk leaves no partial temporary behind
    throw error;
  }
}

/** An errno error as "CODE: PATH" (rethrown when it is no errno error: a bug, not the disk). */
export function fsFailure(error: unknown, path: string): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === undefined) throw error;
  return `${code}: ${path}`;
}
