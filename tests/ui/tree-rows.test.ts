// The search tree's rows (src/ui/trace/tree-rows.ts) on real traces: every recorded loader case
// (tests/fixtures/loader/cases) replayed through the simulator, then flattened, filtered and walked
// with the keyboard. Every expectation comes from the trace itself or from the case's strace log.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Trace } from '../../src/core/loader/trace-types.ts';
import { ruleText } from '../../src/core/loader/trace-text.ts';
import {
  activeRow, failingKeys, flattenTree, lookupText, NO_FILTER, probeKey, probeText, rowsSummary, treeKey, treeModel,
  type NodeRow, type ProbeRow, type TreeFilter, type TreeModel, type TreeRow,
} from '../../src/ui/trace/tree-rows.ts';
import { seededRandom } from '../support/random.ts';
import { recordedLines, replay } from '../loader/replay.ts';

const CASES_DIR = 'tests/fixtures/loader/cases';
const HOST_DIR = 'tests/fixtures/loader/host';
const CASES = readdirSync(CASES_DIR).sort();

const traces = new Map<string, Promise<Trace>>();
function traceOf(name: string): Promise<Trace> {
  if (!traces.has(name)) traces.set(name, replay(join(CASES_DIR, name), HOST_DIR).then((r) => r.trace));
  return traces.get(name)!;
}

const everything = (model: TreeModel) => new Set(model.nodes.map((n) => n.key));
const nodeRows = (rows: TreeRow[]) => rows.filter((r): r is NodeRow => r.kind === 'node');
const probeRows = (rows: TreeRow[]) => rows.filter((r): r is ProbeRow => r.kind === 'probe');
const indicesWhere = (trace: Trace, keep: (i: number) => boolean) => trace.probes.map((_, i) => i).filter(keep);

/** The ARIA bookkeeping every flattened tree must satisfy, whatever is expanded or filtered. */
function expectConsistent(model: TreeModel, rows: TreeRow[]) {
  const nodes = nodeRows(rows);
  nodes.forEach((r, i) => {
    expect(r.posinset).toBe(i + 1);
    expect(r.setsize).toBe(nodes.length);
  });
  for (const [i, row] of rows.entries()) {
    if (row.kind === 'node') continue;
    const parent = rows[row.parent]!;
    expect(parent.kind).toBe('node');
    const node = model.nodes[(parent as NodeRow).node]!;
    // Under the node of its own lookup (or of its process-level run).
    expect(row.probe).toBeGreaterThanOrEqual(node.firstProbe);
    expect(row.probe).toBeLessThan(node.firstProbe + node.probeCount);
    expect(model.trace.probes[row.probe]!.lookup).toBe(node.lookup);
    expect(row.posinset).toBe(i - row.parent);
    expect(row.setsize).toBe((parent as NodeRow).shown);
  }
}

