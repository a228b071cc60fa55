// `stormglass note --archive IN -o OUT`: every ELF of a closure archive noted against the
// archive's own tree, written back in the archive's format (repack.ts: a tar member for member,
// a NAR or export stream anew), gzipped when OUT's name asks for it.
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Engine } from '../core/engine/engine.ts';
import { formatProblem } from '../core/elf/errors.ts';
import { gzip } from '../core/vfs/gzip.ts';
import { loadArchive, type ArchiveFormat } from '../core/vfs/load-archive.ts';
import { repackArchive } from '../core/workspace/repack.ts';
import { withReplacements } from '../core/workspace/overlay.ts';
import { noteTree, type EmbedNote, type NoteOptions } from '../core/note/apply.ts';
import { describeOutcome, NoteUsageError } from './note-outcome.ts';
import type { CliIo } from './io.ts';
import { writeWhole } from './write-whole.ts';

const FORMAT_NAMES: Record<ArchiveFormat, string> = { tar: 'tar', nar: 'NAR', 'nix-export': 'nix-store --export stream' };

/** The compression OUT's name asks for: gzip for .gz and .tgz; other compressors cannot be written. */
function outputCompression(out: string): 'gzip' | 'none' {
  if (/\.(xz|lzma|zst|zstd|bz2|lz|lz4)$/i.test(out)) throw new NoteUsageError(`${out}: stormglass writes gzip only; name the output .gz or leave it uncompressed`);
  return /\.(gz|tgz)$/i.test(out) ? 'gzip' : 'none';
}

/** OUT named as another format than the archive's (x.tar for a NAR) would mislead whoever opens it. */
function checkOutputName(out: string, format: ArchiveFormat): void {
  const stem = out.replace(/\.gz$/i, '');
  const named: ArchiveFormat | null = /\.(tar|tgz)$/i.test(stem) ? 'tar' : /\.nar$/i.test(stem) ? 'nar' : null;
  if (named !== null && named !== format) throw new NoteUsageError(`${out}: the archive is a ${FORMAT_NAMES[format]} and is written as one; name the output accordingly`);
}

export async function noteArchive(engine: Engine, embed: EmbedNote, archive: string, out: string, options: NoteOptions, io: CliIo): Promise<number> {
  const compression = outputCompression(out);
  const loaded = await loadArchive(new Uint8Array(readFileSync(archive)));
  if (!loaded.ok) throw new NoteUsageError(`${archive}: ${formatProblem(loaded.error)}`);
  checkOutputName(out, loaded.format);
  const { replacements, outcomes } = noteTree(engine, loaded.vfs, embed, options);
  for (const [path, outcome] of outcomes) io.err(describeOutcome(path, outcome) + '\n');
  const packed = repackArchive(withReplacements(loaded.vfs, replacements), loaded, replacements);
  if ('error' in packed) throw new NoteUsageError(`${archive}: ${formatProblem(packed.error)}`);
  for (const notice of packed.notices) io.err(`${out}: ${notice}\n`);
  mkdirSync(dirname(out), { recursive: true });
  writeWhole(out, compression === 'gzip' ? await gzip(packed.bytes) : packed.bytes);
  io.out(`${out}: ${FORMAT_NAMES[loaded.format]}${compression === 'gzip' ? ', gzip' : ''}; ${replacements.size} of ${outcomes.size} ELF files noted\n`);
  return [...outcomes.values()].some((o) => o.kind === 'refused') ? 1 : 0;
}
