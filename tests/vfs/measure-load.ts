// Loads one archive in a fresh process and prints its memory use as JSON (used by
// archive-memory.test.ts, so the peak RSS belongs to this load alone):
//   node --expose-gc --import tsx tests/vfs/measure-load.ts FILE
import { readFileSync } from 'node:fs';
import { loadArchive } from '../../src/core/vfs/load-archive.ts';

const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const file = process.argv[2];
if (file === undefined) throw new Error('usage: measure-load.ts FILE');

function sample() {
  gc();
  gc();
  const m = process.memoryUsage();
  return { rss: m.rss, js: m.heapUsed + m.arrayBuffers, peak: process.resourceUsage().maxRSS * 1024 };
}

const input = readFileSync(file); // the archive's own bytes: not counted as a copy
const before = sample();
const t0 = performance.now();
const loaded = await loadArchive(input);
const seconds = (performance.now() - t0) / 1000;
const after = sample();
if (!loaded.ok) throw new Error(JSON.stringify(loaded.error));
let sharesInput = true;
let files = 0;
for (const path of loaded.vfs.list()) {
  const node = loaded.tree.lookupLiteral(path);
  if (node?.kind !== 'file') continue;
  files++;
  if (!(node.data instanceof Uint8Array) || node.data.buffer !== (loaded.compression === 'none' ? input.buffer : loaded.bytes.buffer)) sharesInput = false;
}
console.log(
  JSON.stringify({
    inputBytes: input.length,
    archiveBytes: loaded.bytes.length,
    files,
    filesAreViews: sharesInput,
    buffer: loaded.buffer,
    retainedRss: after.rss - before.rss,
    retainedJs: after.js - before.js,
    peakRssGrowth: after.peak - before.peak,
    seconds,
  }),
);
