// Decompression: detection by magic, multi-member gzip, multi-stream xz (with stream padding),
// zstd with and without frame content sizes (and their XXH64 checksums), the one output buffer of
// exactly the decompressed size (declared by the format, or counted in a first pass), and corrupt
// input reported with the decompressed offset reached. Inputs are made by the real gzip, xz and zstd.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { decompress, detectCompression, xzStreams, zstdContentSize, zstdFrames } from '../../src/core/vfs/decompress.ts';
import { Xxh64 } from '../../src/core/vfs/xxh64.ts';
import { loadArchive } from '../../src/core/vfs/load-archive.ts';
import { randomBytes, sha256 } from './helpers.ts';
import { archive, entry } from './tar-writer.ts';
import { concat as concatBytes } from '../fixtures/builder/writer.ts';

const run = (cmd: string, args: string[], input: Uint8Array) => new Uint8Array(execFileSync(cmd, args, { input, maxBuffer: 1 << 30 }));
const concat = (...parts: Uint8Array[]) => concatBytes(parts);

// Compressible but not trivial: a random 8 KiB block repeated with changes.
function sample(n: number, seed: number): Uint8Array {
  const block = randomBytes(8192, seed);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += 8192) {
    out.set(block.subarray(0, Math.min(8192, n - i)), i);
    out[i] = i & 0xff;
  }
  return out;
}

const A = sample(3_000_000, 1);
const B = sample(1_000_003, 2);

