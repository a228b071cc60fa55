// The writer on files that cannot run here: the synthetic fixtures in both byte orders and
// classes, with and without section headers (tests/fixtures/elf/). Every edit's output must
// re-parse with our engine (the rewrite API already checks it) and pass GNU readelf without a
// warning; the new PT_LOAD uses the page size of the file's e_machine; the same input and edit
// always give the same bytes. Also: replacing and removing notes, and every refusal.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadEngine } from '../../src/node/engine.ts';
import {
  embedNote, removeNote, replaceNeeded, resolutionNotes, setRunpath, type RewriteResult,
} from '../../src/core/rewrite/index.ts';
import type { ElfReport } from '../../src/core/elf/types.ts';
import { buildNote, isBigEndian, readelf, readelfComplaints, readelfWorks, writeExecutable } from './helpers.ts';

const DIR = 'tests/fixtures/elf';
const fixture = (name: string) => new Uint8Array(readFileSync(join(DIR, name)));
const out = mkdtempSync(join(tmpdir(), 'stormglass-synthetic-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));
const haveReadelf = readelfWorks();

function ok(r: RewriteResult): { bytes: Uint8Array; report: ElfReport; changed: boolean } {
  if (!r.ok) throw new Error(`${r.error.code} at ${r.error.offset}: ${r.error.message}`);
  return r;
}

function clean(name: string, bytes: Uint8Array): void {
  if (!haveReadelf) return;
  expect(readelfComplaints(writeExecutable(join(out, name), bytes)), name).toEqual([]);
}

const NOTE_PAIRS: [string, string][] = [['libm.so.6', '=/nix/store/aaaa-glibc/lib/libm.so.6:?$ORIGIN/../lib'], ['libz.so.1', '?/run/opengl-driver/lib']];

/** [fixture, expected page size of its e_machine (patchelf getPageSize)]. */
const FILES: [string, number][] = [
  ['elf32-be-ppc', 0x10000],
  ['elf64-be-s390x', 0x1000],
  ['elf32-le-i386', 0x1000],
  ['elf64-le-sectionless', 0x1000],
  ['elf64-le-mixed-notes', 0x1000],
  ['gcc-x86_64-pie-runpath', 0x1000],
  ['gcc-x86_64-pie-runpath-stripped', 0x1000],
  ['gcc-x86_64-nopie-rpath', 0x1000],
  ['gcc-i386-pie-runpath', 0x1000],
  ['gcc-x86_64-libstormglass.so.1', 0x1000],
];

describe('every edit on every fixture', () => {
  for (const [name, page] of FILES) {
    describe(name, () => {
      it('embeds a note in a new page-aligned read-only PT_LOAD, deterministically', async () => {
        const engine = await loadEngine();
        const input = fixture(name);
        const note = buildNote(NOTE_PAIRS, isBigEndian(input));
        const a = ok(embedNote(engine, input, note));
        const b = ok(embedNote(engine, input, note));
        expect(Buffer.compare(a.bytes, b.bytes)).toBe(0);
        clean(`${name}.note`, a.bytes);
        const notes = resolutionNotes(a.report);
        expect(notes).toHaveLength(1);
        const decoded = notes[0]!.decoded;
        expect(decoded?.kind === 'nixos-ldcache' && decoded.valid && decoded.entries.map((e) => e.soname.text)).toEqual(['libm.so.6', 'libz.so.1']);
        const load = a.report.segments.find((s) => s.type === 1 && s.offset <= notes[0]!.offset && notes[0]!.offset < s.offset + s.filesz)!;
        expect(load.align).toBe(page);
        expect(load.flagsText.trim()).toBe('R');
        expect(load.offset % page).toBe(0);
        expect(Number(BigInt(load.vaddr) % BigInt(page))).toBe(0);
        // The new PT_LOAD is the last and highest one.
        const loads = a.report.segments.filter((s) => s.type === 1);
        expect(loads[loads.length - 1]).toEqual(load);
        // Kernels before 5.18 compute AT_PHDR as first PT_LOAD (p_vaddr - p_offset) + e_phoff:
        // a moved table must sit at that address.
        const first = loads[0]!;
        const atPhdr = BigInt(first.vaddr) - BigInt(first.offset) + BigInt(a.report.header.phoff);
        const phdr = a.report.segments.find((s) => s.type === 6);
        if (phdr) expect(BigInt(phdr.vaddr)).toBe(atPhdr);
        const before = ok(removeNote(engine, input)).report;
        if (before.header.shnum > 0) expect(a.report.sections.filter((s) => s.name === '.note.nixos.ldcache')).toHaveLength(1);
        else expect(a.report.header.shnum).toBe(0);
      });

      it('sets a longer and a shorter run path, and replaces a DT_NEEDED', async () => {
        const engine = await loadEngine();
        const input = fixture(name);
        const longer = ok(setRunpath(engine, input, '/nix/store/0123456789abcdef0123456789abcdef-long-name/lib:$ORIGIN/../lib64:/opt/x'));
        expect(Buffer.compare(longer.bytes, ok(setRunpath(engine, input, '/nix/store/0123456789abcdef0123456789abcdef-long-name/lib:$ORIGIN/../lib64:/opt/x')).bytes)).toBe(0);
        clean(`${name}.longer`, longer.bytes);
        const shorter = ok(setRunpath(engine, longer.bytes, '/lib'));
        expect(shorter.report.runpath?.text).toBe('/lib');
        clean(`${name}.shorter`, shorter.bytes);
        const needed = ok(engine.parse(input) as RewriteResult).report.needed.map((n) => n.text);
        const from = needed.find((n) => n !== 'libc.so.6') ?? needed[0]!;
        const replaced = ok(replaceNeeded(engine, input, from, `${from}.renamed-and-longer`));
        expect(replaced.report.needed.map((n) => n.text)).toEqual(needed.map((n) => (n === from ? `${from}.renamed-and-longer` : n)));
        clean(`${name}.replaced`, replaced.bytes);
        const short = ok(replaceNeeded(engine, input, from, 'l.so'));
        expect(short.report.needed.map((n) => n.text)).toContain('l.so');
        clean(`${name}.replaced-short`, short.bytes);
      });
    });
  }
});

describe('existing notes', () => {
  for (const name of ['elf64-le-ldcache', 'elf64-be-ldcache']) {
    it(`${name}: a different note is refused, then replaced on request; the old bytes are zero`, async () => {
      const engine = await loadEngine();
      const input = fixture(name);
      const old = resolutionNotes(ok(removeNote(engine, input)).report);
      expect(old).toHaveLength(0);
      const existing = resolutionNotes((engine.parse(input) as { ok: true; report: ElfReport }).report)[0]!;
      const note = buildNote(NOTE_PAIRS, isBigEndian(input));
      const refused = embedNote(engine, input, note);
      expect(refused.ok ? null : refused.error).toMatchObject({ code: 'write_note_exists', offset: existing.offset });
      const replaced = ok(embedNote(engine, input, note, { replace: true }));
      clean(`${name}.replaced`, replaced.bytes);
      const desc = replaced.bytes.subarray(existing.offset, existing.offset + 20 + existing.descSize);
      expect(desc.every((b) => b === 0)).toBe(true);
      expect(resolutionNotes(replaced.report)).toHaveLength(1);
      expect(replaced.report.sections.filter((s) => s.name === '.note.nixos.ldcache')).toHaveLength(1);
      // Its PT_NOTE is gone; its section (in the middle of the table) is an unnamed SHT_NULL.
      expect(replaced.report.segments.filter((s) => s.type === 4 && s.offset === existing.offset)).toHaveLength(0);
      // The original note, given again, is "the same note": nothing to do.
      const original = input.slice(existing.offset, existing.offset + 20 + Math.ceil(existing.descSize / 4) * 4);
      const same = ok(embedNote(engine, input, original));
      expect(same.changed).toBe(false);
      expect(Buffer.compare(same.bytes, input)).toBe(0);
      // Removal leaves a clean file with no note.
      const removed = ok(removeNote(engine, input));
      clean(`${name}.removed`, removed.bytes);
      expect(removed.report.notes.filter((n) => n.owner === 'NixOS')).toHaveLength(0);
    });
  }

  it('replacing our own note reuses the section header slot and name, and zeroes the old note', async () => {
    const engine = await loadEngine();
    const input = fixture('gcc-x86_64-pie-runpath');
    const first = ok(embedNote(engine, input, buildNote([['libm.so.6', '=/nix/store/a/lib/libm.so.6']], false)));
    const second = ok(embedNote(engine, first.bytes, buildNote([['libm.so.6', '=/nix/store/b/lib/libm.so.6']], false), { replace: true }));
    clean('own.replaced', second.bytes);
    // The old PT_NOTE's slot is freed, but two are needed: the table moves once more (+1 entry).
    expect(second.report.header.phnum).toBe(first.report.header.phnum + 1);
    expect(second.report.segments.filter((s) => s.type === 0)).toHaveLength(0);
    expect(second.report.header.shnum).toBe(first.report.header.shnum);
    expect(second.report.header.shoff).toBe(first.report.header.shoff);
    expect(Buffer.from(second.bytes).includes(Buffer.from('/nix/store/a/'))).toBe(false);
    expect(resolutionNotes(second.report)).toHaveLength(1);
  });

  it('a later edit reuses the PT_NULL slot a removal left', async () => {
    const engine = await loadEngine();
    const input = fixture('gcc-x86_64-pie-runpath');
    const embedded = ok(embedNote(engine, input, buildNote([['libm.so.6', '=/nix/store/a/lib/libm.so.6']], false)));
    const removed = ok(removeNote(engine, embedded.bytes));
    expect(removed.report.segments.filter((s) => s.type === 0)).toHaveLength(1);
    expect(removed.bytes.length).toBe(embedded.bytes.length);
    const grown = ok(setRunpath(engine, removed.bytes, `/nix/store/${'x'.repeat(80)}/lib`));
    expect(grown.report.header.phoff).toBe(removed.report.header.phoff);
    expect(grown.report.header.phnum).toBe(removed.report.header.phnum);
    expect(grown.report.segments.filter((s) => s.type === 0)).toHaveLength(0);
    clean('null-slot.reused', grown.bytes);
  });

  it('a note sharing its PT_NOTE with other notes is cut out (start) or blanked (middle)', async () => {
    const engine = await loadEngine();
    const input = fixture('elf64-le-mixed-notes');
    const report = (engine.parse(input) as { ok: true; report: ElfReport }).report;
    const abiTag = report.notes.find((n) => n.owner === 'GNU' && n.type === 1)!;
    const buildId = report.notes.find((n) => n.owner === 'GNU' && n.type === 3)!;
    // A 32-byte NixOS note over the ABI tag (middle of its PT_NOTE), a 36-byte one over the build-id (start).
    const middle = input.slice();
    middle.set(buildNote([['a', '=/b/a']], false), abiTag.offset);
    const start = input.slice();
    start.set(buildNote([['abc', '=/cd/abc']], false), buildId.offset);
    for (const [label, bytes, at] of [['middle', middle, abiTag.offset], ['start', start, buildId.offset]] as const) {
      const parsed = (engine.parse(bytes) as { ok: true; report: ElfReport }).report;
      expect(resolutionNotes(parsed).map((n) => n.offset), label).toEqual([at]);
      expect(parsed.problems, label).toEqual([]);
      const removed = ok(removeNote(engine, bytes));
      clean(`mixed.${label}`, removed.bytes);
      expect(resolutionNotes(removed.report), label).toHaveLength(0);
      expect(removed.report.problems, label).toEqual([]);
      // The other notes are all still there (each seen through its PT_NOTE and its section).
      const others = (r: ElfReport) => [...new Set(r.notes.filter((n) => n.owner === 'GNU' || n.owner === 'Stormglass').map((n) => `${n.owner}:${n.type}`))].sort();
      expect(others(removed.report), label).toEqual(others(parsed).filter((x) => x !== (label === 'middle' ? 'GNU:1' : 'GNU:3')));
    }
  });
});

describe('refusals', () => {
  it('refuses what it cannot rewrite, each with its code', async () => {
    const engine = await loadEngine();
    const pie = fixture('gcc-x86_64-pie-runpath');
    const note = buildNote(NOTE_PAIRS, false);
    const code = (r: RewriteResult) => (r.ok ? 'ok' : `${r.error.code}@${r.error.offset}`);
    expect(code(embedNote(engine, fixture('gcc-x86_64-relocatable.o'), note))).toBe('write_unsupported_file@16');
    expect(code(embedNote(engine, fixture('elf64-le-garbage-sections'), note))).toMatch(/^write_input_damaged@/);
    expect(code(embedNote(engine, fixture('elf64-be-s390x'), note))).toBe('write_bad_note@0'); // little-endian words
    expect(code(embedNote(engine, pie, note.subarray(0, 19)))).toBe('write_bad_note@0');
    expect(code(embedNote(engine, pie, buildNote([['libm.so.6', '']], false)))).toMatch(/^write_bad_note@/);
    expect(code(replaceNeeded(engine, pie, 'libabsent.so', 'libx.so'))).toMatch(/^write_needed_not_found@/);
    expect(code(replaceNeeded(engine, pie, 'libm.so.6', ''))).toMatch(/^write_bad_string@/);
    expect(code(setRunpath(engine, pie, 'a\0b'))).toMatch(/^write_bad_string@/);
    expect(code(embedNote(engine, new Uint8Array([0x7f, 0x45, 0x4c]), note))).toBe('elf_truncated@3');
  });

  it('changes nothing when there is nothing to do', async () => {
    const engine = await loadEngine();
    const pie = fixture('gcc-x86_64-pie-runpath');
    const runpath = (engine.parse(pie) as { ok: true; report: ElfReport }).report.runpath!.text;
    for (const r of [setRunpath(engine, pie, runpath), replaceNeeded(engine, pie, 'libm.so.6', 'libm.so.6'), removeNote(engine, pie)]) {
      expect(r.ok && !r.changed && Buffer.compare(r.bytes, pie) === 0).toBe(true);
    }
  });
});

describe('run path details', () => {
  it('converts a DT_RPATH to DT_RUNPATH, as patchelf --set-rpath does', async () => {
    const engine = await loadEngine();
    const r = ok(setRunpath(engine, fixture('gcc-x86_64-nopie-rpath'), '/x'));
    expect(r.report.rpath).toBeNull();
    expect(r.report.runpath?.text).toBe('/x');
  });

  it('does not shrink a run path in place when another string shares its bytes', async () => {
    const engine = await loadEngine();
    // elf64-be-s390x: DT_RPATH and DT_RUNPATH name the same string.
    const input = fixture('elf64-be-s390x');
    const before = (engine.parse(input) as { ok: true; report: ElfReport }).report;
    expect(before.rpath?.offset).toBe(before.runpath?.offset);
    const r = ok(setRunpath(engine, input, '/a'));
    expect(r.report.rpath?.text).toBe(before.rpath?.text);
    expect(r.report.runpath?.text).toBe('/a');
    clean('s390x.shared', r.bytes);
  });

  it.skipIf(!haveReadelf)('readelf -d shows the new run path', async () => {
    const engine = await loadEngine();
    const r = ok(setRunpath(engine, fixture('elf32-be-ppc'), '/nix/store/x-y/lib:$ORIGIN'));
    const path = writeExecutable(join(out, 'ppc.runpath'), r.bytes);
    expect(readelf(['-dW'], path).stdout).toContain('Library runpath: [/nix/store/x-y/lib:$ORIGIN]');
  });
});
