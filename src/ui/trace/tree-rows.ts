// The search tree apart from its component: the trace's load order as top-level nodes (each lookup,
// and each run of process-level calls where it happened), flattened with the probes of the expanded
// nodes into the one array the virtual list renders; the filters; the words of each row; and the
// keyboard moves of an ARIA tree. Pure, so the tests run it on real traces.
import type { LookupRecord, Probe, ProbePurpose, Trace } from '../../core/loader/trace-types.ts';
import { ruleText } from '../../core/loader/trace-text.ts';
import { straceLine } from '../../core/loader/strace-format.ts';
import { formatCount, objectLabel } from './labels.ts';

/** A top-level row: one lookup, or a run of consecutive process-level calls (probe.lookup === null). */
export interface TreeNode {
  key: string;
  lookup: number | null;
  /** Its probes: trace.probes[firstProbe … firstProbe + probeCount). */
  firstProbe: number;
  probeCount: number;
  failing: number;
}

/** What flattening needs from a trace, computed once per trace rather than on every keystroke. */
export interface TreeModel {
  trace: Trace;
  nodes: TreeNode[];
  /** Lower-case text the filter matches: a node's names and paths, a probe's path. */
  nodeSearchText: string[];
  probeSearchText: string[];
  /** The node each probe is listed under. */
  nodeOfProbe: Int32Array;
}

const PURPOSE_TEXT: Record<ProbePurpose, string> = {
  'candidate': 'candidate file',
  'dir-stat': 'directory check',
  'file-id': 'file identity (fstat of the opened file)',
  'setuid-check': 'set-user-ID check of a secure-mode preload',
  'cache': 'ld.so.cache',
  'preload-file': '/etc/ld.so.preload',
  'suid-debug': '/etc/suid-debug (secure mode)',
};

function isFailing(probe: Probe): boolean {
  return probe.result < 0;
}

export function treeModel(trace: Trace): TreeModel {
  const { probes } = trace;
  // Process-level calls happen between lookups (the preload file is read after LD_PRELOAD's
  // libraries): each maximal run becomes a node of its own, placed where it happened, so that the
  // fully expanded tree reads in trace order.
  const runs: TreeNode[] = [];
  for (const [i, probe] of probes.entries()) {
    if (probe.lookup !== null) continue;
    const last = runs.at(-1);
    if (last && last.firstProbe + last.probeCount === i) last.probeCount++;
    else runs.push({ key: `G${i}`, lookup: null, firstProbe: i, probeCount: 1, failing: 0 });
  }
  const nodes: TreeNode[] = [];
  let run = 0;
  for (const l of trace.lookups) {
    // A run starting before the lookup's first probe came before it; a lookup without probes
    // recorded at the run's start position was made before the run (a later one would start after it).
    while (run < runs.length && runs[run]!.firstProbe < l.firstProbe) nodes.push(runs[run++]!);
    nodes.push({ key: `L${l.index}`, lookup: l.index, firstProbe: l.firstProbe, probeCount: l.probeCount, failing: 0 });
  }
  nodes.push(...runs.slice(run));

  const nodeOfProbe = new Int32Array(probes.length).fill(-1);
  for (const [n, node] of nodes.entries()) {
    for (let p = node.firstProbe; p < node.firstProbe + node.probeCount; p++) {
      nodeOfProbe[p] = n;
      if (isFailing(probes[p]!)) node.failing++;
    }
  }
  const nodeSearchText = nodes.map((node) => {
    if (node.lookup === null) return groupLabel(trace, node).toLowerCase();
    const l = trace.lookups[node.lookup]!;
    const object = l.object === null ? null : trace.objects[l.object]!;
    return [l.name, object?.name, object?.realPath, l.error].filter((s) => s).join('\n').toLowerCase();
  });
  const probeSearchText = probes.map((p) => (p.path ?? '').toLowerCase());
  return { trace, nodes, nodeSearchText, probeSearchText, nodeOfProbe };
}

// ---- Row text ----

/** A process-level run by what its calls are for, e.g. "Process-level calls: /etc/ld.so.preload". */
export function groupLabel(trace: Trace, node: TreeNode): string {
  const purposes = new Set<string>();
  for (let p = node.firstProbe; p < node.firstProbe + node.probeCount; p++) purposes.add(PURPOSE_TEXT[trace.probes[p]!.purpose]);
  return `Process-level calls: ${[...purposes].join(', ')}`;
}

export interface LookupText {
  name: string;
  /** "preload" or "dlopen" for a lookup that is not a DT_NEEDED. */
  mode: string | null;
  /** Who asked: "needed by libfoo.so.1". */
  requester: string;
  /** The rule that answered (ruleText), "not found" for a failure. */
  rule: string;
  found: boolean;
  /** The real path it resolved to, or the loader's error. */
  target: string;
}

