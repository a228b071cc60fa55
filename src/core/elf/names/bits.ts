// Names of the set bits of a flag word, lowest first; a bit without a name gets `unknown(bit)`.
export function namedBits(value: number, names: readonly string[], unknown: (mask: string) => string): string[] {
  const out: string[] = [];
  for (let bit = 0; bit < 32; bit++) {
    if (((value >>> bit) & 1) === 0) continue;
    out.push(names[bit] ?? unknown(((1 << bit) >>> 0).toString(16)));
  }
  return out;
}
