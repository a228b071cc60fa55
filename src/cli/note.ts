// `stormglass note`: embed .note.nixos.ldcache into ELF files, built against the files the user
// gave (the filesystem, a root, or an archive) rather than the host, or note every ELF of a
// closure archive into a new archive with everything else unchanged. Outputs are written whole
// to a temporary name and renamed, so no half-written file is ever left behind, and a file
// rewritten in place is replaced, never edited: a program that has it mapped keeps the old inode.
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Engine } from '../core/engine/engine.ts';
import { readWhole } from '../core/engine/engine.ts';
import { formatProblem } from '../core/elf/errors.ts';
import { loadArchive } from '../core/vfs/load-archive.ts';
import { repackArchive } from '../core/workspace/repack.ts';
import { withReplacements } from '../core/workspace/overlay.ts';
import { gzip } from '../core/vfs/gzip.ts';
import type { TreeVfs } from '../core/vfs/resolve.ts';
import type { FileId } from '../core/vfs/types.ts';
import { noteFile, noteTree, type EmbedNote, type NoteOptions, type NoteOutcome } from '../core/note/apply.ts';
import { realFsVfs, type RealNode } from '../node/real-fs.ts';
import { startsLikeElf } from '../core/vfs/regular-files.ts';
import type { CliIo } from './io.ts';

export interface NoteCommandOptions extends NoteOptions {
  root: string | null;
  archive: string | null;
  out: string | null;
  outDir: string | null;
  /** Replace each FILE (the file a symlink names, not the link) instead of writing elsewhere. */
  inPlace: boolean;
}

export class NoteUsageError extends Error {}

/**
 * Writes `bytes` to `path` whole, with permission bits `mode`: to a temporary name beside it,
 * then renamed over it. The directory must exist (callers make it once, not once per file).
 */
export function writeWhole(path: string, bytes: Uint8Array, mode = 0o644): void {
  const temporary = join(dirname(path), `.${basename(path)}.stormglass-${process.pid}`);
  try {
    writeFileSync(temporary, bytes, { mode });
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true }); // a full disk leaves no partial temporary behind
    throw error;
  }
}

/** Why a write failed, as errno and path ("EACCES: /nix/store/…/lib/libfoo.so"). */
function writeFailure(error: unknown, target: string): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === undefined) throw error;
  return `not written: ${code}: ${target}`;
}

function describe(file: string, outcome: NoteOutcome): string {
  switch (outcome.kind) {
    case 'written': return `${file}: resolution note with ${outcome.entries} entr${outcome.entries === 1 ? 'y' : 'ies'} written`;
    case 'unchanged': return `${file}: unchanged: ${outcome.reason}`;
    case 'refused': return `${file}: refused: ${outcome.error ? formatProblem(outcome.error) : outcome.reason}`;
  }
}

/** The compression OUT's name asks for: gzip for .gz and .tgz; xz and zstd cannot be written. */
function outputCompression(out: string): 'gzip' | 'none' {
  if (/\.(xz|zst|zstd)$/i.test(out)) throw new NoteUsageError(`${out}: stormglass cannot write xz or zstd; name the output .gz or leave it uncompressed`);
  return /\.(gz|tgz)$/i.test(out) ? 'gzip' : 'none';
}

async function noteArchive(engine: Engine, embed: EmbedNote, options: NoteCommandOptions, io: CliIo): Promise<number> {
  const out = options.out!;
  const compression = outputCompression(out);
  const loaded = await loadArchive(new Uint8Array(readFileSync(options.archive!)));
  if (!loaded.ok) throw new NoteUsageError(`${options.archive}: ${formatProblem(loaded.error)}`);
  const { replacements, outcomes } = noteTree(engine, loaded.vfs, embed, options);
  for (const [path, outcome] of outcomes) io.err(describe(path, outcome) + '\n');
  // The archive's own format again (a tar member for member), whatever OUT is called.
  const packed = repackArchive(withReplacements(loaded.vfs, replacements), loaded, replacements);
  if ('error' in packed) throw new NoteUsageError(`${options.archive}: ${formatProblem(packed.error)}`);
  for (const notice of packed.notices) io.err(`${out}: ${notice}\n`);
  mkdirSync(dirname(out), { recursive: true });
  writeWhole(out, compression === 'gzip' ? await gzip(packed.bytes) : packed.bytes);
  io.out(`${out}: ${FORMAT_NAMES[loaded.format]}${compression === 'gzip' ? ', gzip' : ''}; ${replacements.size} of ${outcomes.size} ELF files noted\n`);
  return [...outcomes.values()].some((o) => o.kind === 'refused') ? 1 : 0;
}

