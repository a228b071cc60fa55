// Is a file's `.note.nixos.ldcache` stale? The note as it is compared with the note patchelf
// would build now (build.ts) over the same Vfs, with each difference named, plus what patchelf's
// rebuild rule would do (resolution-note.md §2.4: byte-equal → nothing to do; otherwise, or when
// no note would be written at all, it refuses) and whether glibc's reader accepts the note (§4.2).
import type { ByteSource } from '../engine/engine.ts';
import type { ElfReport, LdcacheEntry, Note, Problem } from '../elf/types.ts';
import type { Errno, Vfs } from '../vfs/types.ts';
import { buildResolutionNote, encodeDescriptor, splitRunPath, type BuildOptions, type ResolutionNoteBuild } from './build.ts';
import { LDCACHE_SECTION_NAME } from './encode.ts';
import { equalBytes } from '../bytes.ts';

/** patchelf's error when a note exists and the fresh descriptor is not byte-equal to it (§2.4). */
export const ALREADY_PRESENT = '--build-resolution-cache: a resolution cache note is already present; rebuild from an unpatched binary';

export type StaleDifference =
  /** An entry whose soname is not (or no longer) a searched DT_NEEDED of the file. */
  | { kind: 'soname-not-needed'; soname: string }
  /** A DT_NEEDED the note lacks that patchelf would record now, with the path list it would get. */
  | { kind: 'needed-not-recorded'; soname: string; pathList: string }
  /** An `=path` element whose file does not exist (stat fails) now. */
  | { kind: 'exact-file-missing'; soname: string; path: string; errno: Errno }
  /**
   * A `?dir` or `=dir/soname` element whose dir is not a component of the run path now. `dir` is
   * null for an `=` path not ending in "/soname" (which patchelf never writes).
   */
  | { kind: 'element-not-in-run-path'; soname: string; element: string; dir: string | null }
  /** A soname in both whose path list differs (the per-element differences above say why). */
  | { kind: 'path-list-changed'; soname: string; recorded: string; fresh: string };

export interface GlibcView {
  /** The note glibc's reader decides on: the first NixOS ld-cache note in a PT_NOTE, or null. */
  note: Note | null;
  /** Whether the reader accepts it (the engine's decoded `valid`); false without a note. */
  accepted: boolean;
  problem: Problem | null;
  /** ldcache_segment_align for that PT_NOTE: the note validates, but glibc reads the descriptor elsewhere. */
  misread: Problem | null;
}

export type PatchelfAction =
  /** No note yet: patchelf would write `fresh.descriptor`. */
  | 'write'
  /** No note yet and nothing to write: patchelf warns (`fresh.warning`) and exits 0. */
  | 'no-op'
  /** A note with exactly the fresh descriptor: the output would be byte-identical. */
  | 'unchanged'
  /** A note that differs (or no note would be built now): patchelf fails with ALREADY_PRESENT. */
  | 'refused';

export interface StaleReport {
  /** A note exists: a section named .note.nixos.ldcache (patchelf's test), or one in a PT_NOTE. */
  present: boolean;
  /** The note compared: the one in that section, else glibc's; null when none (or the section holds no readable note). */
  note: Note | null;
  /** The descriptor in the file, null when there is no readable note. */
  recorded: Uint8Array | null;
  /** The note patchelf would build now. */
  fresh: ResolutionNoteBuild;
  /** The recorded descriptor differs from the fresh one, or none would be built now. False without a note. */
  stale: boolean;
  differences: StaleDifference[];
  patchelf: { action: PatchelfAction; message: string | null };
  glibc: GlibcView;
}

export interface StaleOptions extends BuildOptions {
  /**
   * The file's bytes, to compare the descriptor byte for byte. Without them the descriptor is
   * rebuilt from the decoded entries, which is exact unless the note holds bytes past its final
   * NUL pair or non-UTF-8 text (then it counts as differing).
   */
  file?: Uint8Array | ByteSource;
}

function readBytes(file: Uint8Array | ByteSource, offset: number, size: number): Uint8Array | null {
  const length = file instanceof Uint8Array ? file.length : file.size;
  if (offset < 0 || offset + size > length) return null;
  if (file instanceof Uint8Array) return file.slice(offset, offset + size);
  const out = new Uint8Array(size);
  file.readInto(offset, out);
  return out;
}

function entriesOf(note: Note | null): LdcacheEntry[] {
  return note?.decoded?.kind === 'nixos-ldcache' ? note.decoded.entries : [];
}

