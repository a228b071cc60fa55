// Single-file ELF edits on the core's writer (wasm/assembly/rewrite/): embed or remove the
// `.note.nixos.ldcache` resolution note, set or shrink DT_RUNPATH, replace a DT_NEEDED. Every edit
// parses its input, runs the writer, parses the output back and checks it (check.ts) before
// offering it; a file that fails a check is never returned. Expected failures are data
// ({ ok: false, error }), so they cross Comlink intact.
//
// Layout rules, note handling and patchelf correspondences are documented in the writer
// (wasm/assembly/rewrite/layout.ts, notes.ts, strings.ts, edits.ts). In short: new bytes are
// appended on a fresh page in one new read-only PT_LOAD; the note gets its own PT_NOTE (p_align
// 4) and SHT_NOTE section; the program header table moves into that PT_LOAD only when it has no
// free (PT_NULL) slots; the output of one input and one edit is always the same bytes.
import type { CoreEdit, Engine, LoadedFile } from '../engine/engine.ts';
import { describeProblem } from '../elf/errors.ts';
import type { ElfReport, Problem } from '../elf/types.ts';
import { checkRewrite, type Expectation } from './check.ts';

export { LDCACHE_SECTION, resolutionNotes } from './check.ts';

export type RewriteResult =
  | {
      ok: true;
      /** The new file; the input's bytes (a copy) when `changed` is false. */
      bytes: Uint8Array;
      /** False when the edit had nothing to do (the same note, the same run path). */
      changed: boolean;
      /** The parse of `bytes`. */
      report: ElfReport;
    }
  | { ok: false; error: Problem };

export interface EmbedOptions {
  /**
   * Replace a different resolution note already in the file (its bytes are zeroed, its PT_NOTE,
   * PT_LOAD and section dropped). Without it such a file is refused with write_note_exists.
   */
  replace?: boolean;
  /**
   * The input's report, when the caller has it already (saves a parse). It must carry the symbol
   * digest (or the symbols, then the output's are decoded too) for the check; otherwise it is
   * not used.
   */
  parsed?: ElfReport;
}

const utf8 = new TextEncoder();

/**
 * The symbol table is compared by its digest, computed in the core: decoding every name of both
 * files would cost more than the whole edit on a big library.
 */
const CHECK_PARSE = { symbolDigest: true };

/** The file an edit applies to: its bytes, or the same already loaded into the core. */
export type EditInput = Uint8Array | LoadedFile;

function run(engine: Engine, input: EditInput, edit: CoreEdit, expect: Expectation, parsed?: ElfReport): RewriteResult {
  const loaded = input instanceof Uint8Array ? engine.load(input) : { ok: true as const, file: input };
  if (!loaded.ok) return loaded;
  const usable = parsed && (parsed.symbolDigest || parsed.symbols) ? parsed : null;
  const before = usable ? { ok: true as const, report: usable } : loaded.file.parse(CHECK_PARSE);
  if (!before.ok) return before;
  // The output is parsed back where the core wrote it, before it is copied out.
  const written = loaded.file.write(edit, before.report.symbols ? { symbols: true } : CHECK_PARSE);
  if (!written.ok) return written;
  if (!written.changed) return { ok: true, bytes: written.bytes, changed: false, report: before.report };
  const after = written.parsed!;
  const fails = after.ok ? checkRewrite(before.report, after.report, written.bytes, expect) : [`the output does not parse: ${after.error.code}`];
  if (fails.length > 0 || !after.ok) {
    const problem = describeProblem('rewrite_check_failed', 0);
    return { ok: false, error: { ...problem, message: `${problem.message} (${fails.join('; ')})` } };
  }
  return { ok: true, bytes: written.bytes, changed: true, report: after.report };
}

/**
 * Embeds `note`: one complete resolution note (§2.1 of resolution-note.md: 12-byte header in the
 * file's byte order, "NixOS\0" padded to 8, descriptor, zero padding to 4). A file that already
 * carries exactly this note is returned unchanged.
 */
export function embedNote(engine: Engine, input: EditInput, note: Uint8Array, options: EmbedOptions = {}): RewriteResult {
  return run(engine, input, { kind: 'embed-note', note, replace: options.replace === true }, { kind: 'embed-note', note }, options.parsed);
}

/** Removes every resolution note; a file without one is returned unchanged. */
export function removeNote(engine: Engine, bytes: Uint8Array): RewriteResult {
  return run(engine, bytes, { kind: 'remove-note' }, { kind: 'remove-note' });
}

/**
 * Sets DT_RUNPATH (a DT_RPATH-only file gets its entry converted, as patchelf --set-rpath does).
 * A changed run path removes the resolution note, whose entries it would make stale.
 */
export function setRunpath(engine: Engine, bytes: Uint8Array, runpath: string): RewriteResult {
  return run(engine, bytes, { kind: 'set-runpath', runpath: utf8.encode(runpath) }, { kind: 'set-runpath', runpath });
}

/**
 * Replaces every DT_NEEDED `from` with `to`, and the `.gnu.version_r` file name that went with
 * it; removes the resolution note. A file without DT_NEEDED `from` is refused
 * (write_needed_not_found); `from` equal to `to` returns the file unchanged.
 */
export function replaceNeeded(engine: Engine, bytes: Uint8Array, from: string, to: string): RewriteResult {
  return run(engine, bytes, { kind: 'replace-needed', from: utf8.encode(from), to: utf8.encode(to) }, { kind: 'replace-needed', from, to });
}

/**
 * patchelf --shrink-rpath: keeps a run-path entry when it is not absolute (e.g. $ORIGIN/../lib) or
 * when it holds a DT_NEEDED library not found in an earlier entry, with the file's e_machine.
 * `machineOf(path)` reports the e_machine of the ELF file at `path`, or null when there is none.
 * Acts on DT_RUNPATH, else DT_RPATH. A file without a run path only loses its note (as patchelf).
 */
export function shrinkRunpath(engine: Engine, bytes: Uint8Array, machineOf: (path: string) => number | null): RewriteResult {
  const parsed = engine.parse(bytes);
  if (!parsed.ok) return parsed;
  const report = parsed.report;
  const current = report.runpath ?? report.rpath;
  if (!current) return removeNote(engine, bytes);
  const needed = report.needed.map((n) => n.text);
  const found = needed.map(() => false);
  const kept: string[] = [];
  for (const dir of current.text.split(':')) {
    if (!dir.startsWith('/')) { kept.push(dir); continue; }
    let useful = false;
    needed.forEach((lib, i) => {
      if (found[i] || machineOf(`${dir}/${lib}`) !== report.header.machine) return;
      found[i] = true;
      useful = true;
    });
    if (useful) kept.push(dir);
  }
  return setRunpath(engine, bytes, kept.join(':'));
}
