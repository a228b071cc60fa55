// ld.so.cache: parse the file's bytes and look names up exactly as the loader does
// (docs: shared/docs/glibc-loader-search.md §2.8). Never throws on bad bytes: a file the loader
// would reject gives { ok: false } and the loader's cache state becomes `failed` (§2.8.1).
//
// Sources (bminor/glibc):
//   sysdeps/generic/dl-cache.h   the layouts (struct cache_file, file_entry, cache_file_new,
//                                file_entry_new, cache_extension), CACHEMAGIC "ld.so-1.7.0",
//                                CACHEMAGIC_VERSION_NEW "glibc-ld.so.cache1.1", ALIGN_CACHE,
//                                DL_CACHE_HWCAP_EXTENSION, dl_cache_hwcap_extension,
//                                cache_file_new_matches_endian, cache_extension_load
//   elf/dl-cache.c               _dl_load_cache_lookup (which file is accepted), search_cache,
//                                _dl_cache_libcmp, glibc_hwcaps_priorities_init
//   elf/cache.c                  what ldconfig writes (save_cache, write_extensions)
//   sysdeps/unix/sysv/linux/{x86_64,aarch64,powerpc/powerpc64,s390/s390-64}/dl-cache.h
//                                _DL_CACHE_DEFAULT_ID and _dl_cache_check_flags per architecture
//   sysdeps/x86/dl-isa-level.h   ISA level test of glibc-hwcaps entries (x86 only)
import type { Arch, LoaderProfile } from './profile.ts';
import {
  FIRST_PLATFORM_BIT,
  LEGACY_PLATFORMS,
  legacyHwcapMaskOfNames,
  x86IsaIndexOfHwcaps,
} from './cpu.ts';

export const CACHEMAGIC = 'ld.so-1.7.0';
export const CACHEMAGIC_VERSION_NEW = 'glibc-ld.so.cache1.1';

/** sizeof (struct cache_file): magic[11], padding, nlibs. */
const OLD_HEADER = 16;
/** sizeof (struct file_entry): flags, key, value. */
const OLD_ENTRY = 12;
/** sizeof (struct cache_file_new), _Static_assert'ed in dl-cache.h. */
const NEW_HEADER = 48;
/** sizeof (struct file_entry_new). */
const NEW_ENTRY = 24;
/** cache_extension_magic = (uint32_t) -358342284. */
const EXTENSION_MAGIC = 0xeaa42174;
const EXT_TAG_GENERATOR = 0;
const EXT_TAG_GLIBC_HWCAPS = 1;

/** DL_CACHE_HWCAP_EXTENSION: bit 62 of file_entry_new.hwcap marks a glibc-hwcaps entry. */
export const DL_CACHE_HWCAP_EXTENSION = 1n << 62n;
/** DL_CACHE_HWCAP_ISA_LEVEL_MASK: bits 32..41 hold the ISA level (x86). */
const ISA_LEVEL_MASK = 0x3ffn;
/** _DL_HWCAP_TLS_MASK of dl-cache.c: bit 63, the legacy "tls" subdirectory. */
const HWCAP_TLS_MASK = 1n << 63n;
const U64 = (1n << 64n) - 1n;

export type ByteOrder = 'little' | 'big';

export interface CacheEntry {
  /** The soname (string the loader compares names with). */
  key: string;
  /** The path the loader opens. */
  value: string;
  /** flags: FLAG_ELF_LIBC6 (3) | architecture flag (FLAG_X8664_LIB64 0x300, …). */
  flags: number;
  /** osversion (new format; unused since 2.35 and written as 0). 0 in the old format. */
  osVersion: number;
  /** The 64-bit hwcap field (new format), 0n in the old format. */
  hwcap: bigint;
  /** For a glibc-hwcaps entry, the subdirectory name from the extension section, else null. */
  hwcapsName: string | null;
  /** String-table indices as stored (the loader validates them lazily). */
  keyIndex: number;
  valueIndex: number;
}

export interface LdSoCache {
  /** 'new': glibc-ld.so.cache1.1 alone; 'compat': old table with the new format inside; 'old': old table only. */
  format: 'new' | 'compat' | 'old';
  byteOrder: ByteOrder;
  /** The table the loader searches: the new-format one when present, else the old one. */
  entries: CacheEntry[];
  /** The old-format table (compat and old formats), as written for pre-2.2 loaders. */
  oldEntries: CacheEntry[];
  /** The generator string of the extension section ("ldconfig (Debian GLIBC 2.36-9) …"). */
  generator: string | null;
  /** The glibc-hwcaps extension section: subdirectory names, by index. */
  hwcapsNames: string[];
  /** False when the extension directory is malformed: the loader then uses no glibc-hwcaps entry. */
  extensionsOk: boolean;
  /** Why an entry could not be fully decoded (string index out of range, …); informational. */
  warnings: string[];
  /** @internal the raw bytes and table geometry, for lookupCache. */
  raw: CacheRaw;
}

