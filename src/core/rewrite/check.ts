// The checks every rewritten file passes before it is offered: it is parsed back with the same
// engine and compared with the input's report. Each check names a rule the loader or the tools
// rely on; a failure is a writer bug, reported as rewrite_check_failed with the rules it broke.
import type { ElfReport, Note, Section, Segment } from '../elf/types.ts';
import { equalBytes } from '../bytes.ts';

const PT_LOAD = 1;
const PT_DYNAMIC = 2;
const PT_INTERP = 3;
const PT_NOTE = 4;
const PT_PHDR = 6;
const SHT_NOTE = 7;
const SHT_NOBITS = 8;
const SHF_ALLOC = 2;
const DT_STRTAB = 5;
const DT_STRSZ = 10;
const DT_NEEDED = 1;
const DT_RPATH = 15;
const DT_RUNPATH = 29;
const NT_NIXOS_LD_CACHE = 0x63a86cb6;
export const LDCACHE_SECTION = '.note.nixos.ldcache';

/** What the edit promised, for the edit-specific checks. */
export type Expectation =
  | { kind: 'embed-note'; note: Uint8Array }
  | { kind: 'set-runpath'; runpath: string }
  | { kind: 'replace-needed'; from: string; to: string }
  | { kind: 'remove-note' };

export function isResolutionNote(n: Note): boolean {
  return n.owner === 'NixOS' && n.type === NT_NIXOS_LD_CACHE;
}

/** The NixOS resolution notes of a report, each once (a note is seen via segment and section). */
export function resolutionNotes(report: ElfReport): Note[] {
  const seen = new Map<number, Note>();
  for (const n of report.notes) if (isResolutionNote(n) && !seen.has(n.offset)) seen.set(n.offset, n);
  return [...seen.values()];
}

const big = (hex: string) => BigInt(hex);

/** A PT_LOAD with its address parsed once (checks ask about every section of both reports). */
interface Load {
  segment: Segment;
  vaddr: bigint;
}

/** The PT_LOAD segments of a report, in table order, memoized per report. */
const loadTables = new WeakMap<ElfReport, Load[]>();
function loads(r: ElfReport): Load[] {
  let table = loadTables.get(r);
  if (table === undefined) {
    table = r.segments.filter((s) => s.type === PT_LOAD).map((segment) => ({ segment, vaddr: big(segment.vaddr) }));
    loadTables.set(r, table);
  }
  return table;
}

/** The PT_LOAD that maps file bytes [offset, offset+size) and the address it maps them at. */
function mappedBy(r: ElfReport, offset: number, size: number): { load: Segment; address: bigint } | null {
  for (const { segment, vaddr } of loads(r)) {
    if (offset >= segment.offset && offset + size <= segment.offset + segment.filesz) {
      return { load: segment, address: vaddr + BigInt(offset - segment.offset) };
    }
  }
  return null;
}

function loadsAscending(r: ElfReport): boolean {
  const l = loads(r);
  for (let i = 1; i < l.length; i++) {
    if (l[i]!.vaddr < l[i - 1]!.vaddr + BigInt(l[i - 1]!.segment.memsz)) return false;
  }
  return true;
}

/** The gABI: PT_PHDR and PT_INTERP precede every loadable segment entry. */
function headersFirst(r: ElfReport): boolean {
  const firstLoad = r.segments.findIndex((s) => s.type === PT_LOAD);
  return r.segments.every((s, i) => (s.type !== PT_PHDR && s.type !== PT_INTERP) || firstLoad < 0 || i < firstLoad);
}

function congruent(s: Segment): boolean {
  if (s.align <= 1) return true;
  const a = BigInt(s.align);
  return ((big(s.vaddr) - BigInt(s.offset)) % a + a) % a === 0n;
}

/** Segments and sections whose file bytes lie outside the file. */
function outOfFile(r: ElfReport): string[] {
  const out: string[] = [];
  for (const s of r.segments) if (s.offset + s.filesz > r.size) out.push(`segment ${s.index}`);
  for (const s of r.sections) if (s.type !== SHT_NOBITS && s.type !== 0 && s.offset + s.size > r.size) out.push(`section ${s.name}`);
  return out;
}

/** Allocated sections that no PT_LOAD maps at their own address. */
function unmappedSections(r: ElfReport): string[] {
  const out: string[] = [];
  for (const s of r.sections) {
    if ((s.flags & SHF_ALLOC) === 0 || s.type === SHT_NOBITS || s.size === 0) continue;
    const m = mappedBy(r, s.offset, s.size);
    if (!m || m.address !== big(s.addr)) out.push(s.name);
  }
  return out;
}

