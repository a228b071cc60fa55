// Dropped files into memory, in the worker: each Blob is streamed into one buffer of its exact
// size (the only copy), with progress by bytes so a 250 MB archive shows it is moving.
import { describeProblem } from '../core/elf/errors.ts';
import type { Problem } from '../core/elf/types.ts';
import type { DroppedFile } from '../core/vfs/dropped-files.ts';
import type { OnProgress } from '../core/workspace/session.ts';
import type { DropEntry } from './api.ts';

const PROGRESS_STEP = 4 << 20;

export async function readBlobs(entries: DropEntry[], progress: OnProgress): Promise<{ ok: true; files: DroppedFile[] } | { ok: false; error: Problem; path: string }> {
  const total = entries.reduce((n, e) => n + e.file.size, 0);
  const files: DroppedFile[] = [];
  let done = 0;
  let reported = 0;
  for (const entry of entries) {
    const bytes = new Uint8Array(entry.file.size);
    let at = 0;
    try {
      const reader = entry.file.stream().getReader();
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
        // A file that changed size since it was chosen cannot be read consistently.
        if (at + chunk.value.length > bytes.length) throw new Error('file grew while being read');
        bytes.set(chunk.value, at);
        at += chunk.value.length;
        done += chunk.value.length;
        if (done - reported >= PROGRESS_STEP) {
          reported = done;
          progress({ stage: 'reading', done, total, item: entry.path });
        }
      }
      if (at !== bytes.length) throw new Error('file shrank while being read');
    } catch (error) {
      const problem = describeProblem('file_unreadable', at);
      return { ok: false, error: { ...problem, message: `${problem.message} (${error instanceof Error ? error.message : String(error)})` }, path: entry.path };
    }
    files.push({ path: entry.path, bytes });
  }
  progress({ stage: 'reading', done: total, total, item: '' });
  return { ok: true, files };
}
