// The readable form of a trace: the load tree in load order, each library with the rule that found
// it, then the storm meter (totals) and the costliest directories and objects.
import type { Counts, LookupRecord, Rule, Trace } from './trace-types.ts';

export function ruleText(rule: Rule | null, trace: Trace): string {
  if (!rule) return 'not found';
  const name = (index: number) => {
    const o = trace.objects[index]!;
    return o.kind === 'program' ? 'the program' : o.name;
  };
  switch (rule.kind) {
    case 'already-loaded': return `already loaded, by ${rule.by}`;
    case 'rpath': return `RPATH of ${name(rule.of)} (depth ${rule.depth})`;
    case 'ld-library-path': return 'LD_LIBRARY_PATH';
    case 'resolution-note': return `resolution note of ${name(rule.of)}`;
    case 'runpath': return `RUNPATH of ${name(rule.of)}`;
    case 'cache': return 'ld.so.cache';
    case 'system-dirs': return 'system dirs';
    case 'path': return 'path (name contains /)';
  }
}

function countsText(c: Counts): string {
  return `${c.failedOpens} failed opens, ${c.failedStats} failed stats, ${c.successfulOpens} opens, ${c.syscalls} calls`;
}

function lookupLine(l: LookupRecord, trace: Trace, depth: number): string {
  const pad = '  '.repeat(depth);
  const cost = l.probeCount ? ` [${l.probeCount} calls]` : '';
  if (l.object === null) {
    // The paths open_verify tried, as ld.so's "error while loading" leaves the user guessing.
    const shown = l.considered.length > 6 ? [...l.considered.slice(0, 3), '…', ...l.considered.slice(-2)] : l.considered;
    const tried = l.considered.length ? `\n${pad}    tried ${l.considered.length}: ${shown.join(' ')}` : '';
    return `${pad}${l.name}: NOT FOUND — ${l.error}${cost}${tried}`;
  }
  const object = trace.objects[l.object]!;
  const where = object.kind === 'library' ? ` => ${object.name}` : '';
  return `${pad}${l.name}${where}  (${ruleText(l.rule, trace)})${cost}`;
}

/** Lookups grouped under the object that requested them, breadth-first like the loader. */
function treeLines(trace: Trace): string[] {
  const lines: string[] = [];
  const byRequester = new Map<number, LookupRecord[]>();
  for (const l of trace.lookups) {
    if (!byRequester.has(l.requester)) byRequester.set(l.requester, []);
    byRequester.get(l.requester)!.push(l);
  }
  const expanded = new Set<number>();
  const walk = (object: number, depth: number) => {
    expanded.add(object);
    for (const l of byRequester.get(object) ?? []) {
      const prefix = l.mode === 'needed' ? '' : `${l.mode}: `;
      lines.push(lookupLine({ ...l, name: prefix + l.name }, trace, depth));
      const child = l.object;
      if (child !== null && !expanded.has(child) && l.rule?.kind !== 'already-loaded') walk(child, depth + 1);
    }
  };
  walk(0, 1);
  return lines;
}

export function traceText(trace: Trace): string {
  const p = trace.profile;
  const lines = [
    `${trace.program}`,
    `  profile ${p.id}: glibc 2.${p.glibcMinor}, ${p.arch}, hwcaps ${p.hwcaps.join(' ') || 'none'}, ${trace.caps.length} slots per directory`,
    ...treeLines(trace),
    '',
    `Storm meter: ${countsText(trace.totals.program)}`,
    trace.error ? `Start-up fails (exit 127): ${trace.error}` : 'Start-up succeeds.',
    ...trace.warnings,
    ...trace.dlopens.map((d) => `dlopen(${d.name}): ${d.object === null ? `fails: ${d.error}` : trace.objects[d.object]!.name}`),
    '',
    'Costliest directories:',
    ...trace.totals.directories.slice(0, 5).map((d) => `  ${d.dir || '(cwd)'}: ${countsText(d.counts)}`),
    'Costliest objects (by the lookups of their dependencies):',
    ...trace.totals.objects.slice(0, 5).map((o) => {
      const object = trace.objects[o.object]!;
      return `  ${object.kind === 'program' ? trace.program : object.name}: ${countsText(o.counts)}`;
    }),
  ];
  return lines.join('\n') + '\n';
}

/** The trace as `stormglass trace --json` writes it (and the page's JSON export): the schema's form. */
export function traceJson(trace: Trace): string {
  return JSON.stringify(trace, null, 2) + '\n';
}