interface CacheRaw {
  bytes: Uint8Array;
  /** File offset that string indices of `entries` are relative to. */
  stringBase: number;
  /** Size the loader allows for string indices (not exact, see search_cache). */
  stringTableSize: number;
  entrySize: number;
}

export type CacheParse = { ok: true; cache: LdSoCache } | { ok: false; reason: string };

/** The byte order of a cache the loader of `arch` accepts (the file is written in host order). */
export function cacheByteOrder(arch: Arch): ByteOrder {
  return arch === 's390x' ? 'big' : 'little';
}

/** alignof (struct cache_file_new): 8 on 64-bit targets, 4 on i386 (uint64_t is 4-aligned there). */
function newHeaderAlign(arch: Arch | undefined): number {
  return arch === 'i686' ? 4 : 8;
}

class Reader {
  readonly view: DataView;
  constructor(
    readonly bytes: Uint8Array,
    readonly little: boolean,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  u32(off: number): number {
    return this.view.getUint32(off, this.little);
  }
  i32(off: number): number {
    return this.view.getInt32(off, this.little);
  }
  u64(off: number): bigint {
    return this.view.getBigUint64(off, this.little);
  }
  ascii(off: number, len: number): string {
    let s = '';
    for (let i = 0; i < len && off + i < this.bytes.length; i++) s += String.fromCharCode(this.bytes[off + i]!);
    return s;
  }
}

/** A C string at `off` (to the first NUL, or the end of the file), decoded as UTF-8. */
function cString(bytes: Uint8Array, off: number): string {
  let end = off;
  while (end < bytes.length && bytes[end] !== 0) end++;
  return new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(off, end));
}

/**
 * Parse an ld.so.cache. Accepts exactly what `_dl_load_cache_lookup` (elf/dl-cache.c, 2.33+)
 * accepts: the new format alone (size > 48, magic, nlibs fits, endianness flag matches), else the
 * old format (size > 16, magic, nlibs fits) with the new format found at ALIGN_CACHE after the
 * old table (a bad embedded new part means "old only"; a wrong-endian one rejects the file).
 * `arch` selects the byte order and the alignment; without it the order comes from the new
 * header's endianness flag (little when unset).
 */
export function parseLdSoCache(bytes: Uint8Array, arch?: Arch): CacheParse {
  const size = bytes.length;
  const wantOrder: ByteOrder | undefined = arch ? cacheByteOrder(arch) : undefined;
  const startsWith = (off: number, magic: string) =>
    off + magic.length <= size && [...magic].every((c, i) => bytes[off + i] === c.charCodeAt(0));

  if (size > NEW_HEADER && startsWith(0, CACHEMAGIC_VERSION_NEW)) {
    const order = wantOrder ?? orderFromFlags(bytes[28]!);
    const r = new Reader(bytes, order === 'little');
    const nlibs = r.u32(20);
    if (Math.floor((size - NEW_HEADER) / NEW_ENTRY) >= nlibs) {
      if (!endianMatches(bytes[28]!, order)) return { ok: false, reason: 'cache endianness flag does not match the loader' };
      return { ok: true, cache: buildNew(r, 0, nlibs, 'new', order, []) };
    }
    // The C code falls through to the old-format test, which fails on the magic.
    return { ok: false, reason: `new-format cache: ${nlibs} entries do not fit in ${size} bytes` };
  }
  if (size > OLD_HEADER && startsWith(0, CACHEMAGIC)) {
    // The old header has no endianness flag; the embedded new header has.
    let order: ByteOrder = wantOrder ?? 'little';
    let r = new Reader(bytes, order === 'little');
    let nlibs = r.u32(12);
    if (!wantOrder && Math.floor((size - OLD_HEADER) / OLD_ENTRY) < nlibs) {
      order = 'big';
      r = new Reader(bytes, false);
      nlibs = r.u32(12);
    }
    if (Math.floor((size - OLD_HEADER) / OLD_ENTRY) < nlibs) {
      return { ok: false, reason: `old-format cache: ${nlibs} entries do not fit in ${size} bytes` };
    }
    const oldEntries = readOldTable(r, nlibs);
    const align = newHeaderAlign(arch);
    const newOff = Math.ceil((OLD_HEADER + nlibs * OLD_ENTRY) / align) * align;
    if (size < newOff + NEW_HEADER || !startsWith(newOff, CACHEMAGIC_VERSION_NEW)) {
      return { ok: true, cache: buildOld(r, nlibs, oldEntries, order) };
    }
    if (!endianMatches(bytes[newOff + 28]!, order)) {
      return { ok: false, reason: 'embedded new-format cache has the wrong endianness' };
    }
    const newNlibs = r.u32(newOff + 20);
    return { ok: true, cache: buildNew(r, newOff, newNlibs, 'compat', order, oldEntries) };
  }
  if (size === 0) return { ok: false, reason: 'empty file' };
  return { ok: false, reason: 'not an ld.so.cache (no known magic, or too short)' };
}

