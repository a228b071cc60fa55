// The `stormglass` command: parses arguments and dispatches to one module per subcommand.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { loadEngine } from '../node/engine.ts';
import { inspectCommand } from './inspect.ts';
import { traceCommand, TraceUsageError } from './trace.ts';
import { NEWEST_GLIBC_MINOR, OLDEST_GLIBC_MINOR, parseGlibcVersion } from '../core/loader/trace-settings.ts';
import { noteCommand, NoteUsageError } from './note.ts';
import { writerEmbed } from '../core/note/apply.ts';
import { processIo, type CliIo } from './io.ts';

export const USAGE = `Usage: stormglass <command> [options]

Commands:
  inspect [--json] [--symbols] FILE...
      Read ELF files: header, interpreter, NEEDED, SONAME, RPATH/RUNPATH, segments, sections,
      notes, versions. --json: one array entry per file; --symbols: add the dynamic symbols.
      Exit status 0 when every file was read, 1 when any was not a readable ELF.

  trace [--profile NAME|FILE] [--cpu LEVEL] [--glibc 2.NN] [--nix | --no-nix] [--note-aware]
        [--root DIR | --archive FILE] [--cwd DIR] [--env NAME=VALUE]... [--dlopen NAME[@CALLER]]...
        [--secure] [--json | --strace] PROGRAM
      Predict every call glibc's loader makes to find PROGRAM's libraries, without running it.
      --profile   auto (default: the program's interpreter, read), host (this machine's loader),
                  debian-12, debian-13, nixos, or a file (JSON profile or ld.so --list-diagnostics).
      --cpu       baseline, x86-64-v2, x86-64-v3, x86-64-v4 (default: this machine's level).
      --glibc     2.${OLDEST_GLIBC_MINOR} ... 2.${NEWEST_GLIBC_MINOR}: the loader's version rules instead of the profile's version.
      --nix, --no-nix  NixOS loader paths (the store glibc's lib/ as system directory, its
                  ld.so.cache, which nixpkgs deletes, /etc/ld-nix.so.preload), or Debian's,
                  instead of the profile's own. --glibc and --nix apply to auto and the presets.
      --note-aware  the loader patched to read .note.nixos.ldcache.
      --root DIR  the filesystem as seen from DIR; --archive FILE: a tar (.gz/.xz/.zst), NAR or
                  nix-store --export stream. --cwd: the program's working directory.
      --env       LD_LIBRARY_PATH, LD_PRELOAD ... for the loader; --dlopen NAME[@CALLER]:
                  dlopen(NAME) after start-up, in order, by the program or by CALLER (a loaded
                  object's name or path, e.g. libnss_files.so.2@libc.so.6); --secure: secure mode (AT_SECURE), the
                  default for a set-user-ID or set-group-ID program.
      Output: a load tree with totals; --json the whole trace; --strace the calls in strace's
      syntax (stat buffers written as _). Exit status 0 when start-up would succeed, 1 when
      the loader would stop with an error.

  note [--root DIR] [--patchelf-0.19.1] [--replace] FILE... (-o OUT | --out-dir DIR | --in-place)
  note --archive IN -o OUT[.gz]
      Embed the .note.nixos.ldcache resolution note (what patchelf --build-resolution-cache
      writes) into FILE, built against the files present (the filesystem, DIR as root, or the
      archive), never against this host when a root or archive is given. --archive notes every
      ELF of a closure archive (tar, NAR or nix-store --export stream; gzip, xz or zstd) into a
      new archive of the same format, everything else unchanged; OUT ending .gz is gzipped.
      -o, --out-dir: write the results there (unchanged files copied, refused ones not),
                  with the inputs' permission bits. With --root, FILE is a path inside DIR.
      --in-place: replace each FILE that changes (a symlink's target, not the link) by a new
                  file with the same mode, as a build's fix-up step would.
      A FILE that is no ELF (a script) is passed over: copied unchanged, or left in place.
      --patchelf-0.19.1: patchelf 0.19.1's rules (missing directories become '?' hints).
      --replace: replace a different note already present (its bytes are zeroed).
      Exit status 1 when any file was refused, not read or not written.

Exit status 2 on bad usage. -h, --help shows this help.
`;

type Options = NonNullable<ParseArgsConfig['options']>;
type Parsed<O extends Options> = ReturnType<typeof parseArgs<{ args: string[]; allowPositionals: true; options: O }>>;

const HELP = { help: { type: 'boolean', short: 'h' } } as const;

/**
 * A command's arguments, or the exit status once it has answered itself: 0 after printing the
 * help, 2 after an unparsable argument or a `usageProblem` (printed as "stormglass NAME: …").
 */
function parseCommand<const O extends Options>(
  name: string, args: string[], options: O, io: CliIo, usageProblem: (parsed: Parsed<O>) => string | null,
): Parsed<O> | number {
  let parsed: Parsed<O>;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options });
  } catch (error) {
    io.err(`stormglass ${name}: ${(error as Error).message}\n`);
    return 2;
  }
  if ((parsed.values as Record<string, unknown>).help) {
    io.out(USAGE);
    return 0;
  }
  const problem = usageProblem(parsed);
  if (problem) {
    io.err(`stormglass ${name}: ${problem}\n`);
    return 2;
  }
  return parsed;
}

