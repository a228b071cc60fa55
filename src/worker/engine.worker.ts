// The engine's browser host: a module worker holding the one Comlink expose(). The wasm core is
// fetched from a Vite asset URL (a real file in dist/app/assets, never a data: URL) and compiled
// on the first call; the promise is cached so every later call reuses the same instance.
//
// expose() runs synchronously at top level: a top-level await before it would let the page's
// first messages arrive before the listener exists, and they would be lost (docs/toolchain.md).
import * as Comlink from 'comlink';
import wasmUrl from '../../wasm/build/stormglass.wasm?url';
import { instantiateEngine, type Engine } from '../core/engine/engine.ts';
import type { ParseResult } from '../core/elf/types.ts';
import type { EngineApi } from './api.ts';

let engine: Promise<Engine> | null = null;

async function compileCore(): Promise<Engine> {
  const response = await fetch(wasmUrl);
  if (!response.ok) throw new Error(`could not fetch the ELF core (${wasmUrl}): HTTP ${response.status}`);
  // compileStreaming needs the application/wasm MIME type; fall back to bytes when a server
  // sends something else, so a misconfigured host still works.
  if (response.headers.get('content-type')?.startsWith('application/wasm')) {
    return instantiateEngine(await WebAssembly.compileStreaming(response));
  }
  return instantiateEngine(await response.arrayBuffer());
}

function loadEngine(): Promise<Engine> {
  engine ??= compileCore().catch((error: unknown) => {
    engine = null; // let the next call retry (e.g. after a network hiccup)
    throw error;
  });
  return engine;
}

const api = {
  async inspect(buffer: ArrayBuffer, _name: string): Promise<ParseResult> {
    const core = await loadEngine();
    return core.parse(new Uint8Array(buffer));
  },
} satisfies EngineApi;

Comlink.expose(api);
