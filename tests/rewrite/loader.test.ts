// The writer's outputs against the real kernel and glibc loader: gcc-built programs (PIE,
// non-PIE, -z now, ELF32, without section headers, without spare dynamic slots) and a shared
// library are rewritten — a note embedded, a longer and a shorter run path set, a DT_NEEDED
// replaced by a library with another SONAME — and then executed: each must still run and print
// what it printed before, and readelf must have nothing to say about it.
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadEngine } from '../../src/node/engine.ts';
import { embedNote, removeNote, replaceNeeded, setRunpath, shrinkRunpath } from '../../src/core/rewrite/index.ts';
import type { RewriteResult } from '../../src/core/rewrite/index.ts';
import {
  buildNote, buildPrograms, copy, gccWorks, read, readelf, readelfComplaints, runProgram, withoutSectionHeaders,
  withoutSpareDynamicSlots, writeExecutable, type Built,
} from './helpers.ts';

const haveGcc = gccWorks();
const haveGcc32 = haveGcc && gccWorks(true);

const EXPECTED = { status: 7, stdout: 'main starts\ngreet from libgreet\n' };

function ok(r: RewriteResult): Uint8Array {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.bytes;
}

interface Variant { name: string; flags: string[]; m32?: boolean; rpath?: boolean; sectionless?: boolean; noSpare?: boolean; noRunpath?: boolean }

const VARIANTS: Variant[] = [
  { name: 'pie', flags: ['-fPIE', '-pie'] },
  { name: 'nopie', flags: ['-fno-pie', '-no-pie'] },
  { name: 'znow', flags: ['-Wl,-z,now', '-Wl,-z,relro'] },
  { name: 'rpath', flags: [], rpath: true },
  { name: 'sectionless', flags: [], sectionless: true },
  { name: 'norunpath', flags: [], noRunpath: true },
  { name: 'norunpath-nospare', flags: [], noRunpath: true, noSpare: true },
  { name: 'pie32', flags: ['-fPIE', '-pie'], m32: true },
  { name: 'nopie32', flags: ['-fno-pie', '-no-pie'], m32: true },
  { name: 'sectionless32', flags: [], m32: true, sectionless: true },
];

function buildFor(m32: boolean): Built {
  const specs = VARIANTS.filter((v) => (v.m32 ?? false) === m32).map((v) => ({
    name: v.name,
    flags: v.flags,
    rpath: v.rpath,
    // Several directories, the library's in the middle; none of the others exist.
    runpath: v.noRunpath ? [] : ['/nonexistent/first', '@LIB@', '$ORIGIN/../nonexistent'],
  }));
  return buildPrograms(specs, m32);
}

let built64: Built | null = null;
let built32: Built | null = null;
const builtFor = (m32: boolean) => (m32 ? (built32 ??= buildFor(true)) : (built64 ??= buildFor(false)));
afterAll(() => {
  for (const b of [built64, built32]) if (b) rmSync(b.dir, { recursive: true, force: true });
});

/** The variant's input bytes: the gcc output, possibly without section headers / spare slots. */
function input(v: Variant): Uint8Array {
  let bytes = read(builtFor(v.m32 ?? false).program(v.name));
  if (v.sectionless) bytes = withoutSectionHeaders(bytes);
  if (v.noSpare) bytes = withoutSpareDynamicSlots(bytes);
  return bytes;
}

/** Writes `bytes` next to the variant's libraries and runs it (LD_LIBRARY_PATH when it has no run path). */
function runBytes(v: Variant, label: string, bytes: Uint8Array) {
  const b = builtFor(v.m32 ?? false);
  const path = writeExecutable(join(b.dir, `${v.name}.${label}`), bytes);
  expect(readelfComplaints(path), `readelf on ${label}`).toEqual([]);
  return { path, run: runProgram(path, v.noRunpath ? { LD_LIBRARY_PATH: b.libDir } : {}) };
}

