// Decompression of gzip (the platform's DecompressionStream, in Node 20 and every browser), xz
// (xz-decompress: xz-embedded in WebAssembly) and zstd (fzstd: pure JavaScript), detected by their
// magic bytes.
//
// Memory: the output is ONE fixed-length buffer of exactly the decompressed size, written as the
// decoder produces its (transient) chunks, so a load holds the compressed input plus one
// decompressed copy, never chunks joined at the end. The size comes from the format when it
// declares it: the xz index (always there), the zstd frame content sizes (when every frame has
// one: `zstd FILE` writes it, `tar --zstd` through a pipe does not), gzip's ISIZE (the size modulo
// 2^32 of the last member: exact for the usual single member). Otherwise, or when gzip's output
// outgrows ISIZE (several members), the input is decoded twice: once to count (and check), then
// into the exact buffer: twice the time, still one copy.
//
// Resizable ArrayBuffers would grow in place without a second pass, but browsers refuse views of
// them in TextDecoder, Blob and more ("must not be resizable"), and making one fixed-length
// (transferToFixedLength) copies it: so they are not used.
import xzPkg from 'xz-decompress';
import { Decompress as ZstdDecompress } from 'fzstd';
import { describeProblem } from '../elf/errors.ts';
import type { Problem } from '../elf/types.ts';
import { Xxh64 } from './xxh64.ts';

export type Compression = 'gzip' | 'xz' | 'zstd' | 'none';

/** Largest decompressed archive: lengths reach the wasm core as u32. */
export const MAX_DECOMPRESSED = 0xffff_ffff;

const INPUT_CHUNK = 1 << 20;
/** Deflate never expands more than about 1032:1: a larger ISIZE is not believed. */
const DEFLATE_MAX_RATIO = 1032;

export function detectCompression(b: Uint8Array): Compression {
  if (b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b) return 'gzip';
  if (b.length >= 6 && b[0] === 0xfd && b[1] === 0x37 && b[2] === 0x7a && b[3] === 0x58 && b[4] === 0x5a && b[5] === 0x00) return 'xz';
  if (b.length >= 4 && b[0] === 0x28 && b[1] === 0xb5 && b[2] === 0x2f && b[3] === 0xfd) return 'zstd';
  return 'none';
}

/** 'declared': one pass into a buffer of the declared size; 'two-pass': counted first. */
export type SinkStrategy = 'declared' | 'two-pass';

export type DecompressResult =
  | { ok: true; bytes: Uint8Array; /** How the output size was known (for tests and reports). */ strategy: SinkStrategy }
  | { ok: false; error: Problem };

class TooLarge extends Error {}
class Overflow extends Error {}
class UnsupportedCheck extends Error {}

/** Where decoded chunks go: counted only, or copied into the one output buffer. */
interface Sink {
  length: number;
  write(chunk: Uint8Array): void;
}

class CountSink implements Sink {
  length = 0;
  write(chunk: Uint8Array): void {
    this.length += chunk.length;
    if (this.length > MAX_DECOMPRESSED) throw new TooLarge();
  }
}

class FixedSink implements Sink {
  length = 0;
  constructor(readonly buffer: Uint8Array) {}
  write(chunk: Uint8Array): void {
    if (this.length + chunk.length > this.buffer.length) throw new Overflow();
    // Decoders reuse their output buffers: each chunk is copied before the next one is made.
    this.buffer.set(chunk, this.length);
    this.length += chunk.length;
  }
}

/** The input as a web stream of subarrays (no copy of the input). */
function inputStream(bytes: Uint8Array): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (at >= bytes.length) controller.close();
      else {
        controller.enqueue(bytes.subarray(at, Math.min(bytes.length, at + INPUT_CHUNK)));
        at += INPUT_CHUNK;
      }
    },
  });
}

async function drain(stream: ReadableStream<Uint8Array>, sink: Sink): Promise<void> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      sink.write(value);
    }
  } catch (error) {
    await reader.cancel().catch(() => undefined);
    throw error;
  }
}

/** gzip's ISIZE: the last member's size modulo 2^32 (exact for one member under 4 GiB). */
function gzipHint(b: Uint8Array): number | null {
  if (b.length < 18) return null;
  const n = b.length;
  const isize = (b[n - 4]! | (b[n - 3]! << 8) | (b[n - 2]! << 16) | (b[n - 1]! << 24)) >>> 0;
  return isize <= b.length * DEFLATE_MAX_RATIO ? isize : null;
}

function u32(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}