function orderFromFlags(flags: number): ByteOrder {
  return (flags & 3) === 3 ? 'big' : 'little';
}

/** cache_file_new_matches_endian: flags 0 (unset) or the endian bits of the loader's order. */
function endianMatches(flags: number, order: ByteOrder): boolean {
  return flags === 0 || (flags & 3) === (order === 'little' ? 2 : 3);
}

function readOldTable(r: Reader, nlibs: number): CacheEntry[] {
  const stringBase = OLD_HEADER + nlibs * OLD_ENTRY;
  const entries: CacheEntry[] = [];
  for (let i = 0; i < nlibs; i++) {
    const off = OLD_HEADER + i * OLD_ENTRY;
    const keyIndex = r.u32(off + 4);
    const valueIndex = r.u32(off + 8);
    entries.push({
      key: stringAt(r.bytes, stringBase, keyIndex),
      value: stringAt(r.bytes, stringBase, valueIndex),
      flags: r.i32(off),
      osVersion: 0,
      hwcap: 0n,
      hwcapsName: null,
      keyIndex,
      valueIndex,
    });
  }
  return entries;
}

function stringAt(bytes: Uint8Array, base: number, index: number): string {
  const off = base + index;
  return off < bytes.length ? cString(bytes, off) : '';
}

function buildOld(r: Reader, nlibs: number, oldEntries: CacheEntry[], order: ByteOrder): LdSoCache {
  const stringBase = OLD_HEADER + nlibs * OLD_ENTRY;
  return {
    format: 'old',
    byteOrder: order,
    entries: oldEntries,
    oldEntries,
    generator: null,
    hwcapsNames: [],
    extensionsOk: true,
    warnings: oldEntries.some((e) => stringBase + e.valueIndex >= r.bytes.length)
      ? ['some string indices point past the end of the file']
      : [],
    raw: { bytes: r.bytes, stringBase, stringTableSize: r.bytes.length - stringBase, entrySize: OLD_ENTRY },
  };
}

function buildNew(
  r: Reader,
  base: number,
  nlibs: number,
  format: 'new' | 'compat',
  order: ByteOrder,
  oldEntries: CacheEntry[],
): LdSoCache {
  const size = r.bytes.length;
  const warnings: string[] = [];
  // An embedded new table may claim more entries than fit; only read what is there.
  const fit = Math.max(0, Math.floor((size - base - NEW_HEADER) / NEW_ENTRY));
  if (nlibs > fit) warnings.push(`new-format table claims ${nlibs} entries, ${fit} fit in the file`);
  const count = Math.min(nlibs, fit);
  const ext = loadExtensions(r, base);
  if (!ext.ok) warnings.push(ext.reason);
  const entries: CacheEntry[] = [];
  for (let i = 0; i < count; i++) {
    const off = base + NEW_HEADER + i * NEW_ENTRY;
    const keyIndex = r.u32(off + 4);
    const valueIndex = r.u32(off + 8);
    const hwcap = r.u64(off + 16);
    const named = isHwcapExtension(hwcap);
    entries.push({
      key: stringAt(r.bytes, base, keyIndex),
      value: stringAt(r.bytes, base, valueIndex),
      flags: r.i32(off),
      osVersion: r.u32(off + 12),
      hwcap,
      hwcapsName: named ? (ext.names[Number(hwcap & 0xffffffffn)] ?? null) : null,
      keyIndex,
      valueIndex,
    });
  }
  return {
    format,
    byteOrder: order,
    entries,
    oldEntries,
    generator: ext.generator,
    hwcapsNames: ext.names,
    extensionsOk: ext.ok,
    warnings,
    // search_cache is given the whole file size as the string table size ("not exact").
    raw: { bytes: r.bytes, stringBase: base, stringTableSize: size, entrySize: NEW_ENTRY },
  };
}

