// Noting one file, and every ELF of a closure archive: build the descriptor as patchelf does
// (build.ts), follow patchelf's rules for a note already present (stale.ts, resolution-note.md
// §2.4), and hand the note bytes to the ELF writer, whose output is checked before it is offered.
import type { ByteSource, Engine, LoadedFile } from '../engine/engine.ts';
import type { ElfReport, Problem } from '../elf/types.ts';
import type { Vfs } from '../vfs/types.ts';
import { elfFiles } from '../vfs/regular-files.ts';
import { buildResolutionNote } from './build.ts';
import { encodeResolutionNote } from './encode.ts';
import { checkStale } from './stale.ts';
import { embedNote } from '../rewrite/index.ts';

export type PatchelfVersion = '0.19.0' | '0.19.1';

/**
 * The writer: the loaded file with `note` embedded (replacing a present one when asked), checked.
 * `parsed` is the input's report (with the symbol digest), so the writer need not parse it again.
 */
export type EmbedNote = (file: LoadedFile, note: Uint8Array, replace: boolean, parsed: ElfReport) => { ok: true; bytes: Uint8Array } | { ok: false; error: Problem };

/** The ELF writer as an EmbedNote: embedNote of src/core/rewrite, its checked output or its error. */
export function writerEmbed(engine: Engine): EmbedNote {
  return (file, note, replace, parsed) => {
    const written = embedNote(engine, file, note, { replace, parsed });
    return written.ok ? { ok: true, bytes: written.bytes } : written;
  };
}

export type NoteOutcome =
  /** A new file carrying the note. */
  | { kind: 'written'; bytes: Uint8Array; entries: number }
  /** Nothing to record, or the note present is already the one patchelf would write: unchanged. */
  | { kind: 'unchanged'; reason: string }
  /** Not an ELF, a different note present without --replace, or the writer's error. */
  | { kind: 'refused'; error: Problem | null; reason: string };

export interface NoteOptions {
  patchelf: PatchelfVersion;
  replace: boolean;
}

/**
 * Notes one file. From a ByteSource the file is read straight into the core, where the parse, the
 * writer and the output's check all find it: the output is the only copy made in JavaScript.
 */
export function noteFile(engine: Engine, input: Uint8Array | ByteSource, vfs: Vfs, embed: EmbedNote, options: NoteOptions): NoteOutcome {
  const loaded = engine.load(input);
  if (!loaded.ok) return { kind: 'refused', error: loaded.error, reason: loaded.error.message };
  const parsed = loaded.file.parse({ symbolDigest: true });
  if (!parsed.ok) return { kind: 'refused', error: parsed.error, reason: parsed.error.message };
  const report = parsed.report;
  // A note present is compared from the bytes parsed, not from the file read again.
  const stale = checkStale(report, vfs, { patchelf: options.patchelf, file: loaded.file });
  const fresh = stale.fresh;
  if (stale.present && !stale.stale) return { kind: 'unchanged', reason: 'the note present is the one patchelf would write' };
  if (stale.present && !options.replace) return { kind: 'refused', error: null, reason: stale.patchelf.message ?? 'a different resolution note is already present' };
  if (!fresh.descriptor) return { kind: 'unchanged', reason: fresh.warning ?? 'nothing to record' };
  const written = embed(loaded.file, encodeResolutionNote(fresh.descriptor, report.header.data), options.replace && stale.present, report);
  if (!written.ok) return { kind: 'refused', error: written.error, reason: written.error.message };
  return { kind: 'written', bytes: written.bytes, entries: fresh.entries.length };
}

export interface ArchiveNoting {
  /** New contents by path (absolute in the archive's tree). */
  replacements: Map<string, Uint8Array>;
  /** What happened to every ELF file, by path. */
  outcomes: Map<string, NoteOutcome>;
}

/** Notes every ELF regular file of an archive's tree, resolving run paths inside the archive. */
export function noteTree(engine: Engine, vfs: Vfs, embed: EmbedNote, options: NoteOptions): ArchiveNoting {
  const replacements = new Map<string, Uint8Array>();
  const outcomes = new Map<string, NoteOutcome>();
  for (const { path, bytes } of elfFiles(vfs)) {
    const outcome = noteFile(engine, bytes, vfs, embed, options);
    outcomes.set(path, outcome);
    if (outcome.kind === 'written') replacements.set(path, outcome.bytes);
  }
  return { replacements, outcomes };
}
