// Byte-array equality, for the checks that compare a note or descriptor with the bytes in a file
// (the rewrite check, the staleness verdict). A plain loop: these run once per file of a closure.
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
