// The `stormglass` command: parses arguments and dispatches to one module per subcommand.
import { parseArgs } from 'node:util';
import { loadEngine } from '../node/engine.ts';
import { inspectCommand } from './inspect.ts';
import { processIo, type CliIo } from './io.ts';

export const USAGE = `Usage: stormglass <command> [options]

Commands:
  inspect [--json] [--symbols] FILE...   Read ELF files: header, interpreter, NEEDED, SONAME,
                                          RPATH/RUNPATH, segments, sections, notes, versions.

Options:
  --json       Machine-readable output (one array entry per file).
  --symbols    Also list the dynamic symbols (inspect --json only adds them to the report).
  -h, --help   Show this help.

Exit status: 0 when every file was read, 1 when any file was not a readable ELF, 2 on bad usage.
`;

export async function runCli(argv: string[], io: CliIo = processIo): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '-h' || command === '--help') {
    io.out(USAGE);
    return command ? 0 : 2;
  }
  if (command !== 'inspect') {
    io.err(`stormglass: unknown command '${command}'\n\n${USAGE}`);
    return 2;
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      options: { json: { type: 'boolean', default: false }, symbols: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    io.err(`stormglass inspect: ${(error as Error).message}\n`);
    return 2;
  }
  if (parsed.values.help) { io.out(USAGE); return 0; }
  if (parsed.positionals.length === 0) {
    io.err('stormglass inspect: no FILE given\n');
    return 2;
  }
  const engine = await loadEngine();
  return inspectCommand(engine, parsed.positionals, { json: parsed.values.json ?? false, symbols: parsed.values.symbols ?? false }, io);
}
