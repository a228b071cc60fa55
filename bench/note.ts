// Benchmark (not a test): note every ELF of a 200-library Nix-like closure in one Node process
// (build each note against the files present, embed it, check the output), against the nearest
// native peer here: Debian's patchelf --set-rpath over copies of the same files, batched with
// xargs, which rewrites the same headers. Needs gcc, strace (to build the store) and patchelf.
// `npm run bench:note`.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeStore, STORE_DIR } from '../tests/fixtures/loader/store/make-store.ts';
import { loadEngine } from '../src/node/engine.ts';
import { realFsVfs } from '../src/node/real-fs.ts';
import { noteFile, type EmbedNote } from '../src/core/note/apply.ts';
import { buildResolutionNote } from '../src/core/note/build.ts';
import { encodeResolutionNote } from '../src/core/note/encode.ts';
import { embedNote } from '../src/core/rewrite/index.ts';

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
try {
  await makeStore(out, [16, 28, 34, 40, 36, 30, 16]);
  const files = elfFiles(STORE_DIR);
  const engine = await loadEngine();
  const embed: EmbedNote = (bytes, note, replace) => {
    const written = embedNote(engine, bytes, note, { replace });
    return written.ok ? { ok: true, bytes: written.bytes } : written;
  };
  let noted = 0;
  const ours = median(Array.from({ length: RUNS }, () => {
    const vfs = realFsVfs('/');
    const start = process.hrtime.bigint();
    noted = 0;
    for (const file of files) {
      const outcome = noteFile(engine, new Uint8Array(readFileSync(file)), vfs, embed, { patchelf: '0.19.0', replace: false });
      if (outcome.kind === 'written') noted++;
    }
    return Number(process.hrtime.bigint() - start) / 1e6;
  }));

  // The two halves: building every note (the existence checks patchelf --build-resolution-cache
  // makes too, and --set-rpath does not), and embedding prebuilt notes (the header rewrite).
  const datas = files.map((f) => new Uint8Array(readFileSync(f)));
  const reports = datas.map((d) => { const r = engine.parse(d); if (!r.ok) throw new Error(r.error.code); return r.report; });
  let notes: (Uint8Array | null)[] = [];
  const buildOnly = median(Array.from({ length: RUNS }, () => {
    const vfs = realFsVfs('/');
    const start = process.hrtime.bigint();
    notes = reports.map((r) => {
      const built = buildResolutionNote(r, vfs, { patchelf: '0.19.0' });
      return built.descriptor ? encodeResolutionNote(built.descriptor, r.header.data) : null;
    });
    return Number(process.hrtime.bigint() - start) / 1e6;
  }));
  const embedOnly = median(Array.from({ length: RUNS }, () => {
    const start = process.hrtime.bigint();
    datas.forEach((d, i) => { if (notes[i]) embedNote(engine, d, notes[i]!); });
    return Number(process.hrtime.bigint() - start) / 1e6;
  }));

  // patchelf edits in place: give it fresh copies each run, and a run path it must rewrite.
  const theirs = median(Array.from({ length: RUNS }, () => {
    const copy = join(out, 'copy');
    rmSync(copy, { recursive: true, force: true });
    cpSync(STORE_DIR, copy, { recursive: true });
    const copies = files.map((f) => join(copy, f.slice(STORE_DIR.length)));
    const start = process.hrtime.bigint();
    spawnSync('xargs', ['-0', '-n', '50', 'patchelf', '--set-rpath', '/nix/store/00000000000000000000000000000000-bench/lib'], {
      input: copies.join('\0'), stdio: ['pipe', 'ignore', 'ignore'],
    });
    return Number(process.hrtime.bigint() - start) / 1e6;
  }));
  const version = spawnSync('patchelf', ['--version'], { encoding: 'utf8' }).stdout.trim();
  console.log(`${files.length} ELF files of a 200-library closure; ${noted} got a note (median of ${RUNS} runs)\n`);
  console.log('| tool | time | files/s |');
  console.log('|---|---|---|');
  console.log(`| stormglass: build, embed and check every note, one Node process | ${ours.toFixed(0)} ms | ${(files.length / (ours / 1000)).toFixed(0)} |`);
  console.log(`| …of which building the notes (existence checks against the files present) | ${buildOnly.toFixed(0)} ms | |`);
  console.log(`| …of which embedding prebuilt notes and checking the outputs | ${embedOnly.toFixed(0)} ms | |`);
  console.log(`| ${version} --set-rpath (xargs -n 50) | ${theirs.toFixed(0)} ms | ${(files.length / (theirs / 1000)).toFixed(0)} |`);
  console.log(`\nratio, whole job: stormglass is ${(theirs / ours).toFixed(1)}x as fast as patchelf --set-rpath`);
  console.log(`ratio, header rewrite only: ${(theirs / embedOnly).toFixed(1)}x`);
} finally {
  rmSync(out, { recursive: true, force: true });
}
