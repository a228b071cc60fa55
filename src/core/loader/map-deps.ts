// Lookups as the trace records them, and MAP_DEPS: breadth-first loading of DT_NEEDED
// (glibc-loader-search.md §2.7; elf/dl-deps.c _dl_map_object_deps).
import { hasDst, substituteDst } from './dst.ts';
import { LoadFailure } from './open-path.ts';
import { mapObject, type Mapped } from './map-object.ts';
import type { LoaderState, ObjectState } from './state.ts';
import type { LookupMode, LookupRecord } from './trace-types.ts';

/** One MAP_OBJECT, recorded with its probes; rethrows the failure after recording it. */
export function lookup(state: LoaderState, requester: ObjectState, name: string, mode: LookupMode, phase: LookupRecord['phase'], loader: ObjectState | null = requester): Mapped {
  const record: LookupRecord = {
    index: state.lookups.length, phase, mode, requester: requester.record.index, name, object: null, rule: null,
    error: null, considered: [], firstProbe: state.calls.probes.length, probeCount: 0,
  };
  state.lookups.push(record);
  state.calls.lookup = record.index;
  try {
    const mapped = mapObject(state, loader, name, mode);
    record.object = mapped.object.record.index;
    record.rule = mapped.rule;
    return mapped;
  } catch (error) {
    if (!(error instanceof LoadFailure)) throw error;
    record.error = error.message;
    record.considered = error.considered;
    throw error;
  } finally {
    record.probeCount = state.calls.probes.length - record.firstProbe;
    state.calls.lookup = null;
  }
}

/**
 * MAP_DEPS(root, preloads): every DT_NEEDED of one object, in order, before the next object's;
 * a new dependency joins the end of the queue. The first failure ends the walk (LoadFailure).
 */
export function mapDependencies(state: LoaderState, roots: ObjectState[], phase: LookupRecord['phase']): void {
  const queue = [...roots];
  const queued = new Set(queue);
  for (let i = 0; i < queue.length; i++) {
    const object = queue[i]!;
    for (const needed of object.facts?.needed ?? []) {
      let name = needed;
      if (hasDst(name)) {
        if (state.settings.secure) throw new LoadFailure(`${name}: DST not allowed in SUID/SGID programs`);
        const substituted = substituteDst(name, state.dstContext(object));
        // expand_dst with fatal = 0: an entry whose tokens cannot be substituted is skipped.
        if (!substituted) continue;
        name = substituted;
      }
      const dep = lookup(state, object, name, 'needed', phase).object;
      if (!queued.has(dep)) {
        queued.add(dep);
        queue.push(dep);
      }
    }
  }
}