/** The descriptor of `note`: its bytes when the file is given, else rebuilt from its entries. */
function recordedDescriptor(note: Note, file: Uint8Array | ByteSource | undefined): Uint8Array | null {
  if (file !== undefined) return readBytes(file, note.descOffset, note.descSize);
  const rebuilt = encodeDescriptor(entriesOf(note).map((e) => ({ soname: e.soname.text, pathList: e.pathList.text })));
  return rebuilt.length === note.descSize ? rebuilt : null;
}

/** The note glibc would decide on (§4.2): the first in a PT_NOTE named exactly "NixOS\0". */
export function glibcView(report: ElfReport): GlibcView {
  const candidates = report.notes.filter((n) => n.source === 'segment' && n.decoded?.kind === 'nixos-ldcache');
  // A note of the type but not named "NixOS\0" does not match: glibc walks on to later notes.
  const note = candidates.find((n) => n.decoded?.kind === 'nixos-ldcache' && n.decoded.problem?.code !== 'ldcache_bad_name')
    ?? candidates[0] ?? null;
  if (note === null || note.decoded?.kind !== 'nixos-ldcache') return { note: null, accepted: false, problem: null, misread: null };
  const segment = report.segments.find((s) => s.index === note.sourceIndex);
  const alignField = segment ? segment.headerOffset + (report.header.class === 'ELF64' ? 48 : 28) : -1;
  const misread = report.problems.find((p) => p.code === 'ldcache_segment_align' && p.offset === alignField) ?? null;
  return { note, accepted: note.decoded.valid, problem: note.decoded.problem, misread };
}

/** The note patchelf sees: the first note of the section named .note.nixos.ldcache (§2.4). */
function patchelfNote(report: ElfReport): { section: boolean; note: Note | null } {
  const section = report.sections.find((s) => s.name === LDCACHE_SECTION_NAME);
  if (section === undefined) return { section: false, note: null };
  const note = report.notes.find((n) => n.source === 'section' && n.sourceIndex === section.index) ?? null;
  return { section: true, note };
}

/** Compares the file's note with the one patchelf would build now over `vfs`. */
export function checkStale(report: ElfReport, vfs: Vfs, options: StaleOptions): StaleReport {
  const fresh = buildResolutionNote(report, vfs, options);
  const glibc = glibcView(report);
  const seen = patchelfNote(report);
  const present = seen.section || glibc.note !== null;
  const note = seen.section ? seen.note : glibc.note;

  if (!present) {
    return {
      present, note: null, recorded: null, fresh, stale: false, differences: [], glibc,
      patchelf: fresh.descriptor ? { action: 'write', message: null } : { action: 'no-op', message: fresh.warning },
    };
  }

  const recorded = note ? recordedDescriptor(note, options.file) : null;
  const matches = recorded !== null && fresh.descriptor !== null && equalBytes(recorded, fresh.descriptor);
  const differences: StaleDifference[] = [];
  const searched = new Set(fresh.searched);
  const components = new Set(splitRunPath(fresh.runPath?.text ?? '', options.patchelf));
  const freshBySoname = new Map(fresh.entries.map((e) => [e.soname, e]));
  const recordedSonames = new Set<string>();

  for (const entry of entriesOf(note)) {
    const soname = entry.soname.text;
    recordedSonames.add(soname);
    if (!searched.has(soname)) differences.push({ kind: 'soname-not-needed', soname });
    const rawElements = entry.pathList.text.split(':');
    for (const [i, element] of entry.elements.entries()) {
      const text = rawElements[i] ?? '';
      let dir: string | null;
      if (element.kind === 'exact') {
        const found = vfs.stat(element.path, '/');
        if (!found.ok) differences.push({ kind: 'exact-file-missing', soname, path: element.path, errno: found.errno });
        dir = element.path.endsWith(`/${soname}`) ? element.path.slice(0, -(soname.length + 1)) : null;
      } else dir = element.dir;
      if (dir === null || !components.has(dir)) differences.push({ kind: 'element-not-in-run-path', soname, element: text, dir });
    }
    const now = freshBySoname.get(soname);
    if (now && now.pathList !== entry.pathList.text) {
      differences.push({ kind: 'path-list-changed', soname, recorded: entry.pathList.text, fresh: now.pathList });
    }
  }
  for (const entry of fresh.entries) {
    if (!recordedSonames.has(entry.soname)) differences.push({ kind: 'needed-not-recorded', soname: entry.soname, pathList: entry.pathList });
  }

  return {
    present, note, recorded, fresh, stale: !matches, differences, glibc,
    patchelf: matches ? { action: 'unchanged', message: null } : { action: 'refused', message: ALREADY_PRESENT },
  };
}
