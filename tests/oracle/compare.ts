// Field-by-field comparison of the engine's ElfReport with GNU readelf's view of the same file.
// Each difference is one line "field: ours ≠ readelf's"; an empty list means they agree.
import type { ElfReport } from '../../src/core/elf/types.ts';
import { dtFlags1Names, dtFlagsNames } from '../../src/core/elf/names/dynamic.ts';
import {
  parseDynamic, parseNotes, parseProgramHeaders, parseSections, parseVersionInfo,
} from './readelf.ts';

const hex = (v: bigint | number | string) => (typeof v === 'string' ? v : `0x${v.toString(16)}`);

class Differences {
  readonly lines: string[] = [];
  same(field: string, ours: unknown, theirs: unknown): void {
    const a = JSON.stringify(ours);
    const b = JSON.stringify(theirs);
    if (a !== b) this.lines.push(`${field}: ${a} ≠ readelf ${b}`);
  }
}

function compareSegments(d: Differences, r: ElfReport, text: string): void {
  const ph = parseProgramHeaders(text);
  d.same('interpreter', r.interpreter?.text ?? null, ph.interpreter ?? null);
  d.same('segment count', r.segments.length, ph.headers.length);
  ph.headers.forEach((h, i) => {
    const s = r.segments[i];
    if (!s) return;
    d.same(`segment ${i}`,
      [s.typeName, hex(s.offset), s.vaddr, s.paddr, hex(s.filesz), hex(s.memsz), s.flagsText, hex(s.align)],
      [h.type, hex(h.offset), hex(h.vaddr), hex(h.paddr), hex(h.filesz), hex(h.memsz), h.flags, hex(h.align)]);
  });
}

function compareDynamic(d: Differences, r: ElfReport, text: string): void {
  const dyn = parseDynamic(text);
  d.same('needed', r.needed.map((n) => n.text), dyn.needed);
  d.same('soname', r.soname?.text ?? null, dyn.soname);
  d.same('rpath', r.rpath?.text ?? null, dyn.rpath);
  d.same('runpath', r.runpath?.text ?? null, dyn.runpath);
  d.same('flags', r.flags === null ? null : dtFlagsNames(r.flags).join(' '), dyn.flags);
  d.same('flags_1', r.flags1 === null ? null : `Flags: ${dtFlags1Names(r.flags1).join(' ')}`, dyn.flags1);
}

/** readelf -n shows section notes when the file has sections, segment notes otherwise. */
function compareNotes(d: Differences, r: ElfReport, text: string): void {
  const theirs = parseNotes(text).notes;
  const source = r.sections.length > 0 ? 'section' : 'segment';
  const ours = r.notes.filter((n) => n.source === source);
  d.same('note count', ours.length, theirs.length);
  theirs.forEach((t, i) => {
    const n = ours[i];
    if (!n) return;
    d.same(`note ${i}`, [n.owner, n.descSize, n.typeName], [t.owner, t.dataSize, t.description]);
    const decoded = n.decoded;
    if (decoded?.kind === 'gnu-build-id') d.same(`note ${i} build id`, `Build ID: ${decoded.buildId}`, t.details[0]);
    if (decoded?.kind === 'gnu-abi-tag') d.same(`note ${i} abi tag`, `OS: ${decoded.os}, ABI: ${decoded.version}`, t.details[0]);
    if (decoded?.kind === 'gnu-properties') {
      d.same(`note ${i} properties`, `Properties: ${decoded.properties.map((p) => `${p.typeName}: ${p.text}`).join(', ')}`, t.details[0]);
    }
  });
}

function compareSections(d: Differences, r: ElfReport, text: string): void {
  const theirs = parseSections(text).sections;
  d.same('section count', r.sections.length, theirs.length);
  theirs.forEach((t, i) => {
    const s = r.sections[i];
    if (!s) return;
    d.same(`section ${i}`,
      [s.name, s.typeName, s.addr, hex(s.offset), hex(s.size), hex(s.entsize), s.flagsText, s.link, s.info, hex(s.addralign)],
      [t.name, t.type, hex(t.address), hex(t.offset), hex(t.size), hex(t.entsize), t.flags, t.link, t.info, hex(t.align)]);
  });
}

/** readelf -V reads the version sections only, so files without sections are left to the goldens. */
function compareVersions(d: Differences, r: ElfReport, text: string): void {
  if (r.sections.length === 0) return;
  const v = parseVersionInfo(text);
  d.same('version needs',
    r.versionNeeds.map((n) => [n.file.text, n.versions.map((a) => [a.name.text, a.index])]),
    v.needs.map((n) => [n.file, n.entries.map((e) => [e.name, e.version])]));
  d.same('version definitions',
    r.versionDefs.map((x) => [x.index, x.names.map((n) => n.text)]),
    v.definitions.map((x) => [x.index, [x.name, ...x.parents]]));
}

/** Differences between our report and readelf's `-lndSW` and `-VW` outputs for one file. */
export function compareWithReadelf(r: ElfReport, lndS: string, versions: string): string[] {
  const d = new Differences();
  compareSegments(d, r, lndS);
  compareDynamic(d, r, lndS);
  compareNotes(d, r, lndS);
  compareSections(d, r, lndS);
  compareVersions(d, r, versions);
  return d.lines;
}