/** dl_cache_hwcap_extension: only bit 62 set in the upper half, ignoring the ISA level bits. */
export function isHwcapExtension(hwcap: bigint): boolean {
  return ((hwcap >> 32n) & ~ISA_LEVEL_MASK) === DL_CACHE_HWCAP_EXTENSION >> 32n;
}

interface Extensions {
  ok: boolean;
  reason: string;
  generator: string | null;
  names: string[];
}

/**
 * cache_extension_load + cache_extension_verify (dl-cache.h). Offsets are file offsets. The
 * glibc-hwcaps section holds string indices that the loader and `ldconfig -p` resolve against
 * the start of the file (glibc_hwcaps_compare, glibc_hwcaps_string).
 */
function loadExtensions(r: Reader, base: number): Extensions {
  const size = r.bytes.length;
  const none: Extensions = { ok: true, reason: '', generator: null, names: [] };
  const extOff = r.u32(base + 32);
  if (extOff === 0) return none;
  const bad = (reason: string): Extensions => ({ ok: false, reason, generator: null, names: [] });
  if (extOff % 4 !== 0) return bad('extension offset is misaligned');
  if (extOff + 8 > size) return bad('extension directory extends beyond the end of the file');
  if (r.u32(extOff) !== EXTENSION_MAGIC) return bad('extension directory has a bad magic');
  const count = r.u32(extOff + 4);
  if (extOff + 8 + count * 16 > size) return bad('extension array extends beyond the end of the file');
  let generator: string | null = null;
  let hwcaps: { offset: number; size: number } | null = null;
  for (let i = 0; i < count; i++) {
    const s = extOff + 8 + i * 16;
    const tag = r.u32(s);
    const offset = r.u32(s + 8);
    const length = r.u32(s + 12);
    if (offset + length > size) return bad('extension data extends beyond the end of the file');
    if (tag === EXT_TAG_GENERATOR) generator = new TextDecoder().decode(r.bytes.subarray(offset, offset + length));
    else if (tag === EXT_TAG_GLIBC_HWCAPS) hwcaps = { offset, size: length };
  }
  const names: string[] = [];
  // cache_extension_verify: the hwcaps section must be non-empty, 4-aligned, a multiple of 4.
  if (hwcaps && hwcaps.size > 0 && hwcaps.offset % 4 === 0 && hwcaps.size % 4 === 0) {
    for (let i = 0; i < hwcaps.size / 4; i++) {
      const index = r.u32(hwcaps.offset + i * 4);
      names.push(index < size ? cString(r.bytes, index) : '');
    }
  }
  return { ok: true, reason: '', generator, names };
}

// --- Lookup ------------------------------------------------------------------------------------

/** _DL_CACHE_DEFAULT_ID of each architecture's dl-cache.h. */
export const CACHE_DEFAULT_ID: Readonly<Record<Arch, number>> = {
  x86_64: 0x303, // FLAG_X8664_LIB64 | FLAG_ELF_LIBC6  (sysdeps/unix/sysv/linux/x86_64/dl-cache.h)
  aarch64: 0xa03, // FLAG_AARCH64_LIB64 | FLAG_ELF_LIBC6 (sysdeps/unix/sysv/linux/aarch64/dl-cache.h)
  ppc64le: 0x503, // FLAG_POWERPC_LIB64 | FLAG_ELF_LIBC6 (sysdeps/unix/sysv/linux/powerpc/powerpc64/dl-cache.h)
  s390x: 0x403, // FLAG_S390_LIB64 | FLAG_ELF_LIBC6   (sysdeps/unix/sysv/linux/s390/s390-64/dl-cache.h)
  i686: 0x3, // FLAG_ELF_LIBC6                        (sysdeps/generic/dl-cache.h)
};

/**
 * _dl_cache_check_flags: the 64-bit targets accept only their default id; the generic
 * definition (i686) also accepts 1 (FLAG_ELF, an ELF library of unknown libc).
 */
export function cacheFlagsAccepted(arch: Arch, flags: number): boolean {
  return arch === 'i686' ? flags === 1 || flags === 3 : flags === CACHE_DEFAULT_ID[arch];
}

