// The one boundary between the page and the engine worker, typed once: the worker `satisfies` it,
// the page `wrap<EngineApi>`s it (the squoosh / proxx pattern, docs/architecture.md habit 1).
// Only plain data crosses: the file's bytes go in (transferred), a ParseResult comes back.
import type { ParseResult } from '../core/elf/types.ts';

export type EngineApi = {
  /**
   * Parse one file's bytes. Bad input is never thrown: it comes back as `{ ok: false, error }`
   * with a catalogue code (src/core/elf/errors.ts). Only a broken build (the wasm cannot be
   * fetched or compiled) rejects.
   */
  inspect(buffer: ArrayBuffer, name: string): Promise<ParseResult>;
};
