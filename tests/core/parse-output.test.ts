// The engine's no-copy paths. engine.load: a file read straight into the core (from a ByteSource)
// is parsed and written as the same bytes copied in. engine.write(…, parseOutput): the core parses
// its output where it wrote it, by making the output region its input
// (wasm/assembly/rewrite/buffers.ts useOutputAsInput). The oracle is the plain path: the output
// copied out and parsed afresh must give the very same report, through a run of writes of growing
// and shrinking files that reuses the exchanged regions every time.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { loadEngine } from '../../src/node/engine.ts';
import { PathSource } from '../../src/node/file-source.ts';
import { statSync } from 'node:fs';
import { buildNote } from '../rewrite/helpers.ts';

const FILES = ['/lib/x86_64-linux-gnu/libc.so.6', '/bin/true', '/usr/lib/x86_64-linux-gnu/libstdc++.so.6', '/lib/x86_64-linux-gnu/libz.so.1', '/bin/ls']
  .filter((path) => existsSync(path));

describe.runIf(FILES.length >= 2)('parsing the writer output in place', () => {
  it('gives the report a fresh parse of the copied-out output gives, file after file', async () => {
    const engine = await loadEngine();
    const note = buildNote([['libc.so.6', '?/nix/store/x-glibc/lib']], false);
    for (const options of [{ symbolDigest: true }, { symbols: true }, {}]) {
      for (const path of [...FILES, ...FILES.slice().reverse()]) {
        const bytes = new Uint8Array(readFileSync(path));
        const written = engine.write(bytes, { kind: 'embed-note', note, replace: false }, options);
        if (!written.ok) throw new Error(`${path}: ${written.error.code}`);
        expect(written.changed).toBe(true);
        expect(written.parsed!.ok, path).toBe(true);
        // node's deep equality: vitest's is far slower on reports with thousands of symbols.
        expect(isDeepStrictEqual(written.parsed, engine.parse(written.bytes, options)), path).toBe(true);
        // The input region was exchanged, not lost: the same edit again gives the same bytes.
        const again = engine.write(bytes, { kind: 'embed-note', note, replace: false });
        if (!again.ok) throw new Error(`${path}: ${again.error.code}`);
        expect(Buffer.compare(again.bytes, written.bytes), path).toBe(0);
      }
    }
  });

  it('parses nothing into a report when the edit changed nothing', async () => {
    const engine = await loadEngine();
    const bytes = new Uint8Array(readFileSync(FILES[0]!));
    const written = engine.write(bytes, { kind: 'remove-note' }, { symbolDigest: true });
    expect(written.ok && written.changed).toBe(false);
    expect(written.ok && written.parsed).toBeUndefined();
  });

  it('reads a file straight into the core as its bytes would be copied in', async () => {
    const engine = await loadEngine();
    for (const path of FILES) {
      const bytes = new Uint8Array(readFileSync(path));
      const loaded = engine.load(new PathSource(path, statSync(path).size));
      if (!loaded.ok) throw new Error(loaded.error.code);
      expect(Buffer.compare(loaded.file.bytes(), bytes), path).toBe(0);
      expect(isDeepStrictEqual(loaded.file.parse({ symbolDigest: true }), engine.parse(bytes, { symbolDigest: true })), path).toBe(true);
    }
  });

  it('refuses a loaded file once the engine has loaded other bytes or parsed its output in its place', async () => {
    const engine = await loadEngine();
    const first = engine.load(new Uint8Array(readFileSync(FILES[0]!)));
    const second = engine.load(new Uint8Array(readFileSync(FILES[1]!)));
    if (!first.ok || !second.ok) throw new Error('not loaded');
    expect(() => first.file.parse()).toThrow(/used after the engine loaded other bytes/);
    expect(second.file.parse().ok).toBe(true);
    const written = second.file.write({ kind: 'embed-note', note: buildNote([['libc.so.6', '?/x']], false), replace: false }, {});
    expect(written.ok && written.changed).toBe(true);
    expect(() => second.file.bytes()).toThrow(/used after/);
  });
});
