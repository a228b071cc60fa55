// A closure archive for trace tests that compare the CLI with the in-process model: the 13-dlopen
// loader fixture at its recorded root, with this machine's interpreter, libc and ld.so.cache
// (symlinks kept) when present, and `/-prog`, a symlink to the program whose name looks like an
// option. Written with the hand-made tar writer, so the archive is the same one for both sides.
import { lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { loadArchive } from '../../src/core/vfs/load-archive.ts';
import type { Vfs } from '../../src/core/vfs/types.ts';
import type { Engine } from '../../src/core/engine/engine.ts';
import { archive, entry } from '../vfs/tar-writer.ts';

const CASE = 'tests/fixtures/loader/cases/13-dlopen';
const HOST_FILES = ['/lib64/ld-linux-x86-64.so.2', '/lib/x86_64-linux-gnu/libc.so.6', '/etc/ld.so.cache'];

export interface TraceClosure {
  /** The archive, written to a temporary file for the CLI. */
  path: string;
  vfs: Vfs;
  /** The fixture's program (absolute). */
  program: string;
  /** Removes the archive's temporary directory. */
  dispose(): void;
}

export async function traceClosure(): Promise<TraceClosure> {
  const recorded = JSON.parse(readFileSync(join(CASE, 'case.json'), 'utf8')) as { root: string; program: string };
  const parts: Uint8Array[] = [];
  const added = new Set<string>();
  /** `onDisk` as `at` in the archive (absolute); a symlink's target is added too. */
  const add = (onDisk: string, at: string) => {
    if (added.has(at)) return;
    added.add(at);
    const name = at.slice(1);
    const stat = lstatSync(onDisk);
    if (stat.isSymbolicLink()) {
      const target = readlinkSync(onDisk);
      parts.push(entry({ name, type: '2', linkname: target }));
      add(resolve(dirname(onDisk), target), resolve(dirname(at), target));
    } else if (stat.isDirectory()) {
      parts.push(entry({ name: `${name}/`, type: '5', mode: 0o755 }));
      for (const child of readdirSync(onDisk)) add(join(onDisk, child), `${at}/${child}`);
    } else {
      parts.push(entry({ name, mode: stat.mode & 0o7777 }, new Uint8Array(readFileSync(onDisk))));
    }
  };
  add(join(CASE, 'tree'), recorded.root);
  for (const file of HOST_FILES) if (existsSync(file)) add(file, file);
  parts.push(entry({ name: '-prog', type: '2', linkname: recorded.program.slice(1) }));
  const bytes = archive(parts);
  const loaded = await loadArchive(bytes);
  if (!loaded.ok) throw new Error(`the test closure does not load: ${loaded.error.code}`);
  const dir = mkdtempSync(join(tmpdir(), 'stormglass-settings-'));
  const path = join(dir, 'closure.tar');
  writeFileSync(path, bytes);
  return { path, vfs: loaded.vfs, program: recorded.program, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/** PT_INTERP of `program`, as the CLI and the page read it before choosing a profile. */
export function interpreterOf(engine: Engine, vfs: Vfs, program: string): string | null {
  const found = vfs.stat(program, '/');
  if (!found.ok) throw new Error(`${program}: ${found.errno}`);
  const parsed = engine.parseSource(vfs.source(found.stat.id));
  return parsed.ok ? (parsed.report.interpreter?.text ?? null) : null;
}
