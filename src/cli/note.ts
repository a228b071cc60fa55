// `stormglass note FILE...`: embed .note.nixos.ldcache into ELF files, each built against the
// files present (the filesystem, or DIR as root) rather than against anything else, written to
// -o OUT, into --out-dir DIR, or over each FILE (--in-place, as a build's fix-up step would).
// Closure archives are note-archive.ts.
import { mkdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Engine } from '../core/engine/engine.ts';
import type { TreeVfs } from '../core/vfs/resolve.ts';
import { startsLikeElf } from '../core/vfs/regular-files.ts';
import { noteFile, type EmbedNote, type NoteOptions, type NoteOutcome } from '../core/note/apply.ts';
import { PathSource } from '../node/file-source.ts';
import { realFsVfs, type RealNode } from '../node/real-fs.ts';
import type { CliIo } from './io.ts';
import { noteArchive } from './note-archive.ts';
import { describeOutcome, NoteUsageError } from './note-outcome.ts';
import { copyWhole, fsFailure, writeWhole } from './write-whole.ts';

export { NoteUsageError } from './note-outcome.ts';

export interface NoteCommandOptions extends NoteOptions {
  root: string | null;
  archive: string | null;
  out: string | null;
  outDir: string | null;
  /** Replace each FILE (the file a symlink names, not the link) instead of writing elsewhere. */
  inPlace: boolean;
}

/** A FILE argument, resolved: the host file it names (symlinks followed), its mode and size. */
interface Input {
  file: string;
  host: string;
  /** st_mode & 07777. */
  mode: number;
  size: number;
  /** An earlier FILE naming the same host file (a symlink to it, or the same path twice). */
  sameAs: string | null;
}

/**
 * Every FILE resolved before anything is written, so a mistyped name, a directory or two files
 * that --out-dir would write to the same name stop the run with nothing half done. With --root,
 * FILE is a path inside DIR (a relative one from DIR's top), as `stormglass trace` reads PROGRAM.
 */
function resolveInputs(vfs: TreeVfs<RealNode>, files: string[], cwd: string, outDir: string | null): Input[] {
  const firstByHost = new Map<string, string>();
  const firstByOutName = new Map<string, string>();
  return files.map((file) => {
    const found = vfs.resolve(file, cwd);
    if (!found.ok) throw new NoteUsageError(`${file}: ${found.errno}`);
    const { host, kind, stat } = found.node;
    if (kind !== 'file') throw new NoteUsageError(`${file}: not a regular file`);
    const sameAs = firstByHost.get(host) ?? null;
    if (sameAs === null) {
      firstByHost.set(host, file);
      const other = outDir === null ? undefined : firstByOutName.get(basename(file));
      if (other !== undefined) throw new NoteUsageError(`${other} and ${file} would both be written to ${join(outDir!, basename(file))}`);
      firstByOutName.set(basename(file), file);
    }
    return { file, host, mode: stat.mode & 0o7777, size: stat.size, sameAs };
  });
}

/** Where an outcome is written: nowhere for a refusal, nor in place for a file that needs no change (as patchelf). */
function destination(input: Input, outcome: NoteOutcome, options: NoteCommandOptions): string | null {
  if (outcome.kind === 'refused') return null;
  if (options.inPlace) return outcome.kind === 'written' ? input.host : null;
  return options.out ?? join(options.outDir!, basename(input.file));
}

/** One FILE noted and written: the line that says what happened, and whether it failed. */
function noteOne(engine: Engine, embed: EmbedNote, vfs: TreeVfs<RealNode>, input: Input, options: NoteCommandOptions, madeDirs: Set<string>): { line: string; failed: boolean } {
  let outcome: NoteOutcome;
  try {
    // Read through its own path: another hard link to the same inode may be replaced already.
    // An ELF file is read straight into the core (noteFile).
    const source = new PathSource(input.host, input.size);
    // A script or data file among the FILEs is passed over, as an archive's non-ELF members are.
    outcome = startsLikeElf(source) ? noteFile(engine, source, vfs, embed, options) : { kind: 'unchanged', reason: 'not an ELF file' };
  } catch (error) {
    return { line: `${input.file}: not read: ${fsFailure(error, input.host)}`, failed: true };
  }
  const target = destination(input, outcome, options);
  if (target !== null) {
    try {
      if (!options.inPlace && !madeDirs.has(dirname(target))) {
        mkdirSync(dirname(target), { recursive: true });
        madeDirs.add(dirname(target));
      }
      // In place the file keeps its whole mode; a copy elsewhere its permission bits, as cp's.
      const mode = options.inPlace ? input.mode : input.mode & 0o777;
      // A file that needs no change (-o, --out-dir) is copied by the kernel, not read again.
      if (outcome.kind === 'written') writeWhole(target, outcome.bytes, mode);
      else copyWhole(input.host, target, mode);
    } catch (error) {
      // A read-only store directory or a full disk: said for this file, the others still done.
      return { line: `${input.file}: not written: ${fsFailure(error, target)}`, failed: true };
    }
  }
  return { line: describeOutcome(input.file, outcome), failed: outcome.kind === 'refused' };
}

export async function noteCommand(engine: Engine, embed: EmbedNote, files: string[], options: NoteCommandOptions, io: CliIo): Promise<number> {
  if (options.archive) return noteArchive(engine, embed, options.archive, options.out!, options, io);
  const vfs = realFsVfs(options.root ?? '/');
  const inputs = resolveInputs(vfs, files, options.root ? '/' : process.cwd(), options.outDir);
  const madeDirs = new Set<string>();
  let failed = 0;
  for (const input of inputs) {
    if (input.sameAs !== null) {
      io.err(`${input.file}: the same file as ${input.sameAs}\n`);
      continue;
    }
    const done = noteOne(engine, embed, vfs, input, options, madeDirs);
    io.err(done.line + '\n');
    if (done.failed) failed++;
  }
  return failed ? 1 : 0;
}