/**
 * Status 2 and the message for a command's usage error or an errno error (an archive, root or
 * output that cannot be read or written); anything else is a bug, rethrown with its stack.
 */
function usageFailure(name: string, error: unknown, usageError: new (message: string) => Error, io: CliIo): number {
  if (!(error instanceof usageError) && !(error instanceof Error && 'code' in error)) throw error;
  io.err(`stormglass ${name}: ${(error as Error).message}\n`);
  return 2;
}

export async function runCli(argv: string[], io: CliIo = processIo): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '-h' || command === '--help') {
    io.out(USAGE);
    return command ? 0 : 2;
  }
  if (command === 'trace') return runTrace(rest, io);
  if (command === 'note') return runNote(rest, io);
  if (command !== 'inspect') {
    io.err(`stormglass: unknown command '${command}'\n\n${USAGE}`);
    return 2;
  }
  const parsed = parseCommand('inspect', rest, {
    json: { type: 'boolean', default: false }, symbols: { type: 'boolean', default: false }, ...HELP,
  }, io, (p) => (p.positionals.length === 0 ? 'no FILE given' : null));
  if (typeof parsed === 'number') return parsed;
  const engine = await loadEngine();
  return inspectCommand(engine, parsed.positionals, { json: parsed.values.json ?? false, symbols: parsed.values.symbols ?? false }, io);
}

async function runTrace(args: string[], io: CliIo): Promise<number> {
  const parsed = parseCommand('trace', args, {
    profile: { type: 'string', default: 'auto' }, cpu: { type: 'string' }, glibc: { type: 'string' },
    nix: { type: 'boolean', default: false }, 'no-nix': { type: 'boolean', default: false }, 'note-aware': { type: 'boolean', default: false },
    root: { type: 'string' }, archive: { type: 'string' }, cwd: { type: 'string' },
    env: { type: 'string', multiple: true, default: [] }, dlopen: { type: 'string', multiple: true, default: [] },
    secure: { type: 'boolean', default: false }, json: { type: 'boolean', default: false },
    strace: { type: 'boolean', default: false }, ...HELP,
  }, io, ({ values: v, positionals }) => (positionals.length !== 1 ? 'give exactly one PROGRAM'
    : v.glibc !== undefined && parseGlibcVersion(v.glibc) === null ? `--glibc ${v.glibc}: give a version from 2.${OLDEST_GLIBC_MINOR} to 2.${NEWEST_GLIBC_MINOR}`
    : v.nix && v['no-nix'] ? '--nix and --no-nix exclude each other'
    : v.root && v.archive ? '--root and --archive exclude each other'
    : v.json && v.strace ? '--json and --strace exclude each other' : null));
  if (typeof parsed === 'number') return parsed;
  const v = parsed.values;
  try {
    return await traceCommand(parsed.positionals[0]!, {
      profile: v.profile!, cpu: v.cpu ?? null, glibc: v.glibc === undefined ? null : parseGlibcVersion(v.glibc),
      nix: v.nix ? true : v['no-nix'] ? false : null, noteAware: v['note-aware']!, root: v.root ?? null, archive: v.archive ?? null,
      cwd: v.cwd ?? null, env: v.env!, dlopen: v.dlopen!, secure: v.secure!, output: v.json ? 'json' : v.strace ? 'strace' : 'text',
    }, io);
  } catch (error) {
    return usageFailure('trace', error, TraceUsageError, io);
  }
}

async function runNote(args: string[], io: CliIo): Promise<number> {
  const parsed = parseCommand('note', args, {
    root: { type: 'string' }, archive: { type: 'string' }, 'patchelf-0.19.1': { type: 'boolean', default: false },
    replace: { type: 'boolean', default: false }, out: { type: 'string', short: 'o' }, 'out-dir': { type: 'string' },
    'in-place': { type: 'boolean', default: false }, ...HELP,
  }, io, ({ values: v, positionals: files }) => (v.archive
    ? files.length ? 'give no FILE with --archive' : !v.out || v['out-dir'] || v['in-place'] ? '--archive needs -o OUT (and no --out-dir or --in-place)' : v.root ? '--root and --archive exclude each other' : null
    : files.length === 0 ? 'no FILE given'
    : [v.out, v['out-dir'], v['in-place']].filter(Boolean).length !== 1 ? 'give exactly one of -o OUT, --out-dir DIR and --in-place'
    : v.out && files.length > 1 ? '-o OUT takes one FILE; use --out-dir DIR for several' : null));
  if (typeof parsed === 'number') return parsed;
  const v = parsed.values;
  const files = parsed.positionals;
  const engine = await loadEngine();
  const embed = writerEmbed(engine);
  try {
    return await noteCommand(engine, embed, files, {
      root: v.root ?? null, archive: v.archive ?? null, out: v.out ?? null, outDir: v['out-dir'] ?? null, inPlace: v['in-place']!,
      patchelf: v['patchelf-0.19.1'] ? '0.19.1' : '0.19.0', replace: v.replace!,
    }, io);
  } catch (error) {
    return usageFailure('note', error, NoteUsageError, io);
  }
}
