// Runs the real GNU readelf (binutils 2.40) over many files and splits its
// output per file. The parsers for each kind of output live in parse-*.ts and
// are re-exported here, so tests only need `import ... from './readelf.ts'`.
//
// readelf behaviour this relies on (checked against binutils 2.40):
// - Given two or more files, readelf prints "\nFile: <path as given>\n" before
//   each file's output; given exactly one file it prints no such line. The text
//   after the "File:" line is byte-identical to a single-file run.
// - A file that cannot be opened gets no "File:" line at all (only an error on
//   stderr), so the splitter searches for each expected header in order and
//   treats a missing header as "no output".
// - Warnings and errors go to stderr as "readelf: Warning: ..." and
//   "readelf: Error: ..." and do NOT name the file. To attribute them, a batch
//   whose stderr is non-empty is re-run in halves until each diagnostic
//   belongs to a single file (bisection; cheap because warnings are rare).
// - The exit status is 1 when any file had an error; that is not an exception
//   for us (we use spawnSync, which never throws on a non-zero status).
// - Messages are translated through gettext, so LC_ALL=C is forced.
// - readelf fflush()es stdout before each diagnostic, so with 2>&1 a warning can
//   land in the middle of an output line; keeping the streams apart avoids that.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export * from './parse-file-header.ts';
export * from './parse-program-headers.ts';
export * from './parse-dynamic.ts';
export * from './parse-notes.ts';
export * from './parse-sections.ts';
export * from './parse-version-info.ts';

export const READELF = process.env.STORMGLASS_READELF ?? '/usr/bin/readelf';

export function readelfAvailable(): boolean {
  return existsSync(READELF);
}

export interface ReadelfFileOutput {
  /** This file's part of stdout (without the "\nFile: ...\n" header). */
  stdout: string;
  /** Lines such as "readelf: Warning: ..." attributed to this file. */
  diagnostics: string[];
  /** True when readelf printed nothing for the file (e.g. it could not open it). */
  missing: boolean;
}

export interface ReadelfBatchOptions {
  /** Files per readelf invocation (default 200). */
  batchSize?: number;
  /** Re-run batches with stderr output to attribute diagnostics (default true). */
  attributeDiagnostics?: boolean;
}

export interface ReadelfRunStats {
  invocations: number;
}

interface RawRun {
  stdout: string;
  stderr: string;
}

function runOnce(args: string[], files: string[], stats?: ReadelfRunStats): RawRun {
  if (stats) stats.invocations++;
  // "--" so that a path starting with "-" is never taken for an option.
  const r = spawnSync(READELF, [...args, '--', ...files], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    env: { ...process.env, LC_ALL: 'C', LANG: 'C', LANGUAGE: '' },
  });
  if (r.error) throw r.error; // ENOENT, ENOBUFS: those are real failures
  if (r.signal) throw new Error(`readelf killed by ${r.signal}`);
  return { stdout: r.stdout, stderr: r.stderr };
}

export function diagnosticLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.trim() !== '');
}

/** Split a multi-file stdout into per-file parts, in argument order. */
export function splitReadelfOutput(stdout: string, files: string[]): Map<string, string | null> {
  const out = new Map<string, string | null>();
  if (files.length === 1) {
    out.set(files[0]!, stdout === '' ? null : stdout);
    return out;
  }
  // First pass: where does each file's header start (or null when absent)?
  const starts: Array<{ file: string; at: number; body: number } | null> = [];
  let cursor = 0;
  for (const file of files) {
    const header = `\nFile: ${file}\n`;
    const at = stdout.indexOf(header, cursor);
    if (at < 0) {
      starts.push(null);
      continue;
    }
    starts.push({ file, at, body: at + header.length });
    cursor = at + header.length;
  }
  const found = starts.filter((s): s is NonNullable<typeof s> => s !== null);
  files.forEach((file, i) => {
    const s = starts[i];
    if (!s) {
      out.set(file, null);
      return;
    }
    const next = found[found.indexOf(s) + 1];
    out.set(file, stdout.slice(s.body, next ? next.at : stdout.length));
  });
  return out;
}

function runGroup(
  args: string[],
  files: string[],
  attribute: boolean,
  into: Map<string, ReadelfFileOutput>,
  stats?: ReadelfRunStats,
): void {
  const { stdout, stderr } = runOnce(args, files, stats);
  const diags = diagnosticLines(stderr);
  if (diags.length > 0 && files.length > 1 && attribute) {
    const mid = files.length >> 1;
    runGroup(args, files.slice(0, mid), attribute, into, stats);
    runGroup(args, files.slice(mid), attribute, into, stats);
    return;
  }
  const parts = splitReadelfOutput(stdout, files);
  for (const f of files) {
    const text = parts.get(f) ?? null;
    into.set(f, {
      stdout: text ?? '',
      // With attribution off, every file of a noisy batch gets the batch's diagnostics.
      diagnostics: files.length === 1 || !attribute ? diags : [],
      missing: text === null,
    });
  }
}

function toArgs(flags: string): string[] {
  const args = flags.split(/\s+/).filter((a) => a !== '');
  if (!args.includes('-W') && !args.includes('--wide')) args.push('-W');
  return args;
}

/**
 * Run `readelf <flags> -W -- files...` in batches. Returns one entry per input
 * file, in input order, with its stdout part and its attributed diagnostics.
 */
export function readelfBatchDetailed(
  files: string[],
  flags: string,
  opts: ReadelfBatchOptions = {},
  stats?: ReadelfRunStats,
): Map<string, ReadelfFileOutput> {
  const batchSize = opts.batchSize ?? 200;
  const attribute = opts.attributeDiagnostics ?? true;
  const args = toArgs(flags);
  const unique = [...new Set(files)]; // the same path twice would confuse the splitter
  const into = new Map<string, ReadelfFileOutput>();
  for (let i = 0; i < unique.length; i += batchSize) {
    runGroup(args, unique.slice(i, i + batchSize), attribute, into, stats);
  }
  return new Map(unique.map((f) => [f, into.get(f)!]));
}

/** Like readelfBatchDetailed, but only each file's stdout text. */
export function readelfBatch(files: string[], flags: string, opts: ReadelfBatchOptions = {}): Map<string, string> {
  const detailed = readelfBatchDetailed(files, flags, opts);
  return new Map([...detailed].map(([f, r]) => [f, r.stdout]));
}

/** Convenience for one file. */
export function readelfOne(file: string, flags: string): ReadelfFileOutput {
  return readelfBatchDetailed([file], flags).get(file)!;
}

/** True when readelf reported an error (not just a warning) for the file. */
export function hasReadelfError(r: ReadelfFileOutput): boolean {
  return r.missing || r.diagnostics.some((d) => d.startsWith('readelf: Error:'));
}
