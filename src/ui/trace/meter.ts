// The storm meter's numbers: the program's totals, the change a resolution note makes to them, and
// the costliest search directories and requesting objects as bar lists.
import type { Counts, Trace } from '../../core/loader/trace-types.ts';
import { formatCount, objectLabel } from './labels.ts';

export type TotalId = 'failed-opens' | 'failed-stats' | 'syscalls' | 'successful-opens' | 'libraries';

export interface Total {
  id: TotalId;
  label: string;
  value: number;
  /** The three numbers of the stat storm itself, shown big; the others are context. */
  major: boolean;
}

/** Objects that stay loaded as libraries: not the program, ld.so or the vDSO, nor a failed dlopen's. */
export function librariesLoaded(trace: Trace): number {
  return trace.objects.filter((o) => o.kind === 'library' && !o.unloaded).length;
}

export function totals(trace: Trace): Total[] {
  const c = trace.totals.program;
  return [
    { id: 'failed-opens', label: 'Failing opens', value: c.failedOpens, major: true },
    { id: 'failed-stats', label: 'Failing stats', value: c.failedStats, major: true },
    { id: 'syscalls', label: 'Loader syscalls', value: c.syscalls, major: true },
    { id: 'successful-opens', label: 'Successful opens', value: c.successfulOpens, major: false },
    { id: 'libraries', label: 'Libraries loaded', value: librariesLoaded(trace), major: false },
  ];
}

/** after − before with its sign spelled out: "−1,204", "+3", "±0" (a true minus sign, U+2212). */
export function formatChange(before: number, after: number): string {
  const d = after - before;
  if (d === 0) return '±0';
  return (d < 0 ? '\u2212' : '+') + formatCount(Math.abs(d));
}

export interface CostBar {
  key: string;
  label: string;
  /** Shown under the label: an object's real path when it differs from its label. */
  detail: string | null;
  syscalls: number;
  failing: number;
  /** syscalls relative to the costliest entry, 0…1: the decorative bar's length. */
  fraction: number;
}

export const COSTLIEST = 8;

function bars(entries: { key: string; label: string; detail: string | null; counts: Counts }[]): CostBar[] {
  // totals.ts sorts both lists costliest first, so the first entry is the longest bar.
  const max = entries[0]?.counts.syscalls || 1;
  return entries.map(({ key, label, detail, counts }) => ({
    key, label, detail,
    syscalls: counts.syscalls,
    failing: counts.failedOpens + counts.failedStats,
    fraction: counts.syscalls / max,
  }));
}

export function costliestDirectories(trace: Trace, n = COSTLIEST): CostBar[] {
  return bars(trace.totals.directories.slice(0, n).map((d) => ({
    key: d.dir,
    // An empty search-path entry makes glibc search the current directory.
    label: d.dir === '' ? '(empty entry: current directory)' : d.dir,
    detail: null,
    counts: d.counts,
  })));
}

export function costliestObjects(trace: Trace, n = COSTLIEST): CostBar[] {
  return bars(trace.totals.objects.slice(0, n).map((o) => {
    const label = objectLabel(trace, o.object);
    const realPath = trace.objects[o.object]!.realPath;
    return { key: String(o.object), label, detail: realPath === label ? null : realPath, counts: o.counts };
  }));
}
