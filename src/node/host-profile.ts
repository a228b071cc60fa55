// The `host` profile: what this machine's own loader says of itself. Runs the system's ld.so
// (the interpreter of this Node binary, a trusted system file, never the user's program) with
// --list-diagnostics (glibc ≥ 2.34) and reads its answer (glibc-loader-search.md §1.2).
import { execFileSync } from 'node:child_process';
import { loadEngine } from './engine.ts';
import { parseFile } from './file-source.ts';
import { parseDiagnostics } from '../core/loader/diagnostics.ts';
import type { LoaderProfile } from '../core/loader/profile.ts';

export async function hostProfile(): Promise<LoaderProfile> {
  const parsed = parseFile(await loadEngine(), process.execPath);
  const loader = parsed.ok ? parsed.report.interpreter?.text : undefined;
  if (!loader) throw new Error(`cannot tell the system loader: ${process.execPath} names no interpreter`);
  const text = execFileSync(loader, ['--list-diagnostics'], { encoding: 'utf8' });
  const profile = parseDiagnostics(text, { id: 'host', source: `${loader} --list-diagnostics` });
  if (!profile.ok) throw new Error(`${loader} --list-diagnostics: ${profile.reason}`);
  return profile.profile;
}
