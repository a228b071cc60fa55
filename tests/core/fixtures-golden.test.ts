// Every good fixture parses to its committed golden JSON (tests/fixtures/expected/). A change in
// the core's output shows up here as a diff to review; `npm run fixtures` rewrites the goldens.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXPECTED_DIR, expectedJson, goodFixtureNames } from '../fixtures/expected.ts';

describe('golden inspect JSON of the fixtures', () => {
  const names = goodFixtureNames();
  it('has a dozen fixtures to compare', () => expect(names.length).toBeGreaterThanOrEqual(12));
  for (const name of names) {
    it(name, async () => {
      expect(await expectedJson(name)).toBe(readFileSync(join(EXPECTED_DIR, `${name}.json`), 'utf8'));
    });
  }
});
