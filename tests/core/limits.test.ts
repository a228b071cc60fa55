// A file larger than the core can hold is refused with input_too_large (not a trap in the wasm
// allocator), and the same engine goes on parsing. The 1.2 GB source is virtual: nothing is read.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { loadEngine } from '../../src/node/engine.ts';
import type { ByteSource } from '../../src/core/engine/engine.ts';

describe('input limits', () => {
  it('refuses a file over the core\'s largest block with input_too_large, and keeps working', async () => {
    const engine = await loadEngine();
    let reads = 0;
    const huge: ByteSource = { size: 1200 * 1024 * 1024, readInto: () => void reads++ };
    const result = engine.parseSource(huge);
    expect(result.ok ? 'ok' : result.error.code).toBe('input_too_large');
    expect(reads).toBe(0);
    expect(engine.parse(new Uint8Array(readFileSync('/usr/bin/true'))).ok).toBe(true);
  });
});
