// `stormglass inspect [--json] FILE...`: every file is reported, a bad one by its error code and
// offset; the exit status is 1 when any file was not a readable ELF.
import type { Engine } from '../core/engine/engine.ts';
import type { ParseResult } from '../core/elf/types.ts';
import { parseFile } from '../node/file-source.ts';
import { describeProblem, formatProblem } from '../core/elf/errors.ts';
import { inspectJson, type InspectFailure } from '../core/inspect/json.ts';
import { inspectText } from '../core/inspect/text.ts';
import type { CliIo } from './io.ts';

export interface InspectOptions {
  json: boolean;
  symbols: boolean;
}

export async function inspectCommand(engine: Engine, files: string[], options: InspectOptions, io: CliIo): Promise<number> {
  let failed = 0;
  const results: unknown[] = [];
  for (const file of files) {
    let result: ParseResult;
    try {
      result = parseFile(engine, file, { symbols: options.symbols });
    } catch (error) {
      const problem = { ...describeProblem('file_unreadable', 0), message: `The file could not be read: ${(error as Error).message}` };
      failed++;
      if (options.json) results.push({ file, ok: false, error: problem } satisfies InspectFailure);
      else io.err(`${file}: ${formatProblem(problem)}\n`);
      continue;
    }
    if (!result.ok) {
      failed++;
      if (options.json) results.push({ file, ok: false, error: result.error } satisfies InspectFailure);
      else io.err(`${file}: ${formatProblem(result.error)}\n`);
      continue;
    }
    if (options.json) results.push(inspectJson(file, result.report));
    else io.out(inspectText(file, result.report) + '\n');
  }
  if (options.json) io.out(JSON.stringify(results, null, 2) + '\n');
  return failed > 0 ? 1 : 0;
}
