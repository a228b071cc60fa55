// engine.write(…, parseOutput): the core parses its output where it wrote it, by making the output
// region its input (wasm/assembly/rewrite/buffers.ts useOutputAsInput). The oracle is the plain
// path: the output copied out and parsed afresh must give the very same report, through a run of
// writes of growing and shrinking files that reuses the exchanged regions every time.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { loadEngine } from '../../src/node/engine.ts';
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
});
