// `stormglass note`: embed .note.nixos.ldcache into ELF files, built against the files the user
// gave (the filesystem, a root, or an archive) rather than the host, or note every ELF of a
// closure archive into a new archive with everything else unchanged. Outputs are written whole
// to a temporary name and renamed, so no half-written file is ever left behind.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Engine } from '../core/engine/engine.ts';
import { readWhole } from '../core/engine/engine.ts';
import { formatProblem } from '../core/elf/errors.ts';
import { loadArchive } from '../core/vfs/load-archive.ts';
import { rewriteTar } from '../core/vfs/tar-rewrite.ts';
import { gzip } from '../core/vfs/gzip.ts';
import type { Vfs } from '../core/vfs/types.ts';
import { noteFile, noteTree, type EmbedNote, type NoteOptions, type NoteOutcome } from '../core/note/apply.ts';
import { realFsVfs } from '../node/real-fs.ts';
import type { CliIo } from './io.ts';

export interface NoteCommandOptions extends NoteOptions {
  root: string | null;
  archive: string | null;
  out: string | null;
  outDir: string | null;
}

export class NoteUsageError extends Error {}

/**
 * Writes `bytes` to `path` whole: to a temporary name beside it, then renamed over it. The
 * directory must exist (callers make it once, not once per file).
 */
export function writeWhole(path: string, bytes: Uint8Array): void {
  const temporary = join(dirname(path), `.${basename(path)}.stormglass-${process.pid}`);
  writeFileSync(temporary, bytes, { mode: 0o755 });
  renameSync(temporary, path);
}

function describe(file: string, outcome: NoteOutcome): string {
  switch (outcome.kind) {
    case 'written': return `${file}: resolution note with ${outcome.entries} entr${outcome.entries === 1 ? 'y' : 'ies'} written`;
    case 'unchanged': return `${file}: unchanged: ${outcome.reason}`;
    case 'refused': return `${file}: refused: ${outcome.error ? formatProblem(outcome.error) : outcome.reason}`;
  }
}

async function noteArchive(engine: Engine, embed: EmbedNote, options: NoteCommandOptions, io: CliIo): Promise<number> {
  const input = new Uint8Array(readFileSync(options.archive!));
  const loaded = await loadArchive(input);
  if (!loaded.ok) throw new NoteUsageError(`${options.archive}: ${formatProblem(loaded.error)}`);
  if (loaded.format !== 'tar') throw new NoteUsageError(`${options.archive}: writing a ${loaded.format} archive is not supported yet; give a tar`);
  const { replacements, outcomes } = noteTree(engine, loaded.vfs, embed, options);
  for (const [path, outcome] of outcomes) io.err(describe(path, outcome) + '\n');
  const rewritten = rewriteTar(loaded.bytes, replacements);
  if (!rewritten.ok) throw new NoteUsageError(`${options.archive}: ${formatProblem(rewritten.error)}`);
  const gzipped = /\.(tar\.gz|tgz)$/.test(options.out!);
  if (!gzipped && !options.out!.endsWith('.tar')) throw new NoteUsageError(`${options.out}: the output must be a .tar or .tar.gz`);
  const bytes = gzipped ? await gzip(rewritten.bytes) : rewritten.bytes;
  mkdirSync(dirname(options.out!), { recursive: true });
  writeWhole(options.out!, bytes);
  io.out(`${options.out}: ${rewritten.replaced} of ${outcomes.size} ELF files noted\n`);
  return [...outcomes.values()].some((o) => o.kind === 'refused') ? 1 : 0;
}

function readFrom(vfs: Vfs, file: string): Uint8Array {
  const found = vfs.stat(file, process.cwd());
  if (!found.ok) throw new NoteUsageError(`${file}: ${found.errno}`);
  return readWhole(vfs.source(found.stat.id));
}

export async function noteCommand(engine: Engine, embed: EmbedNote, files: string[], options: NoteCommandOptions, io: CliIo): Promise<number> {
  if (options.archive) return noteArchive(engine, embed, options, io);
  const vfs = realFsVfs(options.root ?? '/');
  let failed = 0;
  let madeDir = false;
  for (const file of files) {
    const bytes = readFrom(vfs, file);
    const outcome = noteFile(engine, bytes, vfs, embed, options);
    io.err(describe(file, outcome) + '\n');
    if (outcome.kind === 'refused') { failed++; continue; }
    const target = options.out ?? join(options.outDir!, basename(file));
    if (!madeDir) {
      mkdirSync(dirname(target), { recursive: true });
      madeDir = true;
    }
    writeWhole(target, outcome.kind === 'written' ? outcome.bytes : bytes);
  }
  return failed ? 1 : 0;
}
