// XXH64 (xxHash, 64-bit), streaming, for the content checksum of zstd frames (RFC 8878 §3.1.1:
// the low 32 bits of XXH64 of the frame's decompressed content, seed 0), which fzstd does not
// check. 64-bit values are kept as two unsigned 32-bit halves: no BigInt, no allocation per block.

// The primes, as [high, low] halves.
const P1H = 0x9e3779b1, P1L = 0x85ebca87;
const P2H = 0xc2b2ae3d, P2L = 0x27d4eb4f;
const P3H = 0x165667b1, P3L = 0x9e3779f9;
const P4H = 0x85ebca77, P4L = 0xc2b2ae63;
const P5H = 0x27d4eb2f, P5L = 0x165667c5;

// Result registers of the 64-bit helpers (module-level to avoid allocating pairs).
let rh = 0;
let rl = 0;

function add(ah: number, al: number, bh: number, bl: number): void {
  const lo = al + bl;
  rl = lo >>> 0;
  rh = (ah + bh + (lo > 0xffffffff ? 1 : 0)) >>> 0;
}

/** Low 64 bits of a × b. */
function mul(ah: number, al: number, bh: number, bl: number): void {
  // al × bl exactly, from 16-bit halves.
  const a0 = al & 0xffff, a1 = al >>> 16, b0 = bl & 0xffff, b1 = bl >>> 16;
  const p00 = a0 * b0;
  const mid = a1 * b0 + a0 * b1 + (p00 >>> 16); // < 2^34
  const lo = ((mid & 0xffff) << 16) | (p00 & 0xffff);
  const carry = Math.floor(mid / 65536) + a1 * b1; // high word of al × bl (may exceed 2^32 before >>> 0)
  rl = lo >>> 0;
  rh = (carry + Math.imul(ah, bl) + Math.imul(al, bh)) >>> 0;
}

function rotl(h: number, l: number, r: number): void {
  if (r >= 32) {
    const t = h;
    h = l;
    l = t;
    r -= 32;
  }
  if (r === 0) {
    rh = h >>> 0;
    rl = l >>> 0;
    return;
  }
  rh = ((h << r) | (l >>> (32 - r))) >>> 0;
  rl = ((l << r) | (h >>> (32 - r))) >>> 0;
}

/** acc = rotl(acc + input × P2, 31) × P1 */
function round(acch: number, accl: number, ih: number, il: number): void {
  mul(ih, il, P2H, P2L);
  add(acch, accl, rh, rl);
  rotl(rh, rl, 31);
  mul(rh, rl, P1H, P1L);
}