/** `char` is signed on x86, unsigned on aarch64, powerpc and s390. */
function charIsSigned(arch: Arch): boolean {
  return arch === 'x86_64' || arch === 'i686';
}

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;

/**
 * _dl_cache_libcmp (elf/dl-cache.c): byte comparison where runs of digits compare as numbers,
 * so "libfoo.so.01" equals "libfoo.so.1" and "libfoo.so.10" sorts after "libfoo.so.9". Works on
 * C strings: `b` ends at its first NUL or at the end of the buffer. Returns <0, 0 or >0.
 */
export function dlCacheLibcmp(a: Uint8Array, b: Uint8Array, bOff = 0, signedChar = true): number {
  const ch = (buf: Uint8Array, i: number): number => {
    const c = i < buf.length ? buf[i]! : 0;
    return signedChar && c > 127 ? c - 256 : c;
  };
  let i = 0;
  let j = bOff;
  for (;;) {
    const c1 = ch(a, i);
    if (c1 === 0) break;
    const c2 = ch(b, j);
    if (isDigit(c1)) {
      if (!isDigit(c2)) return 1;
      // The C code accumulates in an int; |0 keeps its 32-bit wrap-around.
      let v1 = c1 - 0x30;
      let v2 = c2 - 0x30;
      i++;
      j++;
      while (isDigit(ch(a, i))) v1 = (Math.imul(v1, 10) + ch(a, i++) - 0x30) | 0;
      while (isDigit(ch(b, j))) v2 = (Math.imul(v2, 10) + ch(b, j++) - 0x30) | 0;
      if (v1 !== v2) return v1 - v2;
    } else if (isDigit(c2)) {
      return -1;
    } else if (c1 !== c2) {
      return c1 - c2;
    } else {
      i++;
      j++;
    }
  }
  return 0 - ch(b, j);
}

/** The parameters of search_cache that come from the loader (not the file). */
interface SearchParams {
  arch: Arch;
  glibcMinor: number;
  /** glibc-hwcaps priorities: name → 1-based priority (lower is better). */
  priorities: Map<string, number>;
  /** x86: the CPU's ISA level index (0 baseline … 3 v4). */
  isaIndex: number;
  /** ≤ 2.39: ~((dl_hwcap & hwcap_mask) | _DL_HWCAP_PLATFORM | TLS). */
  hwcapExclude: bigint;
  platformMask: bigint;
  /** 1 << _dl_string_platform(dl_platform), or all ones when unknown. */
  platformBit: bigint;
}

/** Loader state that a LoaderProfile does not carry. */
export interface LookupOptions {
  /**
   * x86: the ISA level index of cpu_features->isa_1 (0 baseline … 3 x86-64-v4; diagnostics.ts
   * reads it as details.x86IsaLevel). Defaults to the level of `profile.hwcaps`, which is the
   * same unless GLIBC_TUNABLES masked hwcaps: isa_1 is computed before that masking.
   */
  x86IsaLevel?: number;
}

function searchParams(profile: LoaderProfile, options: LookupOptions): SearchParams {
  const arch = profile.arch;
  const platforms = LEGACY_PLATFORMS[arch];
  const platformMask = ((1n << BigInt(platforms.length)) - 1n) << BigInt(FIRST_PLATFORM_BIT);
  const idx = profile.platform === null ? -1 : platforms.indexOf(profile.platform);
  const platformBit = idx < 0 ? U64 : 1n << BigInt(FIRST_PLATFORM_BIT + idx);
  // hwcap_mask defaults to HWCAP_IMPORTANT, so dl_hwcap & hwcap_mask are the legacy names.
  const legacy = legacyHwcapMaskOfNames(arch, profile.legacyHwcapNames);
  return {
    arch,
    glibcMinor: profile.glibcMinor,
    priorities: new Map(profile.hwcaps.map((name, i) => [name, i + 1])),
    isaIndex: options.x86IsaLevel ?? x86IsaIndexOfHwcaps(profile.hwcaps),
    hwcapExclude: ~(legacy | platformMask | HWCAP_TLS_MASK) & U64,
    platformMask,
    platformBit,
  };
}

/**
 * CACHE_LOOKUP(name) of §2.8.3 on a loaded cache: `search_cache` of elf/dl-cache.c for the
 * loader described by `profile` (arch → flags check and char signedness; hwcaps → glibc-hwcaps
 * priorities and, on x86, the ISA level; legacyHwcapNames/platform → legacy entries for ≤ 2.39;
 * glibcMinor ≥ 2.40 ignores legacy entries). Returns the path the loader would try, or null.
 * A cache of the wrong byte order for `profile.arch` was rejected by the loader: null.
 */
