// A deliberately tiny, independent reader of ELF program and section header
// tables (little-endian only). It exists to check the readelf *parsers*: if a
// parser misreads a column, the numbers stop matching the raw bytes.
import { closeSync, openSync, readSync } from 'node:fs';

export interface RawPhdr {
  type: number;
  flags: number;
  offset: bigint;
  vaddr: bigint;
  paddr: bigint;
  filesz: bigint;
  memsz: bigint;
  align: bigint;
}

export interface RawShdr {
  name: string;
  type: number;
  flags: bigint;
  addr: bigint;
  offset: bigint;
  size: bigint;
  link: number;
  info: number;
  align: bigint;
  entsize: bigint;
}

export interface RawElf {
  is64: boolean;
  phdrs: RawPhdr[];
  shdrs: RawShdr[];
}

/** Read `length` bytes at `offset` (only what is needed: libraries can be huge). */
export function readRange(path: string, offset: number, length: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(length);
    const n = readSync(fd, buf, 0, length, offset);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

export function readRawElf(path: string): RawElf {
  const h = readRange(path, 0, 64);
  if (h.readUInt32BE(0) !== 0x7f454c46) throw new Error(`${path}: not ELF`);
  if (h[5] !== 1) throw new Error(`${path}: only little-endian is supported`);
  const is64 = h[4] === 2;
  const wordIn = (b: Buffer, o: number): bigint => (is64 ? b.readBigUInt64LE(o) : BigInt(b.readUInt32LE(o)));
  const phoff = Number(wordIn(h, is64 ? 0x20 : 0x1c));
  const shoff = Number(wordIn(h, is64 ? 0x28 : 0x20));
  const half = (o64: number, o32: number): number => h.readUInt16LE(is64 ? o64 : o32);
  const phentsize = half(0x36, 0x2a);
  const phnum = half(0x38, 0x2c);
  const shentsize = half(0x3a, 0x2e);
  const shnum = half(0x3c, 0x30);
  const shstrndx = half(0x3e, 0x32);

  let b = readRange(path, phoff, phnum * phentsize);
  let word = (o: number): bigint => wordIn(b, o);

  const phdrs: RawPhdr[] = [];
  for (let i = 0; i < phnum; i++) {
    const p = i * phentsize;
    phdrs.push(
      is64
        ? { type: b.readUInt32LE(p), flags: b.readUInt32LE(p + 4), offset: word(p + 8), vaddr: word(p + 16), paddr: word(p + 24), filesz: word(p + 32), memsz: word(p + 40), align: word(p + 48) }
        : { type: b.readUInt32LE(p), offset: word(p + 4), vaddr: word(p + 8), paddr: word(p + 12), filesz: word(p + 16), memsz: word(p + 20), flags: b.readUInt32LE(p + 24), align: word(p + 28) },
    );
  }

  const shdrs: RawShdr[] = [];
  const nameOffsets: number[] = [];
  b = shoff === 0 ? Buffer.alloc(0) : readRange(path, shoff, shnum * shentsize);
  word = (o: number): bigint => wordIn(b, o);
  for (let i = 0; shoff !== 0 && i < shnum; i++) {
    const s = i * shentsize;
    nameOffsets.push(b.readUInt32LE(s));
    shdrs.push(
      is64
        ? { name: '', type: b.readUInt32LE(s + 4), flags: word(s + 8), addr: word(s + 16), offset: word(s + 24), size: word(s + 32), link: b.readUInt32LE(s + 40), info: b.readUInt32LE(s + 44), align: word(s + 48), entsize: word(s + 56) }
        : { name: '', type: b.readUInt32LE(s + 4), flags: word(s + 8), addr: word(s + 12), offset: word(s + 16), size: word(s + 20), link: b.readUInt32LE(s + 24), info: b.readUInt32LE(s + 28), align: word(s + 32), entsize: word(s + 36) },
    );
  }
  const strSection = shdrs[shstrndx];
  if (strSection) {
    const strtab = readRange(path, Number(strSection.offset), Number(strSection.size));
    shdrs.forEach((s, i) => {
      const start = nameOffsets[i]!;
      s.name = strtab.toString('latin1', start, strtab.indexOf(0, start));
    });
  }
  return { is64, phdrs, shdrs };
}

/** Decode the first NT_GNU_BUILD_ID note in a byte range, as lowercase hex. */
export function rawBuildId(path: string, offset: number, size: number): string | null {
  const bytes = readRange(path, offset, size);
  let p = 0;
  const end = bytes.length;
  const align4 = (n: number): number => (n + 3) & ~3;
  while (p + 12 <= end) {
    const namesz = bytes.readUInt32LE(p);
    const descsz = bytes.readUInt32LE(p + 4);
    const type = bytes.readUInt32LE(p + 8);
    const name = bytes.toString('latin1', p + 12, p + 12 + namesz).replace(/\0+$/, '');
    const desc = p + 12 + align4(namesz);
    if (name === 'GNU' && type === 3) return bytes.subarray(desc, desc + descsz).toString('hex');
    p = desc + align4(descsz);
  }
  return null;
}
