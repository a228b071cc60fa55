// Benchmark (not a test): parse every ELF under /usr/lib/x86_64-linux-gnu with the engine in one
// Node process, against GNU readelf -dlnW over the same files batched with xargs. Both read the
// files from a warm page cache. The CLI's path reads only the 64 KiB chunks a parse touches; the
// whole-file path (what the browser does with a dropped File) is shown too. `npm run bench`.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { loadEngine } from '../src/node/engine.ts';
import { parseFile } from '../src/node/file-source.ts';
import { listElfFiles } from '../tests/oracle/elf-files.ts';

const DIR = process.argv[2] ?? '/usr/lib/x86_64-linux-gnu';
const RUNS = 5;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function timeMs(fn: () => void): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const files = listElfFiles([DIR]);
const bytes = files.reduce((sum, f) => sum + statSync(f).size, 0);
for (const f of files) readFileSync(f); // warm the page cache for both sides

const engine = await loadEngine();
let failures = 0;
const engineRuns: number[] = [];
const wholeFileRuns: number[] = [];
for (let run = 0; run < RUNS; run++) {
  engineRuns.push(timeMs(() => {
    failures = 0;
    for (const f of files) if (!parseFile(engine, f).ok) failures++;
  }));
  wholeFileRuns.push(timeMs(() => {
    for (const f of files) engine.parse(readFileSync(f));
  }));
}

const list = files.join('\0');
const readelfRuns: number[] = [];
for (let run = 0; run < RUNS; run++) {
  readelfRuns.push(timeMs(() => {
    spawnSync('xargs', ['-0', '-n', '200', 'readelf', '-dlnW'], { input: list, stdio: ['pipe', 'ignore', 'ignore'], maxBuffer: 1 << 30 });
  }));
}

const ours = median(engineRuns);
const theirs = median(readelfRuns);
const mb = bytes / 1e6;
const version = execFileSync('readelf', ['--version'], { encoding: 'utf8' }).split('\n')[0];
console.log(`${files.length} ELF files, ${mb.toFixed(1)} MB, in ${DIR} (median of ${RUNS} runs; ${failures} not parsed)`);
console.log(`${version}; node ${process.version}\n`);
console.log('| tool | time | files/s | MB/s |');
console.log('|---|---|---|---|');
const row = (name: string, ms: number) =>
  console.log(`| ${name} | ${ms.toFixed(0)} ms | ${(files.length / (ms / 1000)).toFixed(0)} | ${(mb / (ms / 1000)).toFixed(0)} |`);
row('stormglass inspect path (chunks read on demand)', ours);
row('stormglass, whole files read then parsed (browser path)', median(wholeFileRuns));
row('readelf -dlnW (xargs -n 200)', theirs);
console.log(`\nratio: stormglass is ${(theirs / ours).toFixed(1)}x as fast as readelf on the same files`);
