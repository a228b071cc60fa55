// Memory use of a big archive (~250 MB of files, made by GNU tar): loaded uncompressed it costs
// no copy (file contents are views of the archive's bytes); compressed (gzip, and zstd written
// through a pipe, so it declares no size and is decoded twice) it costs one decompressed copy. Each load runs in a
// fresh process (tests/vfs/measure-load.ts) that reports RSS and V8 heap + ArrayBuffers after a
// forced GC, and the growth of its peak RSS. No wall-clock assertion: throughput is printed.
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from './helpers.ts';

const MB = 1 << 20;
const FILES = 25;
const FILE_SIZE = 10 * MB;

let work = '';
let tarSize = 0;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'sg-big-'));
  const src = join(work, 'src');
  mkdirSync(join(src, 'lib'), { recursive: true });
  // Compressible about 4:1: each MiB is 256 KiB of fresh random bytes, then a repeated block.
  const block = randomBytes(16 * 1024, 42);
  const chunk = new Uint8Array(MB);
  for (let i = 256 * 1024; i < MB; i += block.length) chunk.set(block, i);
  for (let f = 0; f < FILES; f++) {
    const fd = openSync(join(src, 'lib', `lib${f}.so`), 'w');
    for (let m = 0; m < FILE_SIZE / MB; m++) {
      chunk.set(randomBytes(256 * 1024, f * 1000 + m + 1), 0);
      writeSync(fd, chunk);
    }
    closeSync(fd);
  }
  execFileSync('tar', ['--format=gnu', '-C', src, '-cf', join(work, 'big.tar'), '.']);
  rmSync(src, { recursive: true });
  execFileSync('sh', ['-c', 'gzip -1 -c big.tar > big.tar.gz && zstd -1 -q < big.tar > big.tar.zst'], { cwd: work });
  tarSize = statSync(join(work, 'big.tar')).size;
}, 300_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

interface Measure {
  inputBytes: number;
  archiveBytes: number;
  files: number;
  filesAreViews: boolean;
  buffer: string;
  retainedRss: number;
  retainedJs: number;
  peakRssGrowth: number;
  seconds: number;
}

function measure(file: string): Measure {
  const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', join(import.meta.dirname, 'measure-load.ts'), join(work, file)], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  const m = JSON.parse(out.trim().split('\n').pop()!) as Measure;
  const mb = (n: number) => +(n / MB).toFixed(1);
  console.log(
    `${file}: input ${mb(m.inputBytes)} MB, tar ${mb(m.archiveBytes)} MB, buffer ${m.buffer}, retained RSS ${mb(m.retainedRss)} MB ` +
      `(JS heap + ArrayBuffers ${mb(m.retainedJs)} MB), peak RSS growth ${mb(m.peakRssGrowth)} MB, ${(m.archiveBytes / MB / m.seconds).toFixed(0)} MB/s`,
  );
  return m;
}

describe(`a ~${(FILES * FILE_SIZE) / MB} MB archive loads with at most one extra copy of its bytes`, () => {
  it('uncompressed: no copy, every file is a view of the archive', () => {
    const m = measure('big.tar');
    expect(m.files).toBe(FILES);
    expect(m.archiveBytes).toBe(tarSize);
    expect(m.filesAreViews).toBe(true);
    expect(m.retainedJs).toBeLessThan(16 * MB);
    expect(m.retainedRss).toBeLessThan(32 * MB);
    expect(m.peakRssGrowth).toBeLessThan(32 * MB);
  });

  for (const [file, strategy] of [
    ['big.tar.gz', 'declared'],
    ['big.tar.zst', 'two-pass'],
  ]) {
    it(`${file}: one decompressed copy, files are views of it`, () => {
      const m = measure(file!);
      expect(m.files).toBe(FILES);
      expect(m.archiveBytes).toBe(tarSize);
      expect(m.filesAreViews).toBe(true);
      expect(m.buffer).toBe(strategy);
      expect(m.retainedRss).toBeGreaterThan(0.9 * tarSize); // the measure sees the copy...
      expect(m.retainedRss).toBeLessThan(1.1 * tarSize + 48 * MB); // ...and only one
      expect(m.peakRssGrowth).toBeLessThan(1.1 * tarSize + 64 * MB);
    });
  }
});
