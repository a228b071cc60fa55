// The storm meter's numbers (src/ui/trace/meter.ts) on the recorded loader cases, and the virtual
// list's window arithmetic (src/ui/trace/virtual-window.ts) that the search tree scrolls with.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COSTLIEST, costliestDirectories, costliestObjects, formatChange, librariesLoaded, totals } from '../../src/ui/trace/meter.ts';
import { formatCount } from '../../src/ui/trace/labels.ts';
import { renderedIndices, scrollTopFor, type Viewport } from '../../src/ui/trace/virtual-window.ts';
import { replay } from '../loader/replay.ts';

const CASES_DIR = 'tests/fixtures/loader/cases';
const CASES = readdirSync(CASES_DIR).sort();

describe.each(CASES)('storm meter of %s', (name) => {
  it('shows the program totals, and bars that follow the costliest entries', async () => {
    const { trace } = await replay(join(CASES_DIR, name), 'tests/fixtures/loader/host');
    const byId = Object.fromEntries(totals(trace).map((t) => [t.id, t.value]));
    const c = trace.totals.program;
    expect(byId).toEqual({
      'failed-opens': c.failedOpens, 'failed-stats': c.failedStats, 'syscalls': c.syscalls,
      'successful-opens': c.successfulOpens, 'libraries': librariesLoaded(trace),
    });

    const dirs = costliestDirectories(trace);
    expect(dirs.map((d) => d.syscalls)).toEqual(trace.totals.directories.slice(0, COSTLIEST).map((d) => d.counts.syscalls));
    const objects = costliestObjects(trace);
    expect(objects.map((o) => o.key)).toEqual(trace.totals.objects.slice(0, COSTLIEST).map((o) => String(o.object)));
    for (const bars of [dirs, objects]) {
      if (bars.length > 0) expect(bars[0]!.fraction).toBe(1);
      for (const bar of bars) {
        expect(bar.fraction).toBeGreaterThanOrEqual(0);
        expect(bar.fraction).toBeLessThanOrEqual(1);
        expect(bar.failing).toBeLessThanOrEqual(bar.syscalls);
      }
    }
    // The program is named by its path, a library by its soname, and its real path shown if different.
    for (const bar of objects) {
      const object = trace.objects[Number(bar.key)]!;
      expect(bar.label).toBe(object.kind === 'program' ? trace.program : object.soname ?? object.name);
      expect(bar.detail ?? bar.label).toBe(object.realPath);
    }
  });
});

describe('numbers as the meter prints them', () => {
  it('spells the change with a true minus sign, a plus, or ±0', () => {
    expect(formatChange(1204, 0)).toBe('\u22121,204');
    expect(formatChange(8, 11)).toBe('+3');
    expect(formatChange(5, 5)).toBe('±0');
    expect(formatCount(1234567)).toBe('1,234,567');
  });
});

describe('the virtual window', () => {
  const view = (scrollTop: number, count = 10_000): Viewport => ({ scrollTop, height: 300, rowHeight: 30, count, overscan: 5 });

  it('renders the rows in view and the overscan, clipped to the list', () => {
    expect(renderedIndices(view(0), null)).toEqual(Array.from({ length: 15 }, (_, i) => i));
    expect(renderedIndices(view(3000), null)).toEqual(Array.from({ length: 20 }, (_, i) => 95 + i));
    expect(renderedIndices(view(0, 3), null)).toEqual([0, 1, 2]);
    expect(renderedIndices(view(0, 0), null)).toEqual([]);
  });

  it('keeps the focused row in the DOM, in order, wherever it is', () => {
    expect(renderedIndices(view(3000), 7)).toEqual([7, ...Array.from({ length: 20 }, (_, i) => 95 + i)]);
    expect(renderedIndices(view(3000), 9000).at(-1)).toBe(9000);
    expect(renderedIndices(view(3000), 100)).toEqual(renderedIndices(view(3000), null));
    expect(renderedIndices(view(0, 3), 5)).toEqual([0, 1, 2]);
  });

  it('scrolls as little as possible to show a row whole', () => {
    expect(scrollTopFor(3, view(0))).toBe(0);
    expect(scrollTopFor(10, view(0))).toBe(30);
    expect(scrollTopFor(50, view(3000))).toBe(1500);
    expect(scrollTopFor(9999, view(0))).toBe(9999 * 30 + 30 - 300);
  });
});
