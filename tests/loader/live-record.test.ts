// Where gcc and strace are available (as in CI), every case is rebuilt and recorded live under the
// real loader of this machine, and the simulator must equal each live trace line for line.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordAll } from '../fixtures/loader/record.ts';
import { readCase, recordedLines, replay } from './replay.ts';
import { CAN_RECORD } from './tools.ts';

describe.runIf(CAN_RECORD)('live recording on this machine', () => {
  it('predicts every freshly recorded case line for line', async () => {
    const out = mkdtempSync(join(tmpdir(), 'stormglass-live-'));
    try {
      const results = recordAll(join(out, 'cases'), { hostDir: join(out, 'host') });
      expect(results.length).toBeGreaterThanOrEqual(24);
      const mismatches: string[] = [];
      for (const result of results) {
        const dir = join(out, 'cases', result.json.name);
        const { trace, lines } = await replay(dir, join(out, 'host'));
        if (lines.join('\n') !== recordedLines(dir).join('\n') || trace.exitStatus !== readCase(dir).exit) mismatches.push(result.json.name);
      }
      expect(mismatches).toEqual([]);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 300_000);
});
