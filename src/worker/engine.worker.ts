// The engine's browser host: a module worker holding the one Comlink expose(). The wasm core is
// fetched from a Vite asset URL (a real file in dist/app/assets, never a data: URL) and compiled
// on the first call; the promise is cached so every later call reuses the same instance. The
// workspace (dropped tree, catalogue, rewritten tree) lives here, so no file's bytes ever sit on
// the page's thread. Cancelling a long job terminates this worker (engine-client.ts).
//
// expose() runs synchronously at top level: a top-level await before it would let the page's
// first messages arrive before the listener exists, and they would be lost (docs/toolchain.md).
import * as Comlink from 'comlink';
import wasmUrl from '../../wasm/build/stormglass.wasm?url';
import { instantiateEngine, type Engine } from '../core/engine/engine.ts';
import { WorkspaceSession } from '../core/workspace/session.ts';
import type { EngineApi } from './api.ts';
import { readBlobs } from './read-blobs.ts';

let engine: Promise<Engine> | null = null;
let session: WorkspaceSession | null = null;

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

async function workspace(): Promise<WorkspaceSession> {
  return (session ??= new WorkspaceSession(await loadEngine()));
}

const api = {
  async open(entries, at, onProgress) {
    const ws = await workspace();
    const read = await readBlobs(entries, onProgress);
    if (!read.ok) return read;
    return ws.open(read.files, at, onProgress);
  },
  async trace(program, settings, which) {
    return (await workspace()).trace(program, settings, which);
  },
  async details(path, which) {
    return (await workspace()).details(path, which);
  },
  async rewrite(scope, patchelf, replace) {
    const done = await (await workspace()).rewrite(scope, patchelf, replace);
    if (!done.ok) return done;
    const buffer = done.download.bytes.buffer as ArrayBuffer;
    // The download can be as big as the closure: hand the buffer over instead of copying it.
    return Comlink.transfer(done, done.download.bytes.byteOffset === 0 && done.download.bytes.byteLength === buffer.byteLength ? [buffer] : []);
  },
} satisfies EngineApi;

Comlink.expose(api);
