// Benchmark (not a test): note every ELF of a closure in one Node process (build each note
// against the files present, embed it, check the output; the measured code is
// bench/note-measure.ts, bundled like the CLI and run in its own process), and once more as one
// run of the built CLI (`stormglass note`, Node's start-up included), against the nearest native
// peer here: Debian's patchelf --set-rpath over copies of the same files, batched with xargs,
// which rewrites the same headers. Two closures:
//   * the synthetic 200-library Nix-like store of the loader tests (small gcc-built libraries,
//     run paths of 10 to 35 store directories);
//   * real libraries: a host program's closure (Chromium's, about 100 libraries and 45 MB)
//     copied into a Nix-like store with run paths (bench/real-closure.ts).
// Needs gcc, strace (to build the synthetic store) and patchelf. `npm run bench:note`.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeStore, STORE_DIR } from '../tests/fixtures/loader/store/make-store.ts';
import { makeRealClosure } from './real-closure.ts';

const RUNS = 5;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function elfFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    if (readFileSync(path).subarray(0, 4).equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]))) out.push(path);
  }
  return out.sort();
}

const out = mkdtempSync(join(tmpdir(), 'stormglass-bench-note-'));

/** Times one closure: `files`, all under `storeDir`. Prints its table and ratios. */
function benchClosure(title: string, storeDir: string, files: string[]): void {
  const measured = spawnSync('node', ['dist/bench/note-measure.js'], { input: files.join('\n'), encoding: 'utf8', maxBuffer: 1 << 24 });
  if (measured.status !== 0) throw new Error(measured.stderr);
  const { noted, cold, whole: ours, written, build: buildOnly, embedding: embedOnly } = JSON.parse(measured.stdout) as { noted: number; cold: number; whole: number; written: number; build: number; embedding: number };

  /** Fresh copies of the files (made before any timing), for the tools that rewrite in place. */
  const freshCopies = () => {
    const copy = join(out, 'copy');
    rmSync(copy, { recursive: true, force: true });
    cpSync(storeDir, copy, { recursive: true });
    return files.map((f) => join(copy, f.slice(storeDir.length)));
  };
  // patchelf edits in place: give it fresh copies each run, and a run path it must rewrite.
  const theirs = median(Array.from({ length: RUNS }, () => {
    const copies = freshCopies();
    const start = process.hrtime.bigint();
    spawnSync('xargs', ['-0', '-n', '50', 'patchelf', '--set-rpath', '/nix/store/00000000000000000000000000000000-bench/lib'], {
      input: copies.join('\0'), stdio: ['pipe', 'ignore', 'ignore'],
    });
    return Number(process.hrtime.bigint() - start) / 1e6;
  }));
  // One `stormglass note` run over the same files: a new Node process, its start-up, the wasm
  // compile and one cold pass, and every output file written.
  const cliRun = (args: string[]) => {
    const start = process.hrtime.bigint();
    const run = spawnSync('node', ['dist/cli/stormglass.js', 'note', ...args], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (run.status !== 0) throw new Error(`stormglass note failed: ${run.stderr}`);
    return ms;
  };
  const cli = median(Array.from({ length: RUNS }, () => {
    const outDir = join(out, 'cli');
    rmSync(outDir, { recursive: true, force: true });
    mkdirSync(outDir);
    return cliRun(['--out-dir', outDir, ...files]);
  }));
  // The same job as patchelf's: the files where they lie. The copies' run paths still name the
  // original store, so the notes are built against it, as the other rows'.
  const inPlace = median(Array.from({ length: RUNS }, () => cliRun(['--in-place', ...freshCopies()])));
  const version = spawnSync('patchelf', ['--version'], { encoding: 'utf8' }).stdout.trim();
  const megabytes = files.reduce((n, f) => n + readFileSync(f).length, 0) / 2 ** 20;
  console.log(`\n## ${title}\n\n${files.length} ELF files, ${megabytes.toFixed(0)} MB; ${noted} got a note (medians of ${RUNS} runs; in the warm process, of 15 passes after 10 untimed ones)\n`);
  console.log('| tool | time | files/s |');
  console.log('|---|---|---|');
  const row = (label: string, ms: number) => console.log(`| ${label} | ${ms.toFixed(0)} ms | ${(files.length / (ms / 1000)).toFixed(0)} |`);
  row('stormglass in a warm process (steady state): build, embed and check every note', ours);
  console.log(`| …of which building the notes (existence checks against the files present) | ${buildOnly.toFixed(0)} ms | |`);
  console.log(`| …of which embedding prebuilt notes and checking the outputs | ${embedOnly.toFixed(0)} ms | |`);
  row('stormglass in a warm process, also writing every output to a new directory (as the CLI does)', written);
  row('stormglass, first pass in a new process (JIT warm-up included)', cold);
  row('`stormglass note --out-dir` (one CLI run: Node start-up, wasm compile, one pass, writing)', cli);
  row('`stormglass note --in-place` over copies (one CLI run, each changed file replaced)', inPlace);
  row(`${version} --set-rpath (xargs -n 50)`, theirs);
  console.log(`\nratio, whole job in a warm process: stormglass is ${(theirs / ours).toFixed(1)}x as fast as patchelf --set-rpath (${(theirs / written).toFixed(2)}x with the outputs written)`);
  console.log(`ratio, header rewrite and check only: ${(theirs / embedOnly).toFixed(1)}x`);
  console.log(`ratio, first pass: ${(theirs / cold).toFixed(2)}x; one CLI run: ${(theirs / cli).toFixed(2)}x (--in-place: ${(theirs / inPlace).toFixed(2)}x)`);
}

try {
  // The measured code runs bundled, in its own process, as the built CLI would.
  for (const config of ['bench/vite.config.ts', 'vite.cli.config.ts']) {
    const built = spawnSync('npx', ['vite', 'build', '--config', config, '--logLevel', 'error'], { stdio: 'inherit' });
    if (built.status !== 0) throw new Error(`bundling with ${config} failed`);
  }
  await makeStore(out, [16, 28, 34, 40, 36, 30, 16]);
  benchClosure('A 200-library synthetic closure', STORE_DIR, elfFiles(STORE_DIR));
  const realRoot = join(out, 'real');
  const real = makeRealClosure(realRoot);
  if (real === null) console.log('\n(no program with a large closure here: the real-library closure is skipped)');
  else benchClosure(`The libraries of ${real.program}, as a Nix-like closure`, join(realRoot, 'nix/store'), real.files);
} finally {
  rmSync(out, { recursive: true, force: true });
}
