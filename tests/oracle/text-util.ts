// Small helpers shared by the readelf output parsers.

export function lines(text: string): string[] {
  const ls = text.split('\n');
  if (ls.length > 0 && ls[ls.length - 1] === '') ls.pop();
  return ls;
}

/**
 * readelf prints hex in several shapes: "0x1f", "00001f" (section table, no
 * prefix) and, because C's "%#lx" drops the prefix for zero, a bare "0" or
 * "000000" where "0x0" would be expected. All of them are hex.
 */
export function hex(s: string): bigint {
  const digits = s.startsWith('0x') || s.startsWith('0X') ? s.slice(2) : s;
  if (!/^[0-9a-fA-F]+$/.test(digits)) throw new Error(`not a hex number: ${JSON.stringify(s)}`);
  return BigInt('0x' + digits);
}

/** Singular/plural insensitive "contains N entries:" / "contains 1 entry:". */
export const ENTRIES = /contains (\d+) (?:entries|entry):$/;

/** Capture groups as plain strings (an unmatched optional group becomes ""). */
export type Groups = Readonly<Record<0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9, string>>;

/** RegExp.exec with groups typed as strings (the project compiles with noUncheckedIndexedAccess). */
export function match(re: RegExp, s: string): Groups | null {
  const m = re.exec(s);
  return m ? (Array.from(m, (x) => x ?? '') as unknown as Groups) : null;
}