describe('decompress', () => {
  it('detects by magic bytes', () => {
    expect(detectCompression(run('gzip', ['-c'], A))).toBe('gzip');
    expect(detectCompression(run('xz', ['-c'], A))).toBe('xz');
    expect(detectCompression(run('zstd', ['-c'], A))).toBe('zstd');
    expect(detectCompression(A)).toBe('none');
  });

  it('gzip: one member (ISIZE is the size) and several members', async () => {
    const one = await decompress(run('gzip', ['-c'], A), 'gzip');
    expect(one.ok && sha256(one.bytes)).toBe(sha256(A));
    expect(one.ok && one.strategy).toBe('declared');
    const two = await decompress(concat(run('gzip', ['-c'], A), run('gzip', ['-c'], B)), 'gzip');
    expect(two.ok && sha256(two.bytes)).toBe(sha256(concat(A, B)));
  });

  it('xz: the index gives the size; several streams with padding decode in turn', async () => {
    const single = run('xz', ['-c'], A);
    expect(xzStreams(single)).toEqual([{ start: 0, end: single.length, size: A.length }]);
    const multi = concat(run('xz', ['-c'], A), new Uint8Array(8), run('xz', ['-c', '--check=crc32'], B), new Uint8Array(4));
    expect(xzStreams(multi)?.map((s) => s.size)).toEqual([A.length, B.length]);
    const r = await decompress(multi, 'xz');
    expect(r.ok && sha256(r.bytes)).toBe(sha256(concat(A, B)));
    // xz-embedded cannot verify SHA-256 checks: said so, not reported as corruption.
    const sha = await decompress(run('xz', ['-c', '--check=sha256'], B), 'xz');
    expect(sha.ok ? 'ok' : sha.error.code).toBe('archive_unsupported_compression');
  });

  it('zstd: content sizes when every frame declares one, streaming otherwise', async () => {
    const file = run('zstd', ['-c', '-q'], A);
    const sized = concat(run('zstd', ['-c', '-q', '--content-size', '--stream-size=' + A.length], A), run('zstd', ['-c', '-q', '--content-size', '--stream-size=' + B.length], B));
    expect(zstdContentSize(sized)).toBe(A.length + B.length);
    const unsized = run('zstd', ['-c', '-q', '--no-content-size'], A);
    expect(zstdContentSize(unsized)).toBeNull();
    for (const input of [file, sized, unsized]) {
      const r = await decompress(input, 'zstd');
      expect(r.ok && r.bytes.length).toBe(input === sized ? A.length + B.length : A.length);
    }
    const r = await decompress(sized, 'zstd');
    expect(r.ok && sha256(r.bytes)).toBe(sha256(concat(A, B)));
  });

  it('verifies zstd content checksums (XXH64, computed here in pieces of any size)', async () => {
    const vectors: Array<[string, string]> = [
      ['', 'ef46db3751d8e999'],
      ['a', 'd24ec4f1a98c6e5b'],
      ['abc', '44bc2cf5ad770999'],
      ['Nobody inspects the spammish repetition', 'fbcea83c8a378bf1'],
    ];
    for (const [text, hex] of vectors) {
      const h = new Xxh64();
      h.update(new TextEncoder().encode(text));
      expect(h.digest().map((x) => x.toString(16).padStart(8, '0')).join('')).toBe(hex);
    }
    // Same digest whatever the split.
    const data = randomBytes(1000, 9);
    const whole = new Xxh64();
    whole.update(data);
    for (const step of [1, 7, 31, 32, 33, 100]) {
      const h = new Xxh64();
      for (let i = 0; i < data.length; i += step) h.update(data.subarray(i, i + step));
      expect(h.digest()).toEqual(whole.digest());
    }
    // Frames written by the zstd CLI (with --check, its default) pass, for many sizes.
    for (const n of [0, 1, 31, 32, 33, 100, 4096, 100_001]) {
      const input = randomBytes(n, n + 1);
      const z = run('zstd', ['-c', '-q', '--check'], input);
      expect(zstdFrames(z)?.[0]?.checksum).toBe(true);
      const r = await decompress(z, 'zstd');
      expect({ n, ok: r.ok && sha256(r.bytes) === sha256(input) }).toEqual({ n, ok: true });
    }
    // A changed byte inside a raw block decodes "fine" but fails the checksum.
    const raw = randomBytes(5000, 3); // incompressible: stored as a raw block
    const z = run('zstd', ['-c', '-q', '--check'], raw);
    const flipped = new Uint8Array(z);
    flipped[z.length - 100]! ^= 1;
    const bad = await decompress(flipped, 'zstd');
    expect(bad.ok ? 'ok' : bad.error).toMatchObject({ code: 'archive_bad_compression', offset: 5000 });
  });

  it('decodes into one buffer of the exact size: declared by the format, or counted in a first pass', async () => {
    const cases: Array<[string, Uint8Array, 'gzip' | 'xz' | 'zstd', Uint8Array, string]> = [
      ['gzip, one member (ISIZE)', run('gzip', ['-c'], A), 'gzip', A, 'declared'],
      ['gzip, two members', concat(run('gzip', ['-c'], A), run('gzip', ['-c'], B)), 'gzip', concat(A, B), 'two-pass'],
      ['xz (index)', run('xz', ['-c'], A), 'xz', A, 'declared'],
      ['zstd FILE (content size)', run('zstd', ['-c', '-q', '--content-size', '--stream-size=' + A.length], A), 'zstd', A, 'declared'],
      ['zstd from a pipe (no size)', run('zstd', ['-c', '-q', '--no-content-size'], A), 'zstd', A, 'two-pass'],
    ];
    for (const [label, input, kind, expected, strategy] of cases) {
      const r = await decompress(input, kind);
      if (!r.ok) throw new Error(label + ': ' + JSON.stringify(r.error));
      expect({ label, strategy: r.strategy, sha: sha256(r.bytes) }).toEqual({ label, strategy, sha: sha256(expected) });
      // One fixed-length buffer exactly the size of the output: no slack, no joined chunks.
      expect(r.bytes.byteOffset).toBe(0);
      expect(r.bytes.buffer.byteLength).toBe(expected.length);
    }
  });

  it('corrupt or cut input is archive_bad_compression at the decompressed offset reached', async () => {
    for (const [kind, data] of [
      ['gzip', run('gzip', ['-c'], A)],
      ['xz', run('xz', ['-c'], A)],
      ['zstd', run('zstd', ['-c', '-q'], A)],
    ] as const) {
      const cut = await decompress(data.subarray(0, data.length - 40), kind);
      expect({ kind, code: cut.ok ? 'ok' : cut.error.code }).toEqual({ kind, code: 'archive_bad_compression' });
      const flipped = new Uint8Array(data);
      flipped[Math.floor(data.length / 2)]! ^= 0xff;
      const bad = await decompress(flipped, kind);
      expect({ kind, code: bad.ok ? 'ok' : bad.error.code }).toEqual({ kind, code: 'archive_bad_compression' });
      if (!cut.ok && kind !== 'xz') expect({ kind, reached: cut.error.offset > 0 }).toEqual({ kind, reached: true });
    }
  });

  it('a compressed tar cut at a member boundary is still a truncated tar, never a partial tree', async () => {
    const tar = archive([entry({ name: 'a' }, A.subarray(0, 100_000)), entry({ name: 'b' }, B.subarray(0, 100_000))]);
    const firstHalf = run('gzip', ['-c'], tar.subarray(0, 512 + 100_352));
    const r = await loadArchive(firstHalf);
    expect(r.ok ? 'ok' : r.error).toMatchObject({ code: 'archive_truncated', offset: 512 + 100_352 });
  });
});
