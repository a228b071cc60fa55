// The resolution-note-aware loader (resolution-note.md §4): a program whose .note.nixos.ldcache
// says where each DT_NEEDED lives is answered by one openat per library, after LD_LIBRARY_PATH and
// before its RUNPATH; without the patched loader, or with a note glibc rejects, the normal search.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { loadEngine } from '../../src/node/engine.ts';
import { realFsVfs } from '../../src/node/real-fs.ts';
import { mountVfs } from '../../src/core/vfs/mount.ts';
import { MemoryTree } from '../../src/core/vfs/memory-tree.ts';
import { presetProfile } from '../../src/core/loader/presets.ts';
import { adjustProfile } from '../../src/core/loader/choose-profile.ts';
import { simulate } from '../../src/core/loader/simulate.ts';
import { straceLine } from '../../src/core/loader/strace-format.ts';

// The fixture: DT_NEEDED libfoo.so, libbar.so; DT_RUNPATH /s/A/lib:$ORIGIN/../lib; its note
// records =/s/A/lib/<soname> and ?$ORIGIN/../lib for both (the worked example of §2.2).
const fixture = (name: string) => new Uint8Array(readFileSync(`tests/fixtures/${name}`));
const library = fixture('elf/gcc-x86_64-libstormglass.so.1');

/** A tree holding `files` (path → bytes), to mount over the real filesystem. */
function tree(files: Record<string, Uint8Array>) {
  const t = new MemoryTree();
  for (const [path, bytes] of Object.entries(files)) t.addFile(path, bytes, 0o755);
  return t.vfs();
}

async function run(program: Uint8Array, noteAware: boolean, env: Record<string, string> = {}) {
  const vfs = mountVfs(realFsVfs('/'), [
    { at: '/app', tree: tree({ '/bin/prog': program }) },
    { at: '/s', tree: tree({ '/A/lib/libfoo.so': library, '/A/lib/libbar.so': library.slice() }) },
    { at: '/over', tree: tree({ '/libbar.so': library.slice() }) },
  ]);
  const profile = adjustProfile(presetProfile('debian-12', []), 'x86-64-v3', noteAware);
  return simulate({ program: '/app/bin/prog', vfs, engine: await loadEngine(), profile, cwd: '/', env, dlopen: [], secure: false });
}

const directLookups = (trace: Awaited<ReturnType<typeof run>>) => trace.lookups.filter((l) => l.requester === 0);

describe('the note-aware loader', () => {
  it('opens each direct dependency where the note says, with no failing probe', async () => {
    const trace = await run(fixture('elf/elf64-le-ldcache'), true);
    expect(trace.exitStatus).toBe(0);
    for (const lookup of directLookups(trace)) {
      expect(lookup.rule).toEqual({ kind: 'resolution-note', of: 0 });
      const probes = trace.probes.slice(lookup.firstProbe, lookup.firstProbe + lookup.probeCount);
      expect(probes.map(straceLine)).toEqual([
        `openat(AT_FDCWD, "/s/A/lib/${lookup.name}", O_RDONLY|O_CLOEXEC) = 3`,
        'newfstatat(3, "", _, AT_EMPTY_PATH) = 0',
      ]);
    }
  });

  it('searches the RUNPATH with its hwcaps fan-out without the patched loader', async () => {
    const trace = await run(fixture('elf/elf64-le-ldcache'), false);
    const first = directLookups(trace)[0]!;
    expect(first.rule).toEqual({ kind: 'runpath', of: 0 });
    expect(trace.probes.slice(first.firstProbe, first.firstProbe + first.probeCount).filter((p) => p.result < 0).length).toBeGreaterThan(0);
  });

  it('lets LD_LIBRARY_PATH win over the note', async () => {
    const trace = await run(fixture('elf/elf64-le-ldcache'), true, { LD_LIBRARY_PATH: '/over' });
    const bar = directLookups(trace).find((l) => l.name === 'libbar.so')!;
    expect(bar.rule).toEqual({ kind: 'ld-library-path' });
    expect(trace.objects[bar.object!]!.name).toBe('/over/libbar.so');
  });

  it('ignores a note glibc would reject, and searches as usual', async () => {
    const trace = await run(fixture('bad/ldcache_desc_unterminated'), true);
    expect(directLookups(trace).some((l) => l.rule?.kind === 'resolution-note')).toBe(false);
  });
});
