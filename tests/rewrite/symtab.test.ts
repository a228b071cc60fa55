// patchelf's build-resolution-cache-symtab.sh: on a program linked with --emit-relocs (so its
// .symtab holds a SECTION symbol for every section), embedding the note, a growing run path that
// drops it again, and removing it leave the multiset of SECTION symbols unchanged: no section a
// symbol refers to is renumbered or lost.
import { describe, expect, it, onTestFinished } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadEngine } from '../../src/node/engine.ts';
import { embedNote, removeNote, setRunpath } from '../../src/core/rewrite/index.ts';
import { buildNote, gccWorks, readelfWorks } from './helpers.ts';

/** "SECTION LOCAL DEFAULT <ndx> <name>" lines of readelf -sW, sorted: the multiset the test compares. */
function sectionSymbols(path: string): string[] {
  const out = execFileSync('readelf', ['-sW', path], { encoding: 'utf8' });
  return out.split('\n').filter((l) => / SECTION /.test(l)).map((l) => l.trim().split(/\s+/).slice(3).join(' ')).sort();
}

describe.runIf(gccWorks() && readelfWorks())('SECTION symbols survive the edits', () => {
  it('keeps the multiset of SECTION symbols through embed, a growing run path and removal', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stormglass-symtab-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'main.c'), 'int main(void) { return 46; }\n');
    const prog = join(dir, 'prog');
    execFileSync('gcc', ['-o', prog, join(dir, 'main.c'), '-Wl,--emit-relocs', '-Wl,--enable-new-dtags', '-Wl,-rpath,/a:/b']);
    const before = sectionSymbols(prog);
    expect(before.length).toBeGreaterThan(10);

    const engine = await loadEngine();
    const steps: [string, (bytes: Uint8Array) => ReturnType<typeof removeNote>][] = [
      ['embed', (b) => embedNote(engine, b, buildNote([['libc.so.6', '?/a']], false))],
      ['grow the run path', (b) => setRunpath(engine, b, '/a:/b:' + '/c'.repeat(200))],
      ['embed again', (b) => embedNote(engine, b, buildNote([['libc.so.6', '?/a']], false))],
      ['remove', (b) => removeNote(engine, b)],
    ];
    let bytes: Uint8Array = new Uint8Array(readFileSync(prog));
    for (const [name, step] of steps) {
      const result = step(bytes);
      if (!result.ok) throw new Error(`${name}: ${result.error.code}`);
      bytes = result.bytes;
      const out = join(dir, name.replace(/ /g, '-'));
      writeFileSync(out, bytes, { mode: 0o755 });
      expect(sectionSymbols(out), name).toEqual(before);
      expect(spawnSync(out).status, name).toBe(46);
    }
  });
});
