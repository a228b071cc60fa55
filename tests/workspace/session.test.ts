// The playground's worker side in Node: WorkspaceSession over the built-in demo closure, as a
// tar, a NAR and a nix-store --export stream. The CLI is the oracle for traces: the session must
// trace what `stormglass trace` traces on the same archive, and a noted closure must come back in
// the form it came in, with every ELF noted and the note-aware loader's storm smaller.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.ts';
import type { Engine } from '../../src/core/engine/engine.ts';
import { DEFAULT_SETTINGS, type TraceSettings } from '../../src/core/loader/trace-settings.ts';
import type { Trace } from '../../src/core/loader/trace-types.ts';
import { loadArchive } from '../../src/core/vfs/load-archive.ts';
import { narOfTree, writeExport, writeNar } from '../../src/core/vfs/nar-write.ts';
import type { TreeVfs } from '../../src/core/vfs/resolve.ts';
import { WorkspaceSession } from '../../src/core/workspace/session.ts';
import { loadEngine } from '../../src/node/engine.ts';

const demo = JSON.parse(readFileSync('public/demo/demo.json', 'utf8')) as { archive: string; program: string; profile: TraceSettings['profile']; cpu: string };
const DEMO_TAR = `public/demo/${demo.archive}`;
const settings: TraceSettings = { ...DEFAULT_SETTINGS, profile: demo.profile, cpu: demo.cpu };

async function cliTrace(archive: string, extra: string[] = []): Promise<Trace> {
  let out = '';
  const code = await runCli(['trace', '--json', '--archive', archive, '--profile', demo.profile, '--cpu', demo.cpu, ...extra, demo.program], { out: (t) => void (out += t), err: () => undefined });
  expect(code).toBe(0);
  return JSON.parse(out) as Trace;
}