function u32(b: Uint8Array, i: number): number {
  return (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0;
}

export class Xxh64 {
  private v = new Uint32Array(8); // v1h v1l v2h v2l v3h v3l v4h v4l
  private buf = new Uint8Array(32);
  private buffered = 0;
  private total = 0;

  constructor() {
    const v = this.v;
    add(P1H, P1L, P2H, P2L); // seed 0: v1 = P1 + P2
    v[0] = rh;
    v[1] = rl;
    v[2] = P2H; // v2 = P2
    v[3] = P2L;
    v[4] = 0; // v3 = 0
    v[5] = 0;
    // v4 = -P1
    v[6] = ~P1H >>> 0;
    v[7] = (~P1L + 1) >>> 0;
    if (v[7] === 0) v[6] = (v[6]! + 1) >>> 0;
  }

  update(data: Uint8Array): void {
    this.total += data.length;
    let i = 0;
    if (this.buffered > 0) {
      const take = Math.min(32 - this.buffered, data.length);
      this.buf.set(data.subarray(0, take), this.buffered);
      this.buffered += take;
      i = take;
      if (this.buffered < 32) return;
      this.stripe(this.buf, 0);
      this.buffered = 0;
    }
    i = this.stripes(data, i);
    if (i < data.length) {
      this.buf.set(data.subarray(i), 0);
      this.buffered = data.length - i;
    }
  }

  private stripe(b: Uint8Array, i: number): void {
    this.stripes(b.subarray(i, i + 32), 0);
  }

  /**
   * The rounds over every whole 32-byte stripe of `b` from `i`; returns where they stopped. The
   * hot loop of the hash, so round() is written out with locals: acc = rotl(acc + input × P2, 31) × P1.
   */
  private stripes(b: Uint8Array, i: number): number {
    const v = this.v;
    const end = b.length - 32;
    for (; i <= end; i += 32) {
      for (let lane = 0; lane < 8; lane += 2) {
        const at = i + lane * 4;
        const il = (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
        const ih = (b[at + 4]! | (b[at + 5]! << 8) | (b[at + 6]! << 16) | (b[at + 7]! << 24)) >>> 0;
        // input × P2 (low 64 bits)
        let a0 = il & 0xffff, a1 = il >>> 16;
        let p00 = a0 * 0xeb4f; // P2L = 0x27d4eb4f
        let mid = a1 * 0xeb4f + a0 * 0x27d4 + (p00 >>> 16);
        let lo = (((mid & 0xffff) << 16) | (p00 & 0xffff)) >>> 0;
        let hi = (Math.floor(mid / 65536) + a1 * 0x27d4 + Math.imul(ih, P2L) + Math.imul(il, P2H)) >>> 0;
        // + acc
        const sum = lo + v[lane + 1]!;
        lo = sum >>> 0;
        hi = (hi + v[lane]! + (sum > 0xffffffff ? 1 : 0)) >>> 0;
        // rotl 31
        const rh2 = ((hi << 31) | (lo >>> 1)) >>> 0;
        const rl2 = ((lo << 31) | (hi >>> 1)) >>> 0;
        // × P1 (P1L = 0x85ebca87)
        a0 = rl2 & 0xffff;
        a1 = rl2 >>> 16;
        p00 = a0 * 0xca87;
        mid = a1 * 0xca87 + a0 * 0x85eb + (p00 >>> 16);
        v[lane + 1] = ((mid & 0xffff) << 16) | (p00 & 0xffff);
        v[lane] = Math.floor(mid / 65536) + a1 * 0x85eb + Math.imul(rh2, P1L) + Math.imul(rl2, P1H);
      }
    }
    return i;
  }

  /** The low 32 bits of the digest (what a zstd frame stores). */
  digestLow32(): number {
    return this.digest()[1];
  }

  /** [high, low] halves of the digest. */
  digest(): [number, number] {
    const v = this.v;
    let hh: number, hl: number;
    if (this.total >= 32) {
      rotl(v[0]!, v[1]!, 1);
      let ah = rh, al = rl;
      rotl(v[2]!, v[3]!, 7);
      add(ah, al, rh, rl);
      ah = rh;
      al = rl;
      rotl(v[4]!, v[5]!, 12);
      add(ah, al, rh, rl);
      ah = rh;
      al = rl;
      rotl(v[6]!, v[7]!, 18);
      add(ah, al, rh, rl);
      hh = rh;
      hl = rl;
      for (let lane = 0; lane < 4; lane++) {
        round(0, 0, v[lane * 2]!, v[lane * 2 + 1]!);
        hh = (hh ^ rh) >>> 0;
        hl = (hl ^ rl) >>> 0;
        mul(hh, hl, P1H, P1L);
        add(rh, rl, P4H, P4L);
        hh = rh;
        hl = rl;
      }
    } else {
      hh = P5H;
      hl = P5L;
    }
    // h += total length
    add(hh, hl, Math.floor(this.total / 2 ** 32), this.total >>> 0);
    hh = rh;
    hl = rl;
    const b = this.buf;
    const n = this.buffered;
    let i = 0;
    for (; i + 8 <= n; i += 8) {
      round(0, 0, u32(b, i + 4), u32(b, i));
      hh = (hh ^ rh) >>> 0;
      hl = (hl ^ rl) >>> 0;
      rotl(hh, hl, 27);
      mul(rh, rl, P1H, P1L);
      add(rh, rl, P4H, P4L);
      hh = rh;
      hl = rl;
    }
    if (i + 4 <= n) {
      mul(0, u32(b, i), P1H, P1L);
      hh = (hh ^ rh) >>> 0;
      hl = (hl ^ rl) >>> 0;
      rotl(hh, hl, 23);
      mul(rh, rl, P2H, P2L);
      add(rh, rl, P3H, P3L);
      hh = rh;
      hl = rl;
      i += 4;
    }
    for (; i < n; i++) {
      mul(0, b[i]!, P5H, P5L);
      hh = (hh ^ rh) >>> 0;
      hl = (hl ^ rl) >>> 0;
      rotl(hh, hl, 11);
      mul(rh, rl, P1H, P1L);
      hh = rh;
      hl = rl;
    }
    // Avalanche: h ^= h >>> 33; h *= P2; h ^= h >>> 29; h *= P3; h ^= h >>> 32.
    hl = (hl ^ (hh >>> 1)) >>> 0;
    mul(hh, hl, P2H, P2L);
    hh = rh;
    hl = rl;
    const shiftedLow = ((hh << 3) | (hl >>> 29)) >>> 0;
    hh = (hh ^ (hh >>> 29)) >>> 0;
    hl = (hl ^ shiftedLow) >>> 0;
    mul(hh, hl, P3H, P3L);
    hh = rh;
    hl = (rl ^ rh) >>> 0;
    return [hh, hl];
  }
}
