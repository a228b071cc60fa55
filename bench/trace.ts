// Benchmark (not a test): the loader model on generated Nix-like stores (92 libraries, as in the
// large test case, and 200), next to the real program's start-up under the real loader.
// Reports the simulation time from the real filesystem and from a tar (a first trace, and a
// re-trace that reuses the ELF files already read), the archive load rate, and the real start-up
// time with and without strace. Needs gcc and strace. `npm run bench:trace`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeStore, STORE_ROOT } from '../tests/fixtures/loader/store/make-store.ts';
import { loadArchive } from '../src/core/vfs/load-archive.ts';
import { mountVfs } from '../src/core/vfs/mount.ts';
import { realFsVfs } from '../src/node/real-fs.ts';
import { loadEngine } from '../src/node/engine.ts';
import { profileFromText } from '../src/core/loader/choose-profile.ts';
import { simulate } from '../src/core/loader/simulate.ts';
import type { Vfs } from '../src/core/vfs/types.ts';
import { ElfFacts } from '../src/core/loader/elf-facts.ts';

const RUNS = 15;

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

function timeMs(fn: () => void): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function measure(label: string, layers: number[]): Promise<void> {
  const out = mkdtempSync(join(tmpdir(), 'stormglass-bench-'));
  try {
    const recorded = await makeStore(out, layers);
    const profile = profileFromText(readFileSync(join(out, 'diagnostics.txt'), 'utf8'), 'diagnostics');
    const engine = await loadEngine();
    const run = (vfs: Vfs, facts?: ElfFacts) => simulate({ program: recorded.program, vfs, engine, profile, cwd: recorded.cwd, env: {}, dlopen: [], secure: false, facts });

    // A first trace reads every ELF file it meets; a re-trace (the page after a settings change)
    // reuses what it read. Files come from the page cache either way.
    const disk = median(Array.from({ length: RUNS }, () => timeMs(() => run(realFsVfs('/')))));
    const diskVfs = realFsVfs('/');
    const diskFacts = new ElfFacts(engine, diskVfs, profile.arch);
    run(diskVfs, diskFacts);
    const diskAgain = median(Array.from({ length: RUNS }, () => timeMs(() => run(diskVfs, diskFacts))));
    const tarBytes = new Uint8Array(readFileSync(join(out, 'store.tar')));
    const loads: number[] = [];
    let archiveVfs: Vfs | null = null;
    for (let i = 0; i < RUNS; i++) {
      const start = process.hrtime.bigint();
      const loaded = await loadArchive(tarBytes);
      loads.push(Number(process.hrtime.bigint() - start) / 1e6);
      if (!loaded.ok) throw new Error(loaded.error.code);
      archiveVfs = loaded.vfs;
    }
    const mounted = () => mountVfs(realFsVfs('/'), [{ at: STORE_ROOT, tree: archiveVfs! }]);
    const fromTar = median(Array.from({ length: RUNS }, () => timeMs(() => run(mounted()))));
    const tarVfs = mounted();
    const tarFacts = new ElfFacts(engine, tarVfs, profile.arch);
    run(tarVfs, tarFacts);
    const tarAgain = median(Array.from({ length: RUNS }, () => timeMs(() => run(tarVfs, tarFacts))));
    const trace = run(realFsVfs('/'));
    const libraries = trace.objects.filter((o) => o.kind === 'library').length;

    const real = median(Array.from({ length: RUNS }, () => timeMs(() => spawnSync(recorded.program, [], { stdio: 'ignore' }))));
    const traced = median(Array.from({ length: 5 }, () => timeMs(() =>
      spawnSync('strace', ['-f', '-e', 'trace=openat,newfstatat,fstat,access', '-o', '/dev/null', recorded.program], { stdio: 'ignore' }))));
    const mb = statSync(join(out, 'store.tar')).size / 1e6;
    console.log(`\n${label}: ${libraries} libraries loaded, ${trace.probes.length} loader calls (${trace.totals.program.failedOpens} failed opens, ${trace.totals.program.failedStats} failed stats)`);
    console.log('| measurement | time |');
    console.log('|---|---|');
    console.log(`| first trace, real filesystem (median of ${RUNS}) | ${disk.toFixed(1)} ms |`);
    console.log(`| re-trace, real filesystem | ${diskAgain.toFixed(1)} ms |`);
    console.log(`| first trace, tar mounted over the real filesystem | ${fromTar.toFixed(1)} ms |`);
    console.log(`| re-trace, tar | ${tarAgain.toFixed(1)} ms |`);
    console.log(`| tar load (${mb.toFixed(1)} MB) | ${median(loads).toFixed(1)} ms = ${(mb / (median(loads) / 1000)).toFixed(0)} MB/s |`);
    console.log(`| real program start-up under the real loader (median of ${RUNS}) | ${real.toFixed(1)} ms |`);
    console.log(`| the same under strace | ${traced.toFixed(1)} ms |`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

await measure('Nix-like store, 92 libraries (the large test case)', [8, 14, 16, 16, 16, 14, 8]);
await measure('Nix-like store, 200 libraries', [16, 28, 34, 40, 36, 30, 16]);