/** The xz streams of a file, found from the end through each stream's footer and index. */
export function xzStreams(b: Uint8Array): Array<{ start: number; end: number; size: number }> | null {
  const streams: Array<{ start: number; end: number; size: number }> = [];
  let end = b.length;
  while (end > 0) {
    // Stream padding: zero bytes, a multiple of four, between and after streams.
    while (end >= 4 && b[end - 1] === 0 && b[end - 2] === 0 && b[end - 3] === 0 && b[end - 4] === 0) end -= 4;
    if (end < 24) return null;
    const footer = end - 12;
    if (b[end - 2] !== 0x59 || b[end - 1] !== 0x5a) return null;
    const indexStart = footer - (u32(b, footer + 4) + 1) * 4;
    if (indexStart < 12 || b[indexStart] !== 0) return null;
    let p = indexStart + 1;
    const varint = (): number | null => {
      let value = 0;
      for (let i = 0; i < 9 && p < footer; i++) {
        const byte = b[p++]!;
        value += (byte & 0x7f) * 2 ** (7 * i);
        if ((byte & 0x80) === 0) return Number.isSafeInteger(value) ? value : null;
      }
      return null;
    };
    const count = varint();
    if (count === null) return null;
    let blocks = 0;
    let size = 0;
    for (let i = 0; i < count; i++) {
      const unpadded = varint();
      const uncompressed = varint();
      if (unpadded === null || uncompressed === null) return null;
      blocks += Math.ceil(unpadded / 4) * 4;
      size += uncompressed;
    }
    const start = indexStart - blocks - 12;
    if (start < 0 || b[start] !== 0xfd || b[start + 1] !== 0x37 || b[start + 2] !== 0x7a || b[start + 3] !== 0x58 || b[start + 4] !== 0x5a || b[start + 5] !== 0) return null;
    streams.unshift({ start, end, size });
    end = start;
  }
  return streams.length > 0 ? streams : null;
}

export interface ZstdFrame {
  start: number;
  end: number;
  /** Declared content size, or null. */
  size: number | null;
  /** The frame ends with the low 32 bits of XXH64 of its content. */
  checksum: boolean;
}

/** The zstd frames of the input (skippable frames left out), walked by their block headers, or null if the walk fails. */
export function zstdFrames(b: Uint8Array): ZstdFrame[] | null {
  const frames: ZstdFrame[] = [];
  let pos = 0;
  while (pos < b.length) {
    if (b.length - pos < 8) return null;
    const magic = u32(b, pos);
    if (magic === 0xfd2fb528) {
      const fhd = b[pos + 4]!;
      const fcsFlag = fhd >> 6;
      const single = (fhd >> 5) & 1;
      let p = pos + 5 + (single ? 0 : 1) + [0, 1, 2, 4][fhd & 3]!;
      const fcsSize = fcsFlag === 0 ? single : [1, 2, 4, 8][fcsFlag]!;
      if (p + fcsSize > b.length) return null;
      let size: number | null = null;
      if (fcsSize > 0) {
        size = 0;
        for (let i = fcsSize - 1; i >= 0; i--) size = size * 256 + b[p + i]!;
        if (fcsSize === 2) size += 256;
      }
      p += fcsSize;
      for (;;) {
        if (p + 3 > b.length) return null;
        const bh = b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16);
        const type = (bh >> 1) & 3;
        if (type === 3) return null; // reserved block type
        p += 3 + (type === 1 ? 1 : bh >>> 3);
        if (bh & 1) break;
      }
      const checksum = ((fhd >> 2) & 1) === 1;
      if (checksum) p += 4;
      if (p > b.length) return null;
      frames.push({ start: pos, end: p, size, checksum });
      pos = p;
    } else if ((magic & 0xfffffff0) === 0x184d2a50) {
      pos += 8 + u32(b, pos + 4);
    } else return null;
  }
  return pos === b.length ? frames : null;
}

/** The sum of the zstd frames' content sizes, if every frame declares one. */
export function zstdContentSize(b: Uint8Array): number | null {
  const frames = zstdFrames(b);
  if (frames === null || frames.some((f) => f.size === null)) return null;
  const total = frames.reduce((n, f) => n + f.size!, 0);
  return Number.isSafeInteger(total) ? total : null;
}

async function gunzip(bytes: Uint8Array, sink: Sink): Promise<void> {
  await drain(inputStream(bytes).pipeThrough(new DecompressionStream('gzip') as unknown as TransformStream<Uint8Array, Uint8Array>), sink);
}

