// The page's side of the engine boundary: one module worker, wrapped once with Comlink, created
// on first use. Cancelling a long job terminates the worker (a synchronous unpack or parse
// cannot be interrupted by a message); the next call starts a fresh one, and the caller re-opens
// the workspace it wants (docs/architecture.md habit 6, after squoosh's WorkerBridge).
import * as Comlink from 'comlink';
import type { EngineApi } from '../worker/api.ts';

let worker: Worker | null = null;
let remote: Comlink.Remote<EngineApi> | null = null;

export function engine(): Comlink.Remote<EngineApi> {
  if (!remote) {
    worker = new Worker(new URL('../worker/engine.worker.ts', import.meta.url), { type: 'module', name: 'stormglass-engine' });
    remote = Comlink.wrap<EngineApi>(worker);
  }
  return remote;
}

/** Stops whatever the worker is doing; its workspace is gone with it. Pending calls never settle. */
export function cancelEngine(): void {
  worker?.terminate();
  worker = null;
  remote = null;
}

export { Comlink };
