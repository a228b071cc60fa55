// Replays a recorded loader case (tests/fixtures/loader/cases/<case>/) through the simulator:
// the case's tree is mounted where it lived when recorded, over the real filesystem, with the
// recording machine's ld.so.cache, and the profile is that machine's `ld.so --list-diagnostics`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadEngine } from '../../src/node/engine.ts';
import { realFsVfs } from '../../src/node/real-fs.ts';
import { mountVfs, type Mount } from '../../src/core/vfs/mount.ts';
import { MemoryTree } from '../../src/core/vfs/memory-tree.ts';
import { profileFromText } from '../../src/core/loader/choose-profile.ts';
import { simulate } from '../../src/core/loader/simulate.ts';
import { straceLine } from '../../src/core/loader/strace-format.ts';
import type { Trace } from '../../src/core/loader/trace-types.ts';
import type { CaseJson } from '../fixtures/loader/record.ts';

/** case.json, as tests/fixtures/loader/record.ts writes it. */
export type RecordedCase = CaseJson;

/** The program's own marker calls (tests/fixtures/loader/src/prog.c) are not the loader's. */
const MARKER = /^access\("\/stormglass\//;

export function recordedLines(caseDir: string): string[] {
  return readFileSync(join(caseDir, 'trace.strace'), 'utf8').split('\n').filter((l) => l !== '' && !MARKER.test(l));
}

export function readCase(caseDir: string): RecordedCase {
  return JSON.parse(readFileSync(join(caseDir, 'case.json'), 'utf8'));
}

export async function replay(caseDir: string, hostDir: string): Promise<{ trace: Trace; lines: string[] }> {
  return replayWith(caseDir, hostDir, {});
}

/** A recorded case's tree and profile with some of its settings changed (e.g. other dlopen calls). */
export async function replayWith(caseDir: string, hostDir: string, change: Partial<RecordedCase>): Promise<{ trace: Trace; lines: string[] }> {
  const recorded = { ...readCase(caseDir), ...change };
  const cache = new MemoryTree();
  cache.addFile('/ld.so.cache', new Uint8Array(readFileSync(join(hostDir, 'ld.so.cache'))));
  const mounts: Mount[] = [
    { at: recorded.root, tree: realFsVfs(join(caseDir, 'tree')) },
    // The recording machine's cache, and nothing else of its /etc (no preload file, no suid-debug).
    { at: '/etc', tree: cache.vfs() },
    ...recorded.emptyDirs.map((at) => ({ at, tree: new MemoryTree().vfs() })),
  ];
  const modes = Object.entries(recorded.modes).map(([path, mode]) => [path, parseInt(mode, 8)] as [string, number]);
  const vfs = mountVfs(realFsVfs('/'), mounts, { modes });
  const profile = profileFromText(readFileSync(join(caseDir, 'diagnostics.txt'), 'utf8'), `${recorded.name}/diagnostics.txt`);
  const trace = simulate({
    program: recorded.program, vfs, engine: await loadEngine(), profile, cwd: recorded.cwd,
    env: recorded.env, dlopen: recorded.dlopen, secure: recorded.secure,
  });
  return { trace, lines: trace.probes.map(straceLine) };
}
