// The measured part of bench/note.ts, bundled like the CLI: note every ELF file listed on stdin
// (one path a line) once cold and RUNS times warm in this process, each time against a fresh view
// of the real filesystem, and print the times as JSON: the whole job, and its two halves.
import { readFileSync } from 'node:fs';
import { loadEngine } from '../src/node/engine.ts';
import { realFsVfs } from '../src/node/real-fs.ts';
import { noteFile, writerEmbed } from '../src/core/note/apply.ts';
import { buildResolutionNote } from '../src/core/note/build.ts';
import { encodeResolutionNote } from '../src/core/note/encode.ts';
import { embedNote } from '../src/core/rewrite/index.ts';

const RUNS = 5;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const timed = (fn: () => void) => {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
};

const files = readFileSync(0, 'utf8').split('\n').filter((l) => l !== '');
const engine = await loadEngine();
const embed = writerEmbed(engine);

let noted = 0;
const noteAll = () => timed(() => {
  const vfs = realFsVfs('/');
  noted = 0;
  for (const file of files) {
    const outcome = noteFile(engine, new Uint8Array(readFileSync(file)), vfs, embed, { patchelf: '0.19.0', replace: false });
    if (outcome.kind === 'written') noted++;
  }
});
// The first pass is what one `stormglass note` run costs (JIT warm-up included); later passes
// show the steady state.
const cold = noteAll();
const whole = median(Array.from({ length: RUNS }, noteAll));

const datas = files.map((f) => new Uint8Array(readFileSync(f)));
const reports = datas.map((d) => {
  const r = engine.parse(d, { symbols: true });
  if (!r.ok) throw new Error(r.error.code);
  return r.report;
});
let notes: (Uint8Array | null)[] = [];
const build = median(Array.from({ length: RUNS }, () => timed(() => {
  const vfs = realFsVfs('/');
  notes = reports.map((r) => {
    const built = buildResolutionNote(r, vfs, { patchelf: '0.19.0' });
    return built.descriptor ? encodeResolutionNote(built.descriptor, r.header.data) : null;
  });
})));
const embedding = median(Array.from({ length: RUNS }, () => timed(() => {
  datas.forEach((d, i) => { if (notes[i]) embedNote(engine, d, notes[i]!, { parsed: reports[i]! }); });
})));

process.stdout.write(JSON.stringify({ files: files.length, noted, cold, whole, build, embedding }) + '\n');
