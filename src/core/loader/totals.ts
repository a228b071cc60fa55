// Totals of a trace: per program, per requesting object and per search directory.
import type { Counts, LookupRecord, Probe, Totals } from './trace-types.ts';

function emptyCounts(): Counts {
  return { failedOpens: 0, failedStats: 0, successfulOpens: 0, syscalls: 0 };
}

function add(counts: Counts, probe: Probe): void {
  counts.syscalls++;
  if (probe.call === 'openat') {
    if (probe.result < 0) counts.failedOpens++;
    else counts.successfulOpens++;
  } else if (probe.call === 'newfstatat' && probe.path !== null && probe.result < 0) {
    counts.failedStats++;
  }
}

export function totalsOf(probes: Probe[], lookups: LookupRecord[]): Totals {
  const program = emptyCounts();
  const byObject = new Map<number, Counts>();
  const byDir = new Map<string, Counts>();
  for (const probe of probes) {
    add(program, probe);
    if (probe.lookup !== null) {
      const requester = lookups[probe.lookup]!.requester;
      if (!byObject.has(requester)) byObject.set(requester, emptyCounts());
      add(byObject.get(requester)!, probe);
    }
    if (probe.dir !== null) {
      if (!byDir.has(probe.dir)) byDir.set(probe.dir, emptyCounts());
      add(byDir.get(probe.dir)!, probe);
    }
  }
  const costliest = (a: Counts, b: Counts) => b.syscalls - a.syscalls;
  return {
    program,
    objects: [...byObject].map(([object, counts]) => ({ object, counts })).sort((a, b) => costliest(a.counts, b.counts)),
    directories: [...byDir].map(([dir, counts]) => ({ dir, counts })).sort((a, b) => costliest(a.counts, b.counts)),
  };
}
