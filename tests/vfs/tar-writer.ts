// A small tar writer for hand-made (and hostile) archives: each header field can be given raw.
const enc = new TextEncoder();

export interface HeaderFields {
  name: string;
  /** typeflag character; '0' regular file. */
  type?: string;
  mode?: number;
  size?: number;
  /** Raw 12-byte size field (overrides `size` in the header; data length still comes from `data`). */
  sizeField?: Uint8Array;
  /** Raw 8-byte mode field. */
  modeField?: Uint8Array;
  linkname?: string;
  prefix?: string;
  /** 'ustar' (POSIX: "ustar\0" "00"), 'gnu' ("ustar  \0") or 'v7' (no magic). */
  magic?: 'ustar' | 'gnu' | 'v7';
  /** Change the header after its checksum was computed (to break it). */
  corruptAfterChecksum?: (h: Uint8Array) => void;
}

function put(h: Uint8Array, at: number, len: number, s: string | Uint8Array): void {
  const b = typeof s === 'string' ? enc.encode(s) : s;
  if (b.length > len) throw new Error(`field too long: ${b.length} > ${len}`);
  h.set(b, at);
}

function octal(n: number, len: number): string {
  return n.toString(8).padStart(len - 1, '0') + '\0';
}

export function header(f: HeaderFields, dataLength = f.size ?? 0): Uint8Array {
  const h = new Uint8Array(512);
  put(h, 0, 100, f.name);
  if (f.modeField) put(h, 100, 8, f.modeField);
  else put(h, 100, 8, octal(f.mode ?? 0o644, 8));
  put(h, 108, 8, octal(0, 8));
  put(h, 116, 8, octal(0, 8));
  if (f.sizeField) put(h, 124, 12, f.sizeField);
  else put(h, 124, 12, octal(f.size ?? dataLength, 12));
  put(h, 136, 12, octal(0, 12));
  h[156] = (f.type ?? '0').charCodeAt(0);
  put(h, 157, 100, f.linkname ?? '');
  const magic = f.magic ?? 'ustar';
  if (magic === 'ustar') {
    put(h, 257, 6, 'ustar\0');
    put(h, 263, 2, '00');
  } else if (magic === 'gnu') put(h, 257, 8, 'ustar  \0');
  if (f.prefix) put(h, 345, 155, f.prefix);
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  put(h, 148, 8, sum.toString(8).padStart(6, '0') + '\0 ');
  f.corruptAfterChecksum?.(h);
  return h;
}

/** Header, data and padding to a 512-byte boundary. */
export function entry(f: HeaderFields, data: Uint8Array | string = new Uint8Array(0)): Uint8Array {
  const d = typeof data === 'string' ? enc.encode(data) : data;
  const padded = Math.ceil(d.length / 512) * 512;
  const out = new Uint8Array(512 + padded);
  out.set(header(f, d.length));
  out.set(d, 512);
  return out;
}

/** A pax extended header ('x' or 'g') with the given records. */
export function pax(records: Record<string, string>, type: 'x' | 'g' = 'x'): Uint8Array {
  let body = '';
  for (const [k, v] of Object.entries(records)) {
    const rest = ` ${k}=${v}\n`;
    let len = enc.encode(rest).length + 1;
    while (String(len).length + enc.encode(rest).length !== len) len++;
    body += len + rest;
  }
  return entry({ name: 'PaxHeader', type }, body);
}

/** The entries, then the end-of-archive marker (two zero blocks) unless `end` is false. */
export function archive(parts: Uint8Array[], end = true): Uint8Array {
  const total = parts.reduce((n, p) => n + p.length, 0) + (end ? 1024 : 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
