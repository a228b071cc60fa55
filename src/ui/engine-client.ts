// The page's side of the engine boundary: one module worker, wrapped once with Comlink, created on
// first use. Files are read here and their bytes transferred (not copied) to the worker.
import * as Comlink from 'comlink';
import { describeProblem } from '../core/elf/errors.ts';
import type { ParseResult } from '../core/elf/types.ts';
import type { EngineApi } from '../worker/api.ts';

let remote: Comlink.Remote<EngineApi> | null = null;

function engine(): Comlink.Remote<EngineApi> {
  remote ??= Comlink.wrap<EngineApi>(
    new Worker(new URL('../worker/engine.worker.ts', import.meta.url), { type: 'module', name: 'stormglass-engine' }),
  );
  return remote;
}

/**
 * Parse one chosen or dropped file in the worker. Unreadable files and bad ELF input resolve to
 * `{ ok: false, error }`; the promise rejects only if the engine itself cannot start.
 */
export async function inspectFile(file: File): Promise<ParseResult> {
  let buffer: ArrayBuffer;
  try {
    buffer = await file.arrayBuffer();
  } catch {
    return { ok: false, error: describeProblem('file_unreadable', 0) };
  }
  // The buffer is detached here after the call: nothing on the page may use it afterwards.
  return engine().inspect(Comlink.transfer(buffer, [buffer]), file.name);
}
