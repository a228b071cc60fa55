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
    if (probe.dir === null) continue;
    let counts = byDir.get(probe.dir);
    if (!counts) byDir.set(probe.dir, (counts = emptyCounts()));
    add(counts, probe);
  }
  // Each lookup owns a contiguous run of probes: credit them to the object that asked.
  for (const lookup of lookups) {
    if (lookup.probeCount === 0) continue;
    let counts = byObject.get(lookup.requester);
    if (!counts) byObject.set(lookup.requester, (counts = emptyCounts()));
    for (let i = lookup.firstProbe; i < lookup.firstProbe + lookup.probeCount; i++) add(counts, probes[i]!);
  }
  const costliest = (a: Counts, b: Counts) => b.syscalls - a.syscalls;
  return {
    program,
    objects: [...byObject].map(([object, counts]) => ({ object, counts })).sort((a, b) => costliest(a.counts, b.counts)),
    directories: [...byDir].map(([dir, counts]) => ({ dir, counts })).sort((a, b) => costliest(a.counts, b.counts)),
  };
}
