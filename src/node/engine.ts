// The Node host of the engine: reads the built wasm from this package and instantiates it once.
// Used by the CLI and the tests; the browser host is src/worker/.
import { readFile } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { instantiateEngine, type Engine } from '../core/engine/engine.ts';

/** The package root: the nearest folder above this module whose package.json is stormglass's. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === 'stormglass') return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('stormglass package root not found above ' + import.meta.url);
    dir = parent;
  }
}

export const WASM_PATH = 'wasm/build/stormglass.wasm';

let engine: Promise<Engine> | null = null;

/** The shared engine, compiled on first use. Fails clearly when `npm run build:wasm` was not run. */
export function loadEngine(): Promise<Engine> {
  engine ??= (async () => {
    const path = join(packageRoot(), WASM_PATH);
    if (!existsSync(path)) throw new Error(`${path} is missing: run \`npm run build:wasm\` first`);
    return instantiateEngine(await readFile(path));
  })();
  return engine;
}
