// Every dynamically linked program in /usr/bin, traced by `stormglass trace --strace` (in process,
// default options: the `auto` profile and this machine's CPU level) and by the real loader under
// strace in ldd mode (LD_TRACE_LOADED_OBJECTS=1: ld.so maps every library, then exits before any
// of the program's own code runs, so running these system programs is harmless).
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main.ts';
import { loadEngine } from '../../src/node/engine.ts';
import { parseFile } from '../../src/node/file-source.ts';
import { listElfFiles } from '../oracle/elf-files.ts';
import { normaliseStrace } from '../fixtures/loader/record.ts';
import { haveTool } from './tools.ts';

const SYSTEM_LOADER = '/lib64/ld-linux-x86-64.so.2';

async function dynamicPrograms(): Promise<string[]> {
  const engine = await loadEngine();
  return listElfFiles(['/usr/bin']).filter((file) => {
    // Set-ID programs start in secure mode, where ld.so refuses ldd mode: no oracle there.
    if (statSync(file).mode & 0o6000) return false;
    const parsed = parseFile(engine, file);
    return parsed.ok && parsed.report.interpreter?.text === SYSTEM_LOADER && parsed.report.header.typeName !== 'REL';
  });
}

function realTrace(program: string, log: string): string[] {
  spawnSync('strace', ['-f', '-E', 'LD_TRACE_LOADED_OBJECTS=1', '-e', 'trace=openat,newfstatat,fstat,access', '-o', log, program], {
    stdio: 'ignore', timeout: 20_000,
  });
  return normaliseStrace(readFileSync(log, 'utf8'));
}

async function predicted(program: string): Promise<{ lines: string[]; code: number }> {
  let out = '';
  const code = await runCli(['trace', '--strace', program], { out: (t) => void (out += t), err: () => {} });
  return { lines: out.split('\n').filter((l) => l !== ''), code };
}

describe.runIf(haveTool('strace', ['-V']))('every dynamic program in /usr/bin', () => {
  it('is predicted call for call, as the real loader makes them in ldd mode', async () => {
    const programs = await dynamicPrograms();
    expect(programs.length).toBeGreaterThan(300);
    const dir = mkdtempSync(join(tmpdir(), 'stormglass-ldd-'));
    const mismatches: string[] = [];
    let compared = 0;
    try {
      for (const program of programs) {
        const ours = await predicted(program);
        // ldd mode fakes a missing library and searches again for every requester; a normal
        // start-up (what we model) stops at the first one. Those programs are compared elsewhere.
        if (ours.code !== 0) continue;
        const real = realTrace(program, join(dir, 'trace'));
        compared++;
        if (ours.lines.join('\n') !== real.join('\n')) mismatches.push(`${program}: ${ours.lines.length} predicted, ${real.length} real`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(mismatches.slice(0, 10)).toEqual([]);
    expect(compared).toBeGreaterThan(programs.length * 0.95);
  }, 600_000);
});