export function lookupCache(
  cache: LdSoCache,
  name: string,
  profile: LoaderProfile,
  options: LookupOptions = {},
): string | null {
  if (cache.byteOrder !== cacheByteOrder(profile.arch)) return null;
  const p = searchParams(profile, options);
  const { bytes, stringBase, stringTableSize, entrySize } = cache.raw;
  const little = cache.byteOrder === 'little';
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerSize = entrySize === NEW_ENTRY ? NEW_HEADER : OLD_HEADER;
  const tableOff = entrySize === NEW_ENTRY ? stringBase + headerSize : headerSize;
  const nlibs = cache.entries.length;
  const nameBytes = new TextEncoder().encode(name);
  const signed = charIsSigned(p.arch);
  const verify = (index: number) => index < stringTableSize;
  const entryAt = (i: number) => {
    const off = tableOff + i * entrySize;
    return {
      flags: view.getInt32(off, little),
      key: view.getUint32(off + 4, little),
      value: view.getUint32(off + 8, little),
      hwcap: entrySize === NEW_ENTRY ? view.getBigUint64(off + 16, little) : 0n,
    };
  };
  const cmp = (key: number) => dlCacheLibcmp(nameBytes, bytes, stringBase + key, signed);

  let left = 0;
  let right = nlibs - 1;
  let best: number | null = null;
  let bestPriority = 0;
  while (left <= right) {
    let middle = (left + right) >> 1;
    const key = entryAt(middle).key;
    if (!verify(key)) return null;
    const cmpres = cmp(key);
    if (cmpres === 0) {
      left = middle;
      while (middle > 0) {
        const k = entryAt(middle - 1).key;
        if (!verify(k) || cmp(k) !== 0) break;
        --middle;
      }
      do {
        const lib = entryAt(middle);
        if (middle > left && (!verify(lib.key) || cmp(lib.key) !== 0)) break;
        if (!cacheFlagsAccepted(p.arch, lib.flags) || !verify(lib.value)) continue;
        let named = false;
        if (entrySize >= NEW_ENTRY) {
          named = p.glibcMinor >= 33 && isHwcapExtension(lib.hwcap);
          if (named && !isaCompatible(p, lib.hwcap)) continue;
          if (!named && best !== null) break;
          if (p.glibcMinor >= 40) {
            // "Skip entries with the legacy hwcap/platform mechanism" (commit c5aa5fd40a).
            if (!named && lib.hwcap !== 0n) continue;
          } else {
            if (!named && (lib.hwcap & p.hwcapExclude) !== 0n) continue;
            const plat = lib.hwcap & p.platformMask;
            if (p.platformMask !== 0n && plat !== 0n && plat !== p.platformBit) continue;
          }
          if (named) {
            const priority = hwcapsPriority(cache, lib.hwcap, p);
            if (priority === 0) continue;
            if (best === null || priority < bestPriority) bestPriority = priority;
            else continue;
          }
        }
        best = lib.value;
        if (!named && lib.flags === CACHE_DEFAULT_ID[p.arch]) break;
      } while (++middle <= right);
      break;
    }
    if (cmpres < 0) left = middle + 1;
    else right = middle - 1;
  }
  return best === null ? null : cString(bytes, stringBase + best);
}

/** dl_cache_hwcap_isa_level_compatible: x86 checks the entry's ISA level; elsewhere always true. */
function isaCompatible(p: SearchParams, hwcap: bigint): boolean {
  if (p.arch !== 'x86_64' && p.arch !== 'i686') return true;
  const level = Number((hwcap >> 32n) & ISA_LEVEL_MASK);
  // isa_1 has bits 0..isaIndex set; `1 << level` must be among them.
  return level <= p.isaIndex;
}

/**
 * glibc_hwcaps_priority: the entry's subdirectory (lower 32 bits index the extension section)
 * gets its rank among the loader's active subdirectories (elf/dl-hwcaps.c compute_priorities,
 * 1 = best), or 0 = not usable. No usable extension section ⇒ 0 for every entry.
 */
function hwcapsPriority(cache: LdSoCache, hwcap: bigint, p: SearchParams): number {
  if (!cache.extensionsOk) return 0;
  const name = cache.hwcapsNames[Number(hwcap & 0xffffffffn)];
  return name === undefined ? 0 : (p.priorities.get(name) ?? 0);
}
