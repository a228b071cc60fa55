// Deterministic mutations of ELF files for the robustness test: byte flips, truncations and
// overwrites of the header fields that steer the parse (offsets, counts, sizes, alignments).
import { seededRandom, type Random } from '../support/random.ts';

export { seededRandom };

const pick = <T>(r: Random, items: readonly T[]): T => items[Math.floor(r() * items.length)]!;

/** Values that break naive arithmetic: zero, one, near-overflow in 16/32/64 bits, the file size. */
function hostileValue(r: Random, size: number): bigint {
  return pick(r, [0n, 1n, 3n, 7n, 0xffffn, 0xfff0n, 0x7fffffffn, 0xffffffffn, 0xfffffff4n,
    0x8000000000000000n, 0xffffffffffffffffn, 0xfffffffffffffff0n, BigInt(size), BigInt(Math.max(0, size - 1)),
    BigInt(Math.floor(r() * size * 2))]);
}

function writeField(bytes: Uint8Array, at: number, width: 2 | 4 | 8, value: bigint, big: boolean): void {
  if (at < 0 || at + width > bytes.length) return;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (width === 2) view.setUint16(at, Number(value & 0xffffn), !big);
  else if (width === 4) view.setUint32(at, Number(value & 0xffffffffn), !big);
  else view.setBigUint64(at, value & 0xffffffffffffffffn, !big);
}

/** Offsets of the fields worth overwriting: header fields, and every phdr/shdr/dynamic field. */
function fieldTargets(bytes: Uint8Array): { at: number; width: 2 | 4 | 8 }[] {
  const is64 = bytes[4] === 2;
  const big = bytes[5] === 2;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const w: 4 | 8 = is64 ? 8 : 4;
  const word = (at: number) => (at + w > bytes.length ? 0 : is64 ? Number(view.getBigUint64(at, !big)) : view.getUint32(at, !big));
  const u16 = (at: number) => (at + 2 > bytes.length ? 0 : view.getUint16(at, !big));
  const targets: { at: number; width: 2 | 4 | 8 }[] = is64
    ? [{ at: 0x20, width: 8 }, { at: 0x28, width: 8 }, { at: 0x36, width: 2 }, { at: 0x38, width: 2 }, { at: 0x3a, width: 2 }, { at: 0x3c, width: 2 }, { at: 0x3e, width: 2 }]
    : [{ at: 0x1c, width: 4 }, { at: 0x20, width: 4 }, { at: 0x2a, width: 2 }, { at: 0x2c, width: 2 }, { at: 0x2e, width: 2 }, { at: 0x30, width: 2 }, { at: 0x32, width: 2 }];
  const phoff = word(is64 ? 0x20 : 0x1c);
  const phnum = u16(is64 ? 0x38 : 0x2c);
  const phsize = is64 ? 56 : 32;
  for (let i = 0; i < phnum && phoff + (i + 1) * phsize <= bytes.length; i++) {
    for (let f = 4; f < phsize; f += w === 8 && f >= 8 ? 8 : 4) targets.push({ at: phoff + i * phsize + f, width: f >= 8 && is64 ? 8 : 4 });
    // The dynamic entries and note headers inside PT_DYNAMIC / PT_NOTE segments.
    const type = view.getUint32(phoff + i * phsize, !big);
    const offset = word(phoff + i * phsize + (is64 ? 8 : 4));
    const filesz = word(phoff + i * phsize + (is64 ? 32 : 16));
    if (type === 2) for (let d = 0; d < filesz && offset + d + 2 * w <= bytes.length && d < 64 * 2 * w; d += w) targets.push({ at: offset + d, width: w });
    if (type === 4) for (let n = 0; n < filesz && offset + n + 4 <= bytes.length && n < 256; n += 4) targets.push({ at: offset + n, width: 4 });
  }
  const shoff = word(is64 ? 0x28 : 0x20);
  const shnum = u16(is64 ? 0x3c : 0x30);
  const shsize = is64 ? 64 : 40;
  for (let i = 0; i < shnum && shoff + (i + 1) * shsize <= bytes.length; i++) {
    for (const f of is64 ? [0, 4, 24, 32, 40, 44, 48, 56] : [0, 4, 16, 20, 24, 28, 32, 36]) {
      targets.push({ at: shoff + i * shsize + f, width: is64 && f >= 16 && f !== 40 && f !== 44 ? 8 : 4 });
    }
  }
  return targets;
}

export type MutationKind = 'flip' | 'truncate' | 'field';

/** One mutated copy of `original`. */
export function mutate(original: Uint8Array, r: Random, kind: MutationKind): Uint8Array {
  if (kind === 'truncate') return original.slice(0, Math.floor(r() * original.length));
  const bytes = original.slice();
  if (kind === 'flip') {
    const flips = 1 + Math.floor(r() * 8);
    // Most structure lives in the first pages; aim half of the flips there.
    for (let i = 0; i < flips; i++) {
      const limit = r() < 0.5 ? Math.min(bytes.length, 4096) : bytes.length;
      bytes[Math.floor(r() * limit)] = Math.floor(r() * 256);
    }
    return bytes;
  }
  const targets = fieldTargets(bytes);
  const count = 1 + Math.floor(r() * 3);
  for (let i = 0; i < count && targets.length; i++) {
    const t = pick(r, targets);
    writeField(bytes, t.at, t.width, hostileValue(r, bytes.length), bytes[5] === 2);
  }
  return bytes;
}
