// Bad input never breaks the core: tens of thousands of seeded mutations of real binaries and of
// the committed fixtures each give a report or a catalogue error with an in-file offset, never a
// trap (internal_error), and the same engine instance still parses the untouched file identically.
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadEngine } from '../../src/node/engine.ts';
import { ERROR_MESSAGES } from '../../src/core/elf/errors.ts';
import { mutate, seededRandom, type MutationKind } from './mutate.ts';

const FIXTURE_DIR = 'tests/fixtures/elf';
const SOURCES = [
  '/usr/bin/true',
  '/usr/lib/x86_64-linux-gnu/libz.so.1',
  ...(existsSync(FIXTURE_DIR) ? readdirSync(FIXTURE_DIR).sort().map((f) => join(FIXTURE_DIR, f)) : []),
].filter((f) => existsSync(f));

const PER_KIND = 3000;
const KINDS: MutationKind[] = ['flip', 'truncate', 'field'];
const KNOWN = new Set(Object.keys(ERROR_MESSAGES).filter((c) => c !== 'internal_error'));

describe('mutated ELF files', () => {
  it('has real and fixture inputs to mutate', () => {
    expect(SOURCES.length).toBeGreaterThanOrEqual(2);
  });

  for (const source of SOURCES) {
    for (const kind of KINDS) {
      it(`${kind} mutations of ${source} stay inside the catalogue`, async () => {
        const engine = await loadEngine();
        const original = new Uint8Array(readFileSync(source));
        const baseline = JSON.stringify(engine.parse(original, { symbols: true }));
        const r = seededRandom(0x5eed ^ source.length ^ kind.length * 7919);
        const seen = new Map<string, number>();
        for (let i = 0; i < PER_KIND / Math.max(1, SOURCES.length / 4); i++) {
          const bytes = mutate(original, r, kind);
          const result = engine.parse(bytes, { symbols: i % 2 === 0 });
          const problems = result.ok ? result.report.problems : [result.error];
          for (const p of problems) {
            if (!KNOWN.has(p.code) || p.offset < 0 || p.offset > bytes.length) {
              throw new Error(`${source} ${kind} #${i}: ${p.code} at ${p.offset} (length ${bytes.length})`);
            }
            seen.set(p.code, (seen.get(p.code) ?? 0) + 1);
          }
          if (i % 500 === 0) expect(JSON.stringify(engine.parse(original, { symbols: true }))).toBe(baseline);
        }
        expect(JSON.stringify(engine.parse(original, { symbols: true }))).toBe(baseline);
        // The mutations must actually reach the error paths, or this test proves nothing.
        expect(seen.size).toBeGreaterThan(0);
      });
    }
  }
});
