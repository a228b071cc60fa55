// Byte-array helpers shared by the writers and the checks.

/**
 * Byte-array equality, for the checks that compare a note or descriptor with the bytes in a file
 * (the rewrite check, the staleness verdict). A plain loop: these run once per file of a closure.
 */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The parts one after another in one new array (a tar, a NAR, a note descriptor). */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
