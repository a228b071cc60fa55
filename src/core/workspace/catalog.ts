// The ELF files of a workspace, each read once without symbols: which are programs (an ELF with
// PT_INTERP: what the kernel hands to ld.so, so what can be traced), which are libraries, and
// which could not be read (with the core's error code and byte offset). A generator, so the
// worker can report progress and the page stays responsive on closures of thousands of files.
import type { Engine } from '../engine/engine.ts';
import type { Problem } from '../elf/types.ts';
import type { Vfs } from '../vfs/types.ts';
import { startsLikeElf } from '../vfs/regular-files.ts';

export type ElfKind = 'program' | 'library' | 'object';

export interface ElfEntry {
  path: string;
  size: number;
  /** program: has PT_INTERP; library: ET_DYN without it; object: anything else (ET_REL, static ET_EXEC, core). */
  kind: ElfKind | null;
  interpreter: string | null;
  soname: string | null;
  needed: number;
  /** Carries a .note.nixos.ldcache (valid or not). */
  hasNote: boolean;
  /** Why the file could not be read as ELF (not ELF at all included); kind is null then. */
  error: Problem | null;
}

const ET_DYN = 3;

/**
 * Yields one entry per ELF file among `paths`, in order. With `everyFile`, files that do not
 * start like ELF get an entry too, with the core's error (elf_bad_magic, elf_empty, ...): files
 * the user dropped one by one are never skipped silently. In an archive they are data, docs and
 * scripts, and are only counted.
 */
export function* catalogElfFiles(engine: Engine, vfs: Vfs, paths: string[], everyFile = false): Generator<ElfEntry> {
  for (const path of paths) {
    const found = vfs.stat(path, '/');
    if (!found.ok) continue;
    const source = vfs.source(found.stat.id);
    if (!everyFile && !startsLikeElf(source)) continue;
    const size = found.stat.size;
    // Demand-loaded: only the chunks holding headers, dynamic section and notes are read.
    const parsed = engine.parseSource(source);
    if (!parsed.ok) {
      yield { path, size, kind: null, interpreter: null, soname: null, needed: 0, hasNote: false, error: parsed.error };
      continue;
    }
    const r = parsed.report;
    const kind: ElfKind = r.interpreter ? 'program' : r.header.type === ET_DYN ? 'library' : 'object';
    yield {
      path, size, kind,
      interpreter: r.interpreter?.text ?? null,
      soname: r.soname?.text ?? null,
      needed: r.needed.length,
      hasNote: r.notes.some((n) => n.decoded?.kind === 'nixos-ldcache'),
      error: null,
    };
  }
}
