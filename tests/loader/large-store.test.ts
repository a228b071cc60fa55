// The large case: a generated Nix-like store (92 libraries, one store directory each, RUNPATHs of
// 10 to 35 directories) run under strace by the real loader, and by the simulator from the real
// filesystem and from a tar of the same tree: all three equal.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeStore, STORE_ROOT } from '../fixtures/loader/store/make-store.ts';
import { loadArchive } from '../../src/core/vfs/load-archive.ts';
import { mountVfs } from '../../src/core/vfs/mount.ts';
import { realFsVfs } from '../../src/node/real-fs.ts';
import { loadEngine } from '../../src/node/engine.ts';
import { profileFromText } from '../../src/core/loader/choose-profile.ts';
import { simulate } from '../../src/core/loader/simulate.ts';
import { straceLine } from '../../src/core/loader/strace-format.ts';
import type { Vfs } from '../../src/core/vfs/types.ts';
import { recordedLines } from './replay.ts';
import { CAN_RECORD } from './tools.ts';

describe.runIf(CAN_RECORD)('a Nix-like store of 80+ libraries', () => {
  it('is predicted line for line from the real filesystem and from a tar', async () => {
    const out = mkdtempSync(join(tmpdir(), 'stormglass-store-'));
    try {
      const recorded = await makeStore(out);
      const expected = recordedLines(out);
      expect(recorded.failedOpens).toBeGreaterThan(1000);
      const profile = profileFromText(readFileSync(join(out, 'diagnostics.txt'), 'utf8'), 'store diagnostics');
      const engine = await loadEngine();
      const run = (vfs: Vfs) => simulate({ program: recorded.program, vfs, engine, profile, cwd: recorded.cwd, env: {}, dlopen: [], secure: false });

      const fromDisk = run(realFsVfs('/'));
      expect(fromDisk.probes.map(straceLine).join('\n')).toBe(expected.join('\n'));
      // 80+ store directories of libraries; most of them reachable from the program.
      expect(readdirSync(join(STORE_ROOT, 'nix/store')).filter((d) => /-lib\w*-/.test(d)).length).toBeGreaterThanOrEqual(80);
      expect(fromDisk.objects.filter((o) => o.kind === 'library').length).toBeGreaterThanOrEqual(60);

      const archive = await loadArchive(new Uint8Array(readFileSync(join(out, 'store.tar'))));
      if (!archive.ok) throw new Error(archive.error.code);
      const fromTar = run(mountVfs(realFsVfs('/'), [{ at: STORE_ROOT, tree: archive.vfs }]));
      expect(fromTar.probes.map(straceLine).join('\n')).toBe(expected.join('\n'));
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 300_000);
});