describe.skipIf(!haveGcc)('rewritten gcc programs still run', () => {
  for (const v of VARIANTS) {
    describe.skipIf(v.m32 === true && !haveGcc32)(v.name, () => {
      it('runs unmodified (the baseline)', () => {
        const { run } = runBytes(v, 'input', input(v));
        expect(run).toMatchObject(EXPECTED);
      });

      it('embeds the note: runs, readelf -n shows it, same input gives the same bytes', async () => {
        const engine = await loadEngine();
        const bytes = input(v);
        const b = builtFor(v.m32 ?? false);
        const note = buildNote([['libgreet.so', `=${b.libDir}/libgreet.so`]], false);
        const first = ok(embedNote(engine, bytes, note));
        const second = ok(embedNote(engine, bytes, note));
        expect(Buffer.compare(first, second)).toBe(0);
        const { path, run } = runBytes(v, 'note', first);
        expect(run).toMatchObject(EXPECTED);
        const notes = readelf(['-nW'], path).stdout;
        expect(notes).toContain('NixOS');
        expect(notes).toMatch(/NixOS\s+0x[0-9a-f]+\s+Unknown note type: \(0x63a86cb6\)/);
        if (!v.sectionless) expect(readelf(['-SW'], path).stdout).toMatch(/\.note\.nixos\.ldcache\s+NOTE\s+[0-9a-f]+ [0-9a-f]+ [0-9a-f]+ 00\s+A\s+0\s+0\s+4/);
        // Embedding the same note again changes nothing.
        const again = embedNote(engine, first, note);
        expect(again.ok && !again.changed && Buffer.compare(again.bytes, first) === 0).toBe(true);
        // Removing it gives a running file without note.
        const removed = ok(removeNote(engine, first));
        expect(runBytes(v, 'removed', removed).run).toMatchObject(EXPECTED);
        expect(readelf(['-nW'], join(b.dir, `${v.name}.removed`)).stdout).not.toContain('NixOS');
      });

      it('sets a longer run path (a new string table) and a shorter one (in place)', async () => {
        const engine = await loadEngine();
        const b = builtFor(v.m32 ?? false);
        const bytes = input(v);
        const longer = `/nonexistent/a/very/long/directory/name/to/force/a/new/string/table:${b.libDir}:/nonexistent/b`;
        const grown = ok(setRunpath(engine, bytes, longer));
        const g = runBytes({ ...v, noRunpath: false }, 'longer', grown);
        expect(g.run).toMatchObject(EXPECTED);
        expect(readelf(['-dW'], g.path).stdout).toContain(`Library runpath: [${longer}]`);
        const shorter = ok(setRunpath(engine, grown, b.libDir));
        const s = runBytes({ ...v, noRunpath: false }, 'shorter', shorter);
        expect(s.run).toMatchObject(EXPECTED);
        expect(readelf(['-dW'], s.path).stdout).toContain(`Library runpath: [${b.libDir}]`);
        // In place: same length, and the longer path's bytes are gone from the file.
        expect(shorter.length).toBe(grown.length);
        expect(Buffer.from(shorter).includes(Buffer.from(longer))).toBe(false);
        // And the same two edits give the same bytes again.
        expect(Buffer.compare(ok(setRunpath(engine, ok(setRunpath(engine, bytes, longer)), b.libDir)), shorter)).toBe(0);
      });

      it('replaces DT_NEEDED by a library with another SONAME (version needs follow)', async () => {
        const engine = await loadEngine();
        const b = builtFor(v.m32 ?? false);
        let bytes = input(v);
        // A run path that finds the other library, set first (LD_LIBRARY_PATH would do too).
        bytes = ok(setRunpath(engine, bytes, `${b.otherDir}:${b.libDir}`));
        const replaced = ok(replaceNeeded(engine, bytes, 'libgreet.so', 'libgreet2.so'));
        const r = runBytes({ ...v, noRunpath: false }, 'replaced', replaced);
        expect(r.run).toMatchObject({ status: 7, stdout: 'main starts\ngreet from libgreet2\n' });
        expect(readelf(['-dW'], r.path).stdout).toContain('Shared library: [libgreet2.so]');
        if (!v.sectionless) expect(readelf(['-VW'], r.path).stdout).toMatch(/File: libgreet2\.so\s+Cnt: 1/);
      });

      it('a run-path edit drops the note, whose entries would be stale', async () => {
        const engine = await loadEngine();
        const b = builtFor(v.m32 ?? false);
        const note = buildNote([['libgreet.so', `=${b.libDir}/libgreet.so`]], false);
        const withNote = ok(embedNote(engine, input(v), note));
        const edited = setRunpath(engine, withNote, `${b.libDir}:/nonexistent/more`);
        expect(edited.ok).toBe(true);
        if (!edited.ok) return;
        expect(edited.report.notes.some((n) => n.owner === 'NixOS')).toBe(false);
        expect(Buffer.from(edited.bytes).includes(Buffer.from(`=${b.libDir}/libgreet.so`))).toBe(false);
        expect(runBytes({ ...v, noRunpath: false }, 'stale', edited.bytes).run).toMatchObject(EXPECTED);
      });
    });
  }

  it('a shared library with the note embedded still loads', async () => {
    const engine = await loadEngine();
    const b = builtFor(false);
    const lib = join(b.libDir, 'libgreet.so');
    const original = read(lib);
    const patched = ok(embedNote(engine, original, buildNote([['libc.so.6', '?/nonexistent']], false)));
    expect(readelfComplaints(writeExecutable(join(b.dir, 'libgreet.so.note'), patched))).toEqual([]);
    const dir = mkdtempSync(join(tmpdir(), 'stormglass-lib-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    writeExecutable(join(dir, 'libgreet.so'), patched);
    const program = copy(b.program('norunpath'), join(dir, 'prog'));
    expect(runProgram(program, { LD_LIBRARY_PATH: dir })).toMatchObject(EXPECTED);
  });

  it('replaces DT_NEEDED by a renamed copy of the library', async () => {
    const engine = await loadEngine();
    const b = builtFor(false);
    const dir = mkdtempSync(join(tmpdir(), 'stormglass-renamed-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    copy(join(b.libDir, 'libgreet.so'), join(dir, 'libgreet-renamed.so'));
    const bytes = ok(setRunpath(engine, read(b.program('pie')), dir));
    const replaced = ok(replaceNeeded(engine, bytes, 'libgreet.so', 'libgreet-renamed.so'));
    const path = writeExecutable(join(dir, 'prog'), replaced);
    expect(readelfComplaints(path)).toEqual([]);
    expect(runProgram(path)).toMatchObject(EXPECTED);
    // Without the renamed copy the loader has nothing else to fall back to.
    renameSync(join(dir, 'libgreet-renamed.so'), join(dir, 'gone.so'));
    expect(runProgram(path).status).not.toBe(7);
  });

  it('shrinks the run path to the directories that hold a needed library', async () => {
    const engine = await loadEngine();
    const b = builtFor(false);
    const bytes = read(b.program('pie'));
    const machineOf = (p: string) => (existsSync(p) ? read(p)[18]! | (read(p)[19]! << 8) : null);
    const r = shrinkRunpath(engine, bytes, machineOf);
    expect(r.ok && r.report.runpath?.text).toBe(`${b.libDir}:$ORIGIN/../nonexistent`);
    if (r.ok) expect(runBytes(VARIANTS[0]!, 'shrunk', r.bytes).run).toMatchObject(EXPECTED);
  });
});
