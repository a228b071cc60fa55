// dlopen's caller decides the search (glibc-loader-search.md §2.9): the program's dlopen sees its
// RUNPATH; libc's own dlopen (NSS modules, libgcc_s) sees libc's lists, the cache and the system
// directories, never the program's RUNPATH. On the recorded case 01 (libfoo.so.1 only in d3 of
// the program's RUNPATH).
import { describe, expect, it } from 'vitest';
import { replayWith } from './replay.ts';

const CASE = 'tests/fixtures/loader/cases/01-runpath-5dirs';
const HOST = 'tests/fixtures/loader/host';

describe('dlopen and its caller', () => {
  it('finds a library through the program\'s RUNPATH when the program calls', async () => {
    const { trace } = await replayWith(CASE, HOST, { dlopen: ['libfoo.so.1', 'libnotthere.so@libc.so.6'] });
    expect(trace.dlopens[0]!.object).not.toBeNull();
  });

  it('does not search the program\'s RUNPATH when libc calls', async () => {
    const { trace } = await replayWith(CASE, HOST, { dlopen: ['libbar.so.1@libc.so.6'] });
    const call = trace.lookups.find((l) => l.phase === 'dlopen')!;
    expect(trace.objects[call.requester]!.soname).toBe('libc.so.6');
    const probed = trace.probes.slice(call.firstProbe, call.firstProbe + call.probeCount).map((p) => p.path ?? '');
    expect(probed.some((p) => p.includes('/01-runpath-5dirs/'))).toBe(false);
    expect(probed).toContain('/lib/x86_64-linux-gnu/libbar.so.1');
    expect(trace.dlopens[0]!.error).toContain('cannot open shared object file');
  });

  it('says so when the caller is not loaded', async () => {
    const { trace } = await replayWith(CASE, HOST, { dlopen: ['libfoo.so.1@libnope.so'] });
    expect(trace.dlopens[0]!.error).toBe('libnope.so: no such object is loaded to call dlopen');
  });
});