export function lookupText(trace: Trace, lookup: LookupRecord): LookupText {
  const by = objectLabel(trace, lookup.requester);
  const requester = lookup.mode === 'needed' ? `needed by ${by}` : lookup.mode === 'dlopen' ? `dlopen by ${by}` : 'LD_PRELOAD or /etc/ld.so.preload';
  return {
    name: lookup.name,
    mode: lookup.mode === 'needed' ? null : lookup.mode,
    requester,
    rule: ruleText(lookup.rule, trace),
    found: lookup.object !== null,
    target: lookup.object === null ? (lookup.error ?? 'not found') : trace.objects[lookup.object]!.realPath,
  };
}

/** "66 probes, 60 failing", and how many the filter shows when it hides some. */
export function costText(node: TreeNode, shown: number): string {
  if (node.probeCount === 0) return 'no probes';
  const count = `${formatCount(node.probeCount)} ${node.probeCount === 1 ? 'probe' : 'probes'}, ${formatCount(node.failing)} failing`;
  return shown < node.probeCount ? `${count}, ${formatCount(shown)} shown` : count;
}

export interface ProbeText {
  hit: boolean;
  /** The result as an icon and in words, so it never rests on colour: "✓ found", "✗ ENOENT". */
  marker: string;
  /** The hwcaps subdirectory probed, without its trailing slash; null for the directory itself. */
  caps: string | null;
  /** glibc-hwcaps/<level>/, or a legacy subdir of glibc ≤ 2.36 (tls/, x86_64/, haswell/ …). */
  capsKind: 'glibc-hwcaps' | 'legacy' | null;
  purpose: string;
  /** The call as strace prints it. */
  line: string;
}

function hitWord(probe: Probe): string {
  if (probe.purpose === 'candidate') return 'found';
  if (probe.purpose === 'dir-stat') return 'dir exists';
  return 'ok';
}

export function probeText(probe: Probe): ProbeText {
  const hit = !isFailing(probe);
  const caps = probe.caps ? probe.caps.replace(/\/$/, '') : null;
  return {
    hit,
    marker: hit ? `✓ ${hitWord(probe)}` : `✗ ${probe.errno}`,
    caps,
    capsKind: caps === null ? null : caps.startsWith('glibc-hwcaps/') ? 'glibc-hwcaps' : 'legacy',
    purpose: PURPOSE_TEXT[probe.purpose],
    line: straceLine(probe),
  };
}

// ---- Filtering and flattening ----

export type ShowFilter = 'all' | 'failing' | 'hits';

export interface TreeFilter {
  /** A substring of a library's name or path, or of a probe's path; case-insensitive. */
  query: string;
  show: ShowFilter;
}

export const NO_FILTER: TreeFilter = { query: '', show: 'all' };

export interface NodeRow {
  kind: 'node';
  key: string;
  node: number;
  /** Probes the filter lets through; the node can be expanded when there is at least one. */
  shown: number;
  expanded: boolean;
  /** aria-posinset / aria-setsize among the visible nodes: most rows are not in the DOM. */
  posinset: number;
  setsize: number;
}

export interface ProbeRow {
  kind: 'probe';
  key: string;
  probe: number;
  /** The row index of its node, where Left goes. */
  parent: number;
  posinset: number;
  setsize: number;
}

export type TreeRow = NodeRow | ProbeRow;

export function probeKey(probe: number): string {
  return `#${probe}`;
}

function passesShow(show: ShowFilter, probe: Probe): boolean {
  return show === 'all' || (show === 'failing') === isFailing(probe);
}

/**
 * The visible tree as one array. A node matching the query shows all its probes that pass the
 * "show" filter; otherwise only its probes whose path matches. With "failing only" or "hits only",
 * nodes left with no probe are hidden.
 */
export function flattenTree(model: TreeModel, expanded: ReadonlySet<string>, filter: TreeFilter): TreeRow[] {
  const { trace, nodes } = model;
  const query = filter.query.trim().toLowerCase();
  const passes = (p: number, nodeMatches: boolean) =>
    passesShow(filter.show, trace.probes[p]!) && (nodeMatches || model.probeSearchText[p]!.includes(query));

  const visible: { node: number; matches: boolean; shown: number }[] = [];
  for (const [n, node] of nodes.entries()) {
    const matches = query === '' || model.nodeSearchText[n]!.includes(query);
    let shown = 0;
    if (matches && filter.show === 'all') shown = node.probeCount;
    else for (let p = node.firstProbe; p < node.firstProbe + node.probeCount; p++) if (passes(p, matches)) shown++;
    if (filter.show === 'all' ? matches || shown > 0 : shown > 0) visible.push({ node: n, matches, shown });
  }

  const rows: TreeRow[] = [];
  for (const [i, { node: n, matches, shown }] of visible.entries()) {
    const node = nodes[n]!;
    const open = shown > 0 && expanded.has(node.key);
    const parent = rows.length;
    rows.push({ kind: 'node', key: node.key, node: n, shown, expanded: open, posinset: i + 1, setsize: visible.length });
    if (!open) continue;
    let pos = 0;
    for (let p = node.firstProbe; p < node.firstProbe + node.probeCount; p++) {
      if (passes(p, matches)) rows.push({ kind: 'probe', key: probeKey(p), probe: p, parent, posinset: ++pos, setsize: shown });
    }
  }
  return rows;
}

