// The simulator against the real glibc loader: every committed case recorded with strace
// (tests/fixtures/loader/record.ts) must be predicted line for line, with the exit status.
import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readCase, recordedLines, replay } from './replay.ts';

const CASES_DIR = 'tests/fixtures/loader/cases';
const HOST_DIR = 'tests/fixtures/loader/host';
const CASES = readdirSync(CASES_DIR).sort();

describe('recorded loader cases', () => {
  it('has the two dozen cases of glibc-loader-search.md §6', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(24);
  });

  for (const name of CASES) {
    it(name, async () => {
      const dir = join(CASES_DIR, name);
      const { trace, lines } = await replay(dir, HOST_DIR);
      expect(lines.join('\n')).toBe(recordedLines(dir).join('\n'));
      expect(trace.exitStatus).toBe(readCase(dir).exit);
    });
  }
});
