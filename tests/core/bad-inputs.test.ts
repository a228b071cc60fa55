// The bad-input catalogue: one fixture per error code (tests/fixtures/bad/manifest.json, made by
// tests/fixtures/bad.ts from documented mutations of the good fixtures). Each must yield its code
// at the byte offset the mutation broke: as the fatal error, or among the problems of a report.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadEngine } from '../../src/node/engine.ts';

interface Case { file: string; code: string; offset: number; why: string }

const DIR = 'tests/fixtures/bad';
const CASES: Case[] = JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8'));
const FATAL = new Set(['elf_empty', 'elf_truncated', 'elf_bad_magic', 'elf_bad_class', 'elf_bad_data']);

describe('bad-input catalogue', () => {
  it('covers at least forty codes', () => {
    expect(new Set(CASES.map((c) => c.code)).size).toBeGreaterThanOrEqual(40);
  });

  for (const c of CASES) {
    it(`${c.file}: ${c.code} at ${c.offset}`, async () => {
      const engine = await loadEngine();
      const result = engine.parse(readFileSync(join(DIR, c.file)), { symbols: true });
      if (FATAL.has(c.code)) {
        expect(result.ok ? result.report.problems : result.error).toEqual(expect.objectContaining({ code: c.code, offset: c.offset }));
      } else {
        expect(result.ok, `${c.file} should still give a report`).toBe(true);
        if (result.ok) {
          const found = result.report.problems.map((p) => `${p.code}@${p.offset}`);
          expect(found).toContain(`${c.code}@${c.offset}`);
        }
      }
      // The same engine still reads a good file right after.
      const after = engine.parse(readFileSync('tests/fixtures/elf/elf64-le-ldcache'));
      expect(after.ok).toBe(true);
    });
  }
});