async function unxz(bytes: Uint8Array, sink: Sink, streams: Array<{ start: number; end: number; size: number }> | null): Promise<void> {
  // xz-decompress stops at the end of the first stream: decode each stream on its own.
  for (const s of streams ?? [{ start: 0, end: bytes.length, size: -1 }]) {
    const before = sink.length;
    // Stream flags: the check type. xz-embedded verifies none, CRC32 and CRC64 only.
    if (![0x00, 0x01, 0x04].includes(bytes[s.start + 7]! & 0x0f)) throw new UnsupportedCheck();
    await drain(new xzPkg.XzReadableStream(inputStream(bytes.subarray(s.start, s.end))), sink);
    if (s.size >= 0 && sink.length - before !== s.size) throw new Error('xz stream size differs from its index');
  }
  if (streams === null) throw new Error('xz index unreadable');
}

function unzstdFrame(bytes: Uint8Array, sink: Sink, hash: Xxh64 | null): void {
  const z = new ZstdDecompress((chunk) => {
    sink.write(chunk);
    hash?.update(chunk);
  });
  for (let at = 0; at < bytes.length; at += INPUT_CHUNK) {
    z.push(bytes.subarray(at, Math.min(bytes.length, at + INPUT_CHUNK)), at + INPUT_CHUNK >= bytes.length);
  }
}

/** zstd frame by frame, checking each frame's declared size and content checksum (fzstd checks neither). */
function unzstd(bytes: Uint8Array, sink: Sink, verify: boolean): void {
  const frames = zstdFrames(bytes);
  if (frames === null) {
    unzstdFrame(bytes, sink, null); // for the offset where decoding fails
    throw new Error('zstd frames unreadable');
  }
  for (const f of frames) {
    const before = sink.length;
    const hash = verify && f.checksum ? new Xxh64() : null;
    unzstdFrame(bytes.subarray(f.start, f.end), sink, hash);
    if (f.size !== null && sink.length - before !== f.size) throw new Error('zstd frame size differs from its header');
    if (hash !== null && hash.digestLow32() !== u32(bytes, f.end - 4)) throw new Error('zstd content checksum mismatch');
  }
}

async function decodeInto(bytes: Uint8Array, kind: Exclude<Compression, 'none'>, sink: Sink, xz: ReturnType<typeof xzStreams>, verify: boolean): Promise<void> {
  if (kind === 'gzip') await gunzip(bytes, sink);
  else if (kind === 'xz') await unxz(bytes, sink, xz);
  else unzstd(bytes, sink, verify);
}

function allocate(size: number): Uint8Array {
  try {
    return new Uint8Array(size);
  } catch {
    throw new TooLarge();
  }
}

/** Decompresses `bytes` into one buffer of exactly the decompressed size; errors carry the decompressed offset reached. */
export async function decompress(bytes: Uint8Array, kind: Exclude<Compression, 'none'>): Promise<DecompressResult> {
  const xz = kind === 'xz' ? xzStreams(bytes) : null;
  const declared = kind === 'gzip' ? gzipHint(bytes) : kind === 'zstd' ? zstdContentSize(bytes) : xz === null ? null : xz.reduce((n, s) => n + s.size, 0);
  let sink: Sink = new CountSink();
  try {
    if (declared !== null) {
      if (declared > MAX_DECOMPRESSED) throw new TooLarge();
      const one = new FixedSink(allocate(declared));
      sink = one;
      try {
        await decodeInto(bytes, kind, one, xz, true);
        // xz and zstd check each stream's and frame's size; gzip's ISIZE is of the last member.
        if (one.length === declared) return { ok: true, bytes: one.buffer, strategy: 'declared' };
      } catch (error) {
        if (!(error instanceof Overflow)) throw error;
      }
      if (kind !== 'gzip') throw new Error('output size differs from the declared size');
      sink = new CountSink(); // several gzip members: count them all, then decode again
    }
    await decodeInto(bytes, kind, sink, xz, true);
    const exact = new FixedSink(allocate(sink.length));
    await decodeInto(bytes, kind, exact, xz, false);
    if (exact.length !== exact.buffer.length) throw new Error('the second pass decoded a different size');
    return { ok: true, bytes: exact.buffer, strategy: 'two-pass' };
  } catch (error) {
    if (error instanceof TooLarge) return { ok: false, error: describeProblem('archive_too_large', sink.length) };
    if (error instanceof UnsupportedCheck) return { ok: false, error: describeProblem('archive_unsupported_compression', sink.length) };
    return { ok: false, error: describeProblem('archive_bad_compression', sink.length) };
  }
}