const FORMAT_NAMES = { tar: 'tar', nar: 'NAR', 'nix-export': 'nix-store --export stream' } as const;

/** A FILE argument: where it really is on the host (symlinks followed) and its permission bits. */
interface Input {
  file: string;
  host: string;
  mode: number;
  id: FileId;
}

/**
 * Every FILE resolved before anything is written, so a mistyped name, a directory or two FILEs
 * that --out-dir would write to the same name stop the run with nothing half done.
 */
function resolveInputs(vfs: TreeVfs<RealNode>, files: string[], outDir: string | null): Input[] {
  const byName = new Map<string, string>();
  return files.map((file) => {
    const found = vfs.resolve(file, process.cwd());
    if (!found.ok) throw new NoteUsageError(`${file}: ${found.errno}`);
    if (found.node.kind !== 'file') throw new NoteUsageError(`${file}: not a regular file`);
    if (outDir !== null) {
      const other = byName.get(basename(file));
      if (other !== undefined) throw new NoteUsageError(`${other} and ${file} would both be written to ${join(outDir, basename(file))}`);
      byName.set(basename(file), file);
    }
    return { file, host: found.node.host, mode: found.node.stat.mode & 0o777, id: found.node.stat.id };
  });
}

/** Where an outcome is written: nowhere for a refusal, nor in place for a file that needs no change (as patchelf). */
function destination(input: Input, outcome: NoteOutcome, options: NoteCommandOptions): string | null {
  if (outcome.kind === 'refused') return null;
  if (options.inPlace) return outcome.kind === 'written' ? input.host : null;
  return options.out ?? join(options.outDir!, basename(input.file));
}

export async function noteCommand(engine: Engine, embed: EmbedNote, files: string[], options: NoteCommandOptions, io: CliIo): Promise<number> {
  if (options.archive) return noteArchive(engine, embed, options, io);
  const vfs = realFsVfs(options.root ?? '/');
  const inputs = resolveInputs(vfs, files, options.outDir);
  const firstName = new Map<string, string>();
  let failed = 0;
  let madeDir = false;
  for (const input of inputs) {
    // Symlinks to one file (libfoo.so, libfoo.so.1) name it once in place: a second pass would
    // read the replaced file through the first one's stale size.
    const key = `${input.id.dev}:${input.id.ino}`;
    const first = firstName.get(key);
    if (options.inPlace && first !== undefined) {
      io.err(`${input.file}: the same file as ${first}\n`);
      continue;
    }
    firstName.set(key, input.file);
    const source = vfs.source(input.id);
    // A script or data file among the FILEs is passed over, as an archive's non-ELF members are.
    const elf = startsLikeElf(source);
    const bytes = elf || !options.inPlace ? readWhole(source) : null;
    const outcome: NoteOutcome = elf ? noteFile(engine, bytes!, vfs, embed, options) : { kind: 'unchanged', reason: 'not an ELF file' };
    const target = destination(input, outcome, options);
    let line = describe(input.file, outcome);
    let unwritten = false;
    if (target !== null) {
      try {
        if (!options.inPlace && !madeDir) {
          mkdirSync(dirname(target), { recursive: true });
          madeDir = true;
        }
        writeWhole(target, outcome.kind === 'written' ? outcome.bytes : bytes!, input.mode);
      } catch (error) {
        // A read-only store directory or a full disk: said for this file, the others still done.
        line = `${input.file}: ${writeFailure(error, target)}`;
        unwritten = true;
      }
    }
    io.err(line + '\n');
    if (outcome.kind === 'refused' || unwritten) failed++;
  }
  return failed ? 1 : 0;
}