/** The full text of a row, which the row itself may cut short: its tooltip and the detail line. */
export function rowDetail(model: TreeModel, row: TreeRow): string {
  const { trace } = model;
  if (row.kind === 'probe') {
    const probe = trace.probes[row.probe]!;
    const t = probeText(probe);
    const where = probe.dir === null ? '' : ` in ${probe.dir || '(current directory)'}${t.caps ? `, hwcaps subdirectory ${t.caps}` : ''}`;
    return `${t.marker} — ${t.purpose}${where} — ${t.line}`;
  }
  const node = model.nodes[row.node]!;
  const cost = costText(node, row.shown);
  if (node.lookup === null) return `${groupLabel(trace, node)} — ${cost}`;
  const t = lookupText(trace, trace.lookups[node.lookup]!);
  const answer = t.found ? `${t.rule} → ${t.target}` : `${t.rule}: ${t.target}`;
  return `${t.name}${t.mode ? ` (${t.mode})` : ''}, ${t.requester} — ${answer} — ${cost}`;
}

/** What the filter leaves: visible lookups and the probes under them, expanded or not. */
export function rowsSummary(model: TreeModel, rows: readonly TreeRow[]): { lookups: number; probes: number } {
  let lookups = 0;
  let probes = 0;
  for (const row of rows) {
    if (row.kind !== 'node') continue;
    probes += row.shown;
    if (model.nodes[row.node]!.lookup !== null) lookups++;
  }
  return { lookups, probes };
}

/** The keys of every node with a failing probe: "Expand all failing". */
export function failingKeys(model: TreeModel): Set<string> {
  return new Set(model.nodes.filter((n) => n.failing > 0).map((n) => n.key));
}

/**
 * The row that holds the focus: the one with `key`, else (its probe collapsed or filtered away)
 * the node the probe belongs to, else the first row; -1 when nothing is visible.
 */
export function activeRow(rows: readonly TreeRow[], model: TreeModel, key: string | null): number {
  if (rows.length === 0) return -1;
  if (key === null) return 0;
  const at = rows.findIndex((r) => r.key === key);
  if (at >= 0) return at;
  if (key.startsWith('#')) {
    const node = model.nodes[model.nodeOfProbe[Number(key.slice(1))] ?? -1];
    const parent = node ? rows.findIndex((r) => r.key === node.key) : -1;
    if (parent >= 0) return parent;
  }
  return 0;
}

// ---- Keyboard ----

export type TreeMove =
  | { kind: 'focus'; index: number }
  | { kind: 'expand' | 'collapse'; index: number };

/**
 * The WAI-ARIA tree pattern for the focused row `index`: Up/Down/Home/End/PageUp/PageDown move,
 * Right expands a closed node or enters an open one, Left closes an open node or goes from a probe
 * to its node, Enter toggles a node. Null for keys the tree does not use.
 */
export function treeKey(rows: readonly TreeRow[], index: number, key: string, pageSize: number): TreeMove | null {
  if (rows.length === 0) return null;
  const at = Math.min(Math.max(index, 0), rows.length - 1);
  const row = rows[at]!;
  const focus = (i: number): TreeMove => ({ kind: 'focus', index: Math.min(Math.max(i, 0), rows.length - 1) });
  const page = Math.max(1, pageSize);
  switch (key) {
    case 'ArrowDown': return focus(at + 1);
    case 'ArrowUp': return focus(at - 1);
    case 'Home': return focus(0);
    case 'End': return focus(rows.length - 1);
    case 'PageDown': return focus(at + page);
    case 'PageUp': return focus(at - page);
    case 'ArrowRight':
      if (row.kind === 'probe' || row.shown === 0) return focus(at);
      return row.expanded ? focus(at + 1) : { kind: 'expand', index: at };
    case 'ArrowLeft':
      if (row.kind === 'probe') return focus(row.parent);
      return row.expanded ? { kind: 'collapse', index: at } : focus(at);
    case 'Enter':
      if (row.kind === 'probe' || row.shown === 0) return focus(at);
      return { kind: row.expanded ? 'collapse' : 'expand', index: at };
    default: return null;
  }
}
