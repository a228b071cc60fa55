// The measured part of bench/note.ts, bundled like the CLI: note every ELF file listed on stdin
// (one path a line) in this process, each pass against a fresh view of the real filesystem (so
// every lstat, listing and file read is paid again), and print the times as JSON:
//   cold:  the first pass, JIT warm-up included;
//   whole: the steady state, the median of RUNS passes after WARMUP passes (what a long-lived
//          process, the playground's worker, pays for a closure);
//   written: the steady state again, each output also written to a new directory as
//            `stormglass note --out-dir` writes it (patchelf's time includes its writes);
//   build and embedding: the two halves of the job, in the steady state.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { loadEngine } from '../src/node/engine.ts';
import { realFsVfs } from '../src/node/real-fs.ts';
import { PathSource } from '../src/node/file-source.ts';
import { noteFile, writerEmbed } from '../src/core/note/apply.ts';
import { buildResolutionNote } from '../src/core/note/build.ts';
import { encodeResolutionNote } from '../src/core/note/encode.ts';
import { embedNote } from '../src/core/rewrite/index.ts';
import { writeWhole } from '../src/cli/write-whole.ts';

const WARMUP = 10;
const RUNS = 15;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const timed = (fn: () => void) => {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
};
/**
 * The median time of RUNS passes of `fn`, after WARMUP untimed ones; `between` runs untimed after
 * each pass (to clear what it left).
 */
const steady = (fn: () => void, between = () => {}) => {
  const pass = () => {
    const ms = timed(fn);
    between();
    return ms;
  };
  for (let i = 0; i < WARMUP; i++) pass();
  return median(Array.from({ length: RUNS }, pass));
};

const files = readFileSync(0, 'utf8').split('\n').filter((l) => l !== '');
const engine = await loadEngine();
const embed = writerEmbed(engine);

let noted = 0;
/** Notes every file; with `outDir`, writes each new file there as the CLI does. */
const noteAll = (outDir: string | null) => {
  const vfs = realFsVfs('/');
  noted = 0;
  for (const file of files) {
    // As the CLI reads a file: straight into the core.
    const outcome = noteFile(engine, new PathSource(file, statSync(file).size), vfs, embed, { patchelf: '0.19.0', replace: false });
    if (outcome.kind !== 'written') continue;
    noted++;
    if (outDir !== null) writeWhole(join(outDir, basename(file)), outcome.bytes);
  }
};
const cold = timed(() => noteAll(null));
const whole = steady(() => noteAll(null));
// A new directory for each pass, made before the timing and removed after it, untimed: every
// output is a new file, and no pass waits on the writeback of the ones before (25 passes over a
// 45 MB closure would otherwise pile up a gigabyte of dirty pages and throttle the writer).
let outDir = '';
const freshOutDir = () => {
  if (outDir !== '') rmSync(outDir, { recursive: true, force: true });
  outDir = mkdtempSync(join(tmpdir(), 'stormglass-bench-out-'));
};
freshOutDir();
const written = steady(() => noteAll(outDir), freshOutDir);
rmSync(outDir, { recursive: true, force: true });

const datas = files.map((f) => new Uint8Array(readFileSync(f)));
const reports = datas.map((d) => {
  const r = engine.parse(d, { symbolDigest: true });
  if (!r.ok) throw new Error(r.error.code);
  return r.report;
});
let notes: (Uint8Array | null)[] = [];
const build = steady(() => {
  const vfs = realFsVfs('/');
  notes = reports.map((r) => {
    const built = buildResolutionNote(r, vfs, { patchelf: '0.19.0' });
    return built.descriptor ? encodeResolutionNote(built.descriptor, r.header.data) : null;
  });
});
const embedding = steady(() => {
  datas.forEach((d, i) => { if (notes[i]) embedNote(engine, d, notes[i]!, { parsed: reports[i]! }); });
});

process.stdout.write(JSON.stringify({ files: files.length, noted, cold, whole, written, build, embedding }) + '\n');