/** PT_PHDR describes the table at e_phoff, and a PT_LOAD maps it at PT_PHDR's address. */
function phdrProblems(r: ElfReport): string[] {
  const out: string[] = [];
  const size = r.header.phnum * r.header.phentsize;
  const phdr = r.segments.find((s) => s.type === PT_PHDR);
  if (phdr) {
    if (phdr.offset !== r.header.phoff || phdr.filesz !== size || phdr.memsz !== size) out.push('PT_PHDR does not describe the table at e_phoff');
    const m = mappedBy(r, phdr.offset, phdr.filesz);
    if (!m || m.address !== big(phdr.vaddr)) out.push('PT_PHDR is not mapped by a PT_LOAD at its p_vaddr');
  }
  return out;
}

function countCodes(r: ElfReport): Map<string, number> {
  const m = new Map<string, number>();
  for (const p of r.problems) m.set(p.code, (m.get(p.code) ?? 0) + 1);
  return m;
}

/** The descriptor bytes of each note of `before` that is gone: all zero in `after`. */
function staleNoteBytes(before: ElfReport, bytes: Uint8Array): string[] {
  const out: string[] = [];
  for (const n of resolutionNotes(before)) {
    const desc = bytes.subarray(n.descOffset, n.descOffset + n.descSize);
    if (desc.some((b) => b !== 0)) out.push(`old note at 0x${n.offset.toString(16)} still has descriptor bytes`);
  }
  return out;
}

/**
 * The dynamic symbol tables are the same: by digest when both reports carry one (the writer's own
 * checks), else entry by entry, name and value (a report parsed with symbols).
 */
