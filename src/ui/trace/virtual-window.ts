// The arithmetic of a virtual list with one fixed row height: which rows to put in the DOM for a
// scroll position, and the least scrolling that shows a given row.

export interface Viewport {
  scrollTop: number;
  /** The visible height of the scroll container, in pixels. */
  height: number;
  rowHeight: number;
  count: number;
  /** Rows rendered beyond each edge, so fast scrolling does not show blank space. */
  overscan: number;
}

/**
 * The rows in view plus the overscan, in ascending order, and `keep` (the focused row) wherever it
 * is: a focused element that scrolled out of the DOM would drop the keyboard focus to the page.
 */
export function renderedIndices(v: Viewport, keep: number | null): number[] {
  const first = Math.max(0, Math.floor(v.scrollTop / v.rowHeight) - v.overscan);
  const end = Math.min(v.count, Math.ceil((v.scrollTop + v.height) / v.rowHeight) + v.overscan);
  const indices: number[] = [];
  const kept = keep !== null && keep >= 0 && keep < v.count && (keep < first || keep >= end) ? keep : null;
  if (kept !== null && kept < first) indices.push(kept);
  for (let i = first; i < end; i++) indices.push(i);
  if (kept !== null && kept >= end) indices.push(kept);
  return indices;
}

/** The scrollTop that shows row `index` whole, moving as little as possible (unchanged if it is). */
export function scrollTopFor(index: number, v: Viewport): number {
  const top = index * v.rowHeight;
  const bottom = top + v.rowHeight;
  if (top < v.scrollTop) return top;
  if (bottom > v.scrollTop + v.height) return Math.max(0, bottom - v.height);
  return v.scrollTop;
}
