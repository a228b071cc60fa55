// Runs the CLI in process, as the tests do: its exit code and what it wrote to stdout and stderr.
import { runCli } from '../../src/cli/main.ts';

export async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(args, { out: (t) => void (out += t), err: (t) => void (err += t) });
  return { code, out, err };
}