function sameSymbols(before: ElfReport, after: ElfReport): boolean {
  if (before.symbolDigest || after.symbolDigest) {
    // One side without a digest: its table was not found, so it cannot be the same table.
    return before.symbolDigest !== null && after.symbolDigest !== null
      && before.symbolDigest.count === after.symbolDigest.count && before.symbolDigest.digest === after.symbolDigest.digest;
  }
  const symbols = (r: ElfReport) => (r.symbols ?? []).map((s) => `${s.name.text}@${s.value}`);
  return sameList(symbols(before), symbols(after));
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * Everything that must hold for the output `after` (parsed from `bytes`) of an edit of `before`.
 * Returns the broken rules; empty when the file may be offered.
 */
export function checkRewrite(before: ElfReport, after: ElfReport, bytes: Uint8Array, expect: Expectation): string[] {
  const fails: string[] = [];
  const h0 = before.header;
  const h1 = after.header;
  for (const k of ['class', 'data', 'machine', 'type', 'entry', 'osabi', 'flags'] as const) {
    if (h0[k] !== h1[k]) fails.push(`e_${k} changed`);
  }
  // No problem the input did not have.
  const c0 = countCodes(before);
  for (const [code, n] of countCodes(after)) if (n > (c0.get(code) ?? 0)) fails.push(`new problem ${code}`);

  // Program headers as the kernel and ld.so need them.
  if (loadsAscending(before) && !loadsAscending(after)) fails.push('PT_LOAD segments are not in ascending, non-overlapping p_vaddr order');
  if (headersFirst(before) && !headersFirst(after)) fails.push('PT_PHDR or PT_INTERP follows a PT_LOAD');
  const oldLoads = new Set(loads(before).map(({ segment: s }) => `${s.offset}/${s.vaddr}/${s.filesz}`));
  for (const { segment: s } of loads(after)) {
    if (!oldLoads.has(`${s.offset}/${s.vaddr}/${s.filesz}`) && !congruent(s)) fails.push(`new PT_LOAD at 0x${s.offset.toString(16)}: p_offset and p_vaddr differ modulo p_align`);
  }
  if (outOfFile(before).length === 0) fails.push(...outOfFile(after).map((x) => `${x} lies outside the file`));
  fails.push(...phdrProblems(after).filter((p) => !phdrProblems(before).includes(p)));
  if (mappedBy(before, h0.phoff, h0.phnum * h0.phentsize) && !mappedBy(after, h1.phoff, h1.phnum * h1.phentsize)) {
    fails.push('the program header table is not mapped by a PT_LOAD (the kernel derives AT_PHDR from it)');
  }
  const unmapped0 = new Set(unmappedSections(before));
  for (const name of unmappedSections(after)) if (!unmapped0.has(name)) fails.push(`section ${name} is not mapped at its address`);
  const dynMapped = (r: ElfReport) => {
    const dyn = r.segments.find((s) => s.type === PT_DYNAMIC);
    return !dyn || mappedBy(r, dyn.offset, dyn.filesz) !== null;
  };
  if (dynMapped(before) && !dynMapped(after)) fails.push('PT_DYNAMIC is not mapped by a PT_LOAD');

  // Everything the edit did not ask to change reads the same.
  if ((before.interpreter?.text ?? null) !== (after.interpreter?.text ?? null)) fails.push('interpreter changed');
  if ((before.soname?.text ?? null) !== (after.soname?.text ?? null)) fails.push('DT_SONAME changed');
  const dynText = (r: ElfReport) => r.dynamic
    .filter((d) => d.tag !== DT_STRTAB && d.tag !== DT_STRSZ && d.tag !== 0)
    .map((d) => (d.string ? `${d.tag}=${d.string.text}` : `${d.tag}:${d.value}`));
  const expected = dynText(before).map((e) => {
    if (expect.kind === 'replace-needed' && e === `${DT_NEEDED}=${expect.from}`) return `${DT_NEEDED}=${expect.to}`;
    return e;
  });
  let actual = dynText(after);
  if (expect.kind === 'set-runpath') {
    const strip = (l: string[]) => l.filter((e) => !e.startsWith(`${DT_RUNPATH}=`) && !e.startsWith(`${DT_RPATH}=`));
    const rpath0 = before.rpath?.text ?? null;
    if (before.runpath || !before.rpath) {
      if ((after.rpath?.text ?? null) !== rpath0) fails.push('DT_RPATH changed');
    } else if (after.rpath) fails.push('DT_RPATH was not converted to DT_RUNPATH');
    if (after.runpath?.text !== expect.runpath) fails.push(`DT_RUNPATH is ${JSON.stringify(after.runpath?.text ?? null)}`);
    if (!sameList(strip(expected), strip(actual))) fails.push('dynamic entries other than the run path changed');
    actual = expected;
  }
  if (!sameList(expected, actual)) fails.push('dynamic entries changed beyond the edit');
  const needs = (r: ElfReport) => r.versionNeeds.map((v) => `${v.file.text}:${v.versions.map((a) => a.name.text).join(',')}`);
  const needs0 = before.versionNeeds.map((v) => {
    const file = expect.kind === 'replace-needed' && v.file.text === expect.from ? expect.to : v.file.text;
    return `${file}:${v.versions.map((a) => a.name.text).join(',')}`;
  });
  if (!sameList(needs0, needs(after))) fails.push('version needs (.gnu.version_r) do not match');
  const defs = (r: ElfReport) => r.versionDefs.map((v) => v.names.map((n) => n.text).join(','));
  if (!sameList(defs(before), defs(after))) fails.push('version definitions changed');
  if (!sameSymbols(before, after)) fails.push('dynamic symbols changed');

  // Notes.
  const notes = resolutionNotes(after);
  const namedSections = (r: ElfReport) => r.sections.filter((s) => s.name === LDCACHE_SECTION);
  if (expect.kind === 'embed-note') {
    fails.push(...checkEmbedded(after, notes, namedSections(after), bytes, expect.note));
  } else {
    // Run path and DT_NEEDED edits drop the note, as patchelf does; so does remove-note.
    if (notes.length > 0) fails.push('a resolution note remains');
    if (namedSections(after).length > 0) fails.push(`a ${LDCACHE_SECTION} section remains`);
  }
  // A note that was there before (replaced or removed) keeps no store path in the file.
  fails.push(...staleNoteBytes(before, bytes));
  return fails;
}

function checkEmbedded(after: ElfReport, notes: Note[], named: Section[], bytes: Uint8Array, note: Uint8Array): string[] {
  const fails: string[] = [];
  if (notes.length !== 1) return [`expected one resolution note, found ${notes.length}`];
  const n = notes[0]!;
  if (!equalBytes(bytes.subarray(n.offset, n.offset + note.length), note)) fails.push('the note bytes differ from the given note');
  if (n.decoded?.kind !== 'nixos-ldcache' || !n.decoded.valid) fails.push('glibc would not accept the note');
  const seg = after.segments.find((s) => s.type === PT_NOTE && s.offset === n.offset);
  if (!seg) return [...fails, 'no PT_NOTE starts at the note'];
  if (seg.filesz !== note.length || seg.memsz !== note.length) fails.push('the PT_NOTE is not exactly the note');
  if (seg.align !== 4) fails.push('the PT_NOTE p_align is not 4');
  const m = mappedBy(after, seg.offset, seg.filesz);
  if (!m || m.address !== big(seg.vaddr)) fails.push('no PT_LOAD maps the note at the PT_NOTE address');
  if (after.sections.length > 0) {
    // Without a section name table (e_shstrndx 0) the new section has no name: find it by place.
    const candidates = after.header.shstrndx === 0 ? after.sections.filter((s) => s.offset === seg.offset && s.type === SHT_NOTE) : named;
    if (candidates.length !== 1) fails.push(`expected one ${LDCACHE_SECTION} section, found ${candidates.length}`);
    const s = candidates[0];
    if (s && (s.type !== SHT_NOTE || (s.flags & SHF_ALLOC) === 0 || s.addralign !== 4 || s.offset !== seg.offset
      || s.size !== note.length || big(s.addr) !== big(seg.vaddr) || s.link !== 0 || s.info !== 0 || s.entsize !== 0)) {
      fails.push(`the ${LDCACHE_SECTION} section header does not describe the note`);
    }
  }
  return fails;
}
