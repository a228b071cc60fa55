// Throughput of the Vfs (not a test: numbers only). Run: npx tsx tests/vfs/bench-vfs.ts
//  * stat() calls per second as the loader model makes them: the probes of a library search
//    (every SYSDIR × hwcaps subdir × a few hundred names) over the real filesystem and over a
//    memory tree, first uncached, then repeated (cache hits);
//  * load MB/s of tars made by GNU tar from /usr/lib (uncompressed, gzip, xz, zstd).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadArchive } from '../../src/core/vfs/load-archive.ts';
import type { Vfs } from '../../src/core/vfs/types.ts';
import { realFsVfs } from '../../src/node/real-fs.ts';

const dirs = ['/lib/x86_64-linux-gnu/', '/usr/lib/x86_64-linux-gnu/', '/lib/', '/usr/lib/', '/usr/local/lib/'];
const caps = ['glibc-hwcaps/x86-64-v4/', 'glibc-hwcaps/x86-64-v3/', 'glibc-hwcaps/x86-64-v2/', ''];
const names = readdirSync('/usr/lib/x86_64-linux-gnu').filter((n) => n.includes('.so')).slice(0, 300);
const probes: string[] = [];
for (const n of names) for (const d of dirs) for (const c of caps) probes.push(d + c + n);
probes.push(...dirs.flatMap((d) => caps.map((c) => d + c)));

function rate(vfs: Vfs, label: string): void {
  for (const pass of ['first pass (uncached)', 'second pass (cached)']) {
    const t0 = performance.now();
    let found = 0;
    for (const p of probes) if (vfs.stat(p, '/').ok) found++;
    const s = (performance.now() - t0) / 1000;
    console.log(`${label}, ${pass}: ${probes.length} stats, ${found} found, ${Math.round(probes.length / s).toLocaleString('en')} stat/s`);
  }
}

rate(realFsVfs('/'), 'real FS');

const work = mkdtempSync(join(tmpdir(), 'sg-bench-'));
try {
  // Uncompressed: all of /usr/lib/x86_64-linux-gnu; compressed: /usr/lib/gcc (smaller, to keep xz quick).
  execFileSync('tar', ['--format=gnu', '-cf', join(work, 'lib.tar'), '-C', '/', 'usr/lib/x86_64-linux-gnu'], { stdio: 'ignore' });
  execFileSync('tar', ['--format=gnu', '-cf', join(work, 'gcc.tar'), '-C', '/', 'usr/lib/gcc'], { stdio: 'ignore' });
  execFileSync('sh', ['-c', 'gzip -1 -k gcc.tar && xz -1 -T2 -k gcc.tar && zstd -q -3 gcc.tar -o gcc.tar.zst'], { cwd: work });
  for (const f of ['lib.tar', 'gcc.tar.gz', 'gcc.tar.xz', 'gcc.tar.zst']) {
    const input = readFileSync(join(work, f));
    const t0 = performance.now();
    const loaded = await loadArchive(input);
    const s = (performance.now() - t0) / 1000;
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.error));
    console.log(`load ${f}: ${(input.length / 2 ** 20).toFixed(0)} MB in, ${(loaded.bytes.length / 2 ** 20).toFixed(0)} MB tar, ${(loaded.bytes.length / 2 ** 20 / s).toFixed(0)} MB/s (of tar)`);
    // The probes again, over the tree (it holds /usr/lib/x86_64-linux-gnu; /lib is not in it).
    if (f === 'lib.tar') rate(loaded.vfs, 'memory tree');
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
