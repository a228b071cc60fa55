// Demand loading (the CLI's path) must give exactly the report of a whole-file parse while reading
// only what the parse touches, each byte once.
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadEngine } from '../../src/node/engine.ts';
import type { ByteSource } from '../../src/core/engine/engine.ts';

/** An in-memory source that records every range it is asked for. */
function countingSource(bytes: Uint8Array) {
  const reads: [number, number][] = [];
  const source: ByteSource = {
    size: bytes.length,
    readInto(offset, target) {
      reads.push([offset, target.length]);
      target.set(bytes.subarray(offset, offset + target.length));
    },
  };
  return { source, reads };
}

const REAL = ['/usr/bin/true', '/usr/lib/x86_64-linux-gnu/libc.so.6', '/usr/lib/x86_64-linux-gnu/libstdc++.so.6'];
const FIXTURES = readdirSync('tests/fixtures/elf').map((f) => join('tests/fixtures/elf', f));
const BAD = readdirSync('tests/fixtures/bad').filter((f) => f !== 'manifest.json').map((f) => join('tests/fixtures/bad', f));

describe('demand loading', () => {
  for (const file of [...REAL.filter((f) => statSync(f, { throwIfNoEntry: false })), ...FIXTURES, ...BAD]) {
    it(`reads ${file} chunk by chunk into the same report, each chunk once`, async () => {
      const engine = await loadEngine();
      const bytes = new Uint8Array(readFileSync(file));
      const { source, reads } = countingSource(bytes);
      const onDemand = engine.parseSource(source, { symbols: true });
      expect(onDemand).toEqual(engine.parse(bytes, { symbols: true }));
      const starts = reads.map(([offset]) => offset);
      expect(new Set(starts).size).toBe(starts.length);
    });
  }

  it('reads a small part of a large library', async () => {
    const engine = await loadEngine();
    const bytes = new Uint8Array(readFileSync('/usr/lib/x86_64-linux-gnu/libc.so.6'));
    const { source, reads } = countingSource(bytes);
    expect(engine.parseSource(source).ok).toBe(true);
    const read = reads.reduce((sum, [, length]) => sum + length, 0);
    expect(read).toBeLessThan(bytes.length / 2);
  });
});
