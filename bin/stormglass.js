#!/usr/bin/env node
// Starts the built CLI. `npm run build` (or `npm run build:wasm && npm run build:cli`) makes it.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('../dist/cli/stormglass.js', import.meta.url));
if (!existsSync(entry)) {
  process.stderr.write('stormglass: the CLI is not built yet; run `npm run build` in the stormglass folder.\n');
  process.exit(2);
}
await import(entry);