describe.each(CASES)('search tree rows of %s', (name) => {
  it('fully expanded, lists every probe once, in trace order, as the recorded strace lines', async () => {
    const trace = await traceOf(name);
    const model = treeModel(trace);
    const rows = flattenTree(model, everything(model), NO_FILTER);
    expect(probeRows(rows).map((r) => r.probe)).toEqual(trace.probes.map((_, i) => i));
    expect(probeRows(rows).map((r) => probeText(trace.probes[r.probe]!).line)).toEqual(recordedLines(join(CASES_DIR, name)));
    expectConsistent(model, rows);
  });

  it('has one row per lookup, in load order, and the process-level calls in their own rows', async () => {
    const trace = await traceOf(name);
    const model = treeModel(trace);
    const rows = flattenTree(model, new Set(), NO_FILTER);
    expect(probeRows(rows)).toEqual([]);
    const lookups = nodeRows(rows).map((r) => model.nodes[r.node]!.lookup).filter((l) => l !== null);
    expect(lookups).toEqual(trace.lookups.map((l) => l.index));
    const processProbes = nodeRows(rows)
      .map((r) => model.nodes[r.node]!)
      .filter((n) => n.lookup === null)
      .flatMap((n) => Array.from({ length: n.probeCount }, (_, i) => n.firstProbe + i));
    expect(processProbes).toEqual(indicesWhere(trace, (i) => trace.probes[i]!.lookup === null));
    expect(rowsSummary(model, rows)).toEqual({ lookups: trace.lookups.length, probes: trace.probes.length });
    expectConsistent(model, rows);
  });

  it('describes each lookup by its rule, its path or the loader error, and its cost', async () => {
    const trace = await traceOf(name);
    const model = treeModel(trace);
    for (const node of model.nodes) {
      const probes = trace.probes.slice(node.firstProbe, node.firstProbe + node.probeCount);
      expect(node.failing).toBe(probes.filter((p) => p.result === -1).length);
      if (node.lookup === null) continue;
      const lookup = trace.lookups[node.lookup]!;
      expect(node.probeCount).toBe(lookup.probeCount);
      const text = lookupText(trace, lookup);
      expect(text.name).toBe(lookup.name);
      expect(text.rule).toBe(ruleText(lookup.rule, trace));
      expect(text.target).toBe(lookup.object === null ? lookup.error : trace.objects[lookup.object]!.realPath);
    }
  });

  it('keeps exactly the failing probes with "failing only", and the others with "hits only"', async () => {
    const trace = await traceOf(name);
    const model = treeModel(trace);
    for (const [show, keep] of [['failing', (r: number) => r === -1], ['hits', (r: number) => r >= 0]] as const) {
      const rows = flattenTree(model, everything(model), { query: '', show });
      expect(probeRows(rows).map((r) => r.probe)).toEqual(indicesWhere(trace, (i) => keep(trace.probes[i]!.result)));
      // A node is listed only for the probes it shows.
      for (const row of nodeRows(rows)) expect(row.shown).toBeGreaterThan(0);
      expectConsistent(model, rows);
    }
  });

  it('filters by a path or name: every probe whose path matches, and the nodes that match', async () => {
    const trace = await traceOf(name);
    const model = treeModel(trace);
    // Queries taken from the trace: a searched directory, a requested name, in another case.
    const dir = trace.probes.find((p) => p.dir)?.dir;
    const queries = [dir, trace.lookups.at(-1)?.name.toUpperCase()].filter((q): q is string => !!q);
    for (const query of queries) {
      const q = query.toLowerCase();
      const filter: TreeFilter = { query, show: 'all' };
      const rows = flattenTree(model, everything(model), filter);
      const nodeMatches = (n: number) => {
        const l = model.nodes[n]!.lookup;
        if (l === null) return false;
        const lookup = trace.lookups[l]!;
        const object = lookup.object === null ? null : trace.objects[lookup.object]!;
        return [lookup.name, object?.name, object?.realPath, lookup.error].some((s) => s?.toLowerCase().includes(q));
      };
      const shown = new Set(probeRows(rows).map((r) => r.probe));
      for (const [i, probe] of trace.probes.entries()) {
        const pathMatches = probe.path?.toLowerCase().includes(q) ?? false;
        if (pathMatches) expect(shown.has(i)).toBe(true);
        if (!pathMatches && probe.lookup !== null && !nodeMatches(model.nodeOfProbe[i]!)) expect(shown.has(i)).toBe(false);
      }
      for (const [n] of model.nodes.entries()) {
        if (nodeMatches(n)) expect(nodeRows(rows).some((r) => r.node === n)).toBe(true);
      }
      expect(rows.length).toBeGreaterThan(0);
      expectConsistent(model, rows);
    }
  });

  it('tags each probe of a hwcaps subdirectory and marks hits and misses in words', async () => {
    const trace = await traceOf(name);
    for (const probe of trace.probes) {
      const t = probeText(probe);
      if (!probe.caps) {
        expect(t.caps).toBeNull();
      } else {
        expect(`${t.caps}/`).toBe(probe.caps);
        // The tag names the part of the path the loader put after the search directory.
        expect(probe.path!.startsWith(probe.dir! + t.caps)).toBe(true);
        expect(t.capsKind).toBe(probe.caps.startsWith('glibc-hwcaps/') ? 'glibc-hwcaps' : 'legacy');
      }
      expect(t.hit).toBe(probe.result >= 0);
      expect(t.marker).toMatch(probe.result === -1 ? new RegExp(`^✗ ${probe.errno}$`) : /^✓ /);
    }
  });

  it('keeps every keyboard move in range while nodes open and close', async () => {
    const trace = await traceOf(name);
    const model = treeModel(trace);
    const random = seededRandom(CASES.indexOf(name) + 1);
    const keys = ['ArrowDown', 'ArrowUp', 'ArrowRight', 'ArrowLeft', 'Enter', 'Home', 'End', 'PageDown', 'PageUp'];
    let expanded: ReadonlySet<string> = new Set();
    let rows = flattenTree(model, expanded, NO_FILTER);
    let key: string | null = null;
    for (let step = 0; step < 400; step++) {
      const at = activeRow(rows, model, key);
      expect(at).toBeGreaterThanOrEqual(0);
      expect(at).toBeLessThan(rows.length);
      const pressed = keys[Math.floor(random() * keys.length)]!;
      const move = treeKey(rows, at, pressed, 7)!;
      expect(move.index).toBeGreaterThanOrEqual(0);
      expect(move.index).toBeLessThan(rows.length);
      const row = rows[at]!;
      if (pressed === 'Home') expect(move).toEqual({ kind: 'focus', index: 0 });
      if (pressed === 'End') expect(move).toEqual({ kind: 'focus', index: rows.length - 1 });
      if (pressed === 'ArrowLeft' && row.kind === 'probe') expect(move).toEqual({ kind: 'focus', index: row.parent });
      if (pressed === 'ArrowRight' && row.kind === 'node' && row.shown > 0 && !row.expanded) expect(move).toEqual({ kind: 'expand', index: at });
      if (move.kind === 'focus') {
        key = rows[move.index]!.key;
      } else {
        const next = new Set(expanded);
        if (move.kind === 'expand') next.add(rows[move.index]!.key);
        else next.delete(rows[move.index]!.key);
        expanded = next;
        key = rows[move.index]!.key;
        rows = flattenTree(model, expanded, NO_FILTER);
        expectConsistent(model, rows);
      }
    }
    expect(treeKey(rows, 0, 'a', 7)).toBeNull();
    expect(treeKey([], 0, 'ArrowDown', 7)).toBeNull();
  });

  it('moves the focus from a collapsed probe to its node', async () => {
    const trace = await traceOf(name);
    const model = treeModel(trace);
    const last = trace.probes.length - 1;
    const node = model.nodes[model.nodeOfProbe[last]!]!;
    const open = flattenTree(model, everything(model), NO_FILTER);
    expect(open[activeRow(open, model, probeKey(last))]!.key).toBe(probeKey(last));
    const closed = flattenTree(model, new Set(), NO_FILTER);
    expect(closed[activeRow(closed, model, probeKey(last))]!.key).toBe(node.key);
  });

  it('"Expand all failing" opens exactly the nodes with a failing probe', async () => {
    const trace = await traceOf(name);
    const model = treeModel(trace);
    const rows = flattenTree(model, failingKeys(model), NO_FILTER);
    for (const row of nodeRows(rows)) expect(row.expanded).toBe(model.nodes[row.node]!.failing > 0);
    const failing = probeRows(rows).map((r) => r.probe).filter((p) => trace.probes[p]!.result === -1);
    expect(failing).toEqual(indicesWhere(trace, (i) => trace.probes[i]!.result === -1));
  });
});

describe('the recorded cases as a whole', () => {
  it('include glibc-hwcaps and legacy hwcaps probes, so the tag checks are not vacuous', async () => {
    const kinds = new Set<string | null>();
    for (const name of CASES) for (const probe of (await traceOf(name)).probes) kinds.add(probeText(probe).capsKind);
    expect(kinds).toContain('glibc-hwcaps');
    expect(kinds).toContain('legacy');
  });
});