let engine: Engine;
let scratch: string;
/** The demo's store paths: the top-level directories under /nix/store. */
let storePaths: string[];
let demoTree: TreeVfs<object>;
beforeAll(async () => {
  engine = await loadEngine();
  scratch = mkdtempSync(join(tmpdir(), 'stormglass-workspace-'));
  const loaded = await loadArchive(new Uint8Array(readFileSync(DEMO_TAR)));
  if (!loaded.ok) throw new Error(loaded.error.code);
  demoTree = loaded.vfs as TreeVfs<object>;
  storePaths = [...demoTree.list()].filter((p) => /^\/nix\/store\/[^/]+\/$/.test(p)).map((p) => p.slice(0, -1));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function openFile(session: WorkspaceSession, path: string) {
  const opened = await session.open([{ path: path.slice(path.lastIndexOf('/') + 1), bytes: new Uint8Array(readFileSync(path)) }], '/', () => undefined);
  if (!opened.ok) throw new Error(opened.error.code);
  return opened.summary;
}

describe('WorkspaceSession', () => {
  it('traces the demo as the CLI does, and lists its one program', async () => {
    const session = new WorkspaceSession(engine);
    const summary = await openFile(session, DEMO_TAR);
    expect(summary.elves.filter((e) => e.kind === 'program').map((e) => e.path)).toEqual([demo.program]);
    expect(summary.elves.every((e) => e.error === null)).toBe(true);
    const traced = session.trace(demo.program, settings);
    if (!traced.ok) throw new Error(traced.message);
    expect(traced.trace).toEqual(await cliTrace(DEMO_TAR));
  });

  const forms: Array<{ name: string; make: () => Uint8Array; format: string; extension: RegExp }> = [
    { name: 'closure.tar.gz', make: () => gzipSync(readFileSync(DEMO_TAR)), format: 'tar', extension: /^closure-noted\.tar\.gz$/ },
    {
      name: 'closure.closure',
      make: () => writeExport(storePaths.map((p, i) => ({ storePath: p, nar: writeNar(narOfTree(demoTree, p).node), references: storePaths.slice(0, i), deriver: `/nix/store/${'d'.repeat(32)}-x.drv` }))),
      format: 'nix-export',
      extension: /^closure-noted\.closure$/,
    },
    {
      // No xz compressor in the browser: the tree is packed into a plain tar (tar-pack.ts).
      name: 'closure.tar.xz',
      make: () => execFileSync('xz', ['-c'], { input: readFileSync(DEMO_TAR), maxBuffer: 1 << 26 }),
      format: 'tar',
      extension: /^closure-noted\.tar$/,
    },
    {
      // A NAR of the whole tree (its root a directory holding nix/store/…).
      name: 'closure.nar.gz',
      make: () => gzipSync(writeNar(narOfTree(demoTree, '/').node)),
      format: 'nar',
      extension: /^closure-noted\.nar\.gz$/,
    },
  ];
  for (const form of forms) {
    it(`notes every ELF of a ${form.format} closure and gives it back in the same form`, async () => {
      const input = join(scratch, form.name);
      writeFileSync(input, form.make());
      const session = new WorkspaceSession(engine);
      const summary = await openFile(session, input);
      expect(summary.source).toMatchObject({ kind: 'archive', format: form.format });
      const done = await session.rewrite({ kind: 'closure' }, '0.19.0', false);
      if (!done.ok) throw new Error(done.message);
      expect(done.download.name).toMatch(form.extension);
      const output = join(scratch, done.download.name);
      writeFileSync(output, done.download.bytes);

      const back = await loadArchive(done.download.bytes);
      if (!back.ok) throw new Error(back.error.code);
      expect(back.format).toBe(form.format);
      const original = await loadArchive(new Uint8Array(readFileSync(input)));
      if (!original.ok) throw new Error(original.error.code);
      // The same paths; export references and derivers kept.
      expect([...back.vfs.list()]).toEqual([...original.vfs.list()]);
      expect(back.storePaths.map(({ storePath, references, deriver }) => ({ storePath, references, deriver })))
        .toEqual(original.storePaths.map(({ storePath, references, deriver }) => ({ storePath, references, deriver })));
      // Every file patchelf would note is noted: the reopened closure's ELF files carry notes.
      const reopened = new WorkspaceSession(engine);
      const again = await openFile(reopened, output);
      const written = done.files.filter((f) => f.outcome === 'written').map((f) => f.path).sort();
      expect(written.length).toBeGreaterThan(10);
      expect(again.elves.filter((e) => e.hasNote).map((e) => e.path).sort()).toEqual(written);
      // The session's after-trace is the CLI's note-aware trace of the download, and smaller.
      const after = session.trace(demo.program, { ...settings, noteAware: true }, 'after');
      if (!after.ok) throw new Error(after.message);
      const cli = await cliTrace(output, ['--note-aware']);
      expect(after.trace.totals).toEqual(cli.totals);
      expect(cli.totals.program.failedOpens).toBeLessThan((await cliTrace(input, ['--note-aware'])).totals.program.failedOpens);
    });
  }

  it('a note already in a file is checked for staleness against the workspace', async () => {
    const session = new WorkspaceSession(engine);
    await openFile(session, DEMO_TAR);
    const done = await session.rewrite({ kind: 'program', path: demo.program }, '0.19.0', false);
    if (!done.ok) throw new Error(done.message);
    const details = session.details(demo.program, 'after');
    expect(details?.stale?.stale).toBe(false);
    expect(details?.stale?.glibc.accepted).toBe(true);
    // The noted program alone, without its libraries: every recorded =path is now missing.
    const alone = new WorkspaceSession(engine);
    await alone.open([{ path: 'storm-demo', bytes: done.download.bytes }], '/', () => undefined);
    const stale = alone.details('/storm-demo');
    expect(stale?.stale?.stale).toBe(true);
    expect(stale?.stale?.differences.some((d) => d.kind === 'exact-file-missing')).toBe(true);
  });
});
