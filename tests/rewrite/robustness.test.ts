// Bad input never breaks the writer: seeded mutations (tests/core/mutate.ts) of real binaries and
// fixtures go through every edit. Each gives a checked file or a catalogue refusal, never a trap
// (internal_error), and the same engine still rewrites the untouched file to the same bytes
// afterwards. Some garbage is only caught by the re-parse check (a section table moved onto the
// ELF header reads differently once the header changes): rewrite_check_failed is the right answer
// there, so it is allowed, but must stay rare, and never happens for an input the parse reads
// without problems and whose allocated sections are where their PT_LOADs map them.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { loadEngine } from '../../src/node/engine.ts';
import { ERROR_MESSAGES } from '../../src/core/elf/errors.ts';
import { embedNote, removeNote, replaceNeeded, setRunpath, type RewriteResult } from '../../src/core/rewrite/index.ts';
import type { Engine } from '../../src/core/engine/engine.ts';
import { mutate, seededRandom, type MutationKind } from '../core/mutate.ts';
import { buildNote } from './helpers.ts';

const SOURCES = [
  '/usr/bin/true',
  'tests/fixtures/elf/gcc-x86_64-pie-runpath',
  'tests/fixtures/elf/gcc-i386-pie-runpath',
  'tests/fixtures/elf/elf32-be-ppc',
  'tests/fixtures/elf/elf64-be-s390x',
  'tests/fixtures/elf/elf64-le-sectionless',
  'tests/fixtures/elf/elf64-le-ldcache',
].filter((f) => existsSync(f));

const PER_KIND = 120;
const KINDS: MutationKind[] = ['flip', 'truncate', 'field'];
const KNOWN = new Set(Object.keys(ERROR_MESSAGES).filter((c) => c !== 'internal_error'));

function edits(engine: Engine, bytes: Uint8Array, big: boolean): RewriteResult[] {
  return [
    embedNote(engine, bytes, buildNote([['libc.so.6', '=/nix/store/x/lib/libc.so.6']], big), { replace: true }),
    setRunpath(engine, bytes, '/nix/store/0123456789abcdef-a-rather-long-name/lib:$ORIGIN'),
    setRunpath(engine, bytes, '/l'),
    replaceNeeded(engine, bytes, 'libc.so.6', 'libc-renamed.so.6'),
    removeNote(engine, bytes),
  ];
}

/** No parse problem, and every allocated section lies where a PT_LOAD maps its address. */
function cleanInput(engine: Engine, bytes: Uint8Array): boolean {
  const parsed = engine.parse(bytes, { symbols: true });
  if (!parsed.ok || parsed.report.problems.length > 0) return false;
  const r = parsed.report;
  return r.sections.every((s) => (s.flags & 2) === 0 || s.type === 8 || s.size === 0 || r.segments.some((l) =>
    l.type === 1 && s.offset >= l.offset && s.offset + s.size <= l.offset + l.filesz
    && BigInt(s.addr) === BigInt(l.vaddr) + BigInt(s.offset - l.offset)));
}

const fingerprint = (results: RewriteResult[]) =>
  results.map((r) => (r.ok ? `${r.changed}:${Buffer.from(r.bytes).toString('base64')}` : r.error.code)).join('|');

describe('mutated inputs through every edit', () => {
  for (const source of SOURCES) {
    for (const kind of KINDS) {
      it(`${kind} mutations of ${source}`, async () => {
        const engine = await loadEngine();
        const original = new Uint8Array(readFileSync(source));
        const big = original[5] === 2;
        const baseline = fingerprint(edits(engine, original, big));
        const r = seededRandom(0x5717 ^ source.length ^ (kind.length * 7919));
        let written = 0;
        let checkFailed = 0;
        for (let i = 0; i < PER_KIND; i++) {
          const bytes = mutate(original, r, kind);
          for (const result of edits(engine, bytes, big)) {
            if (result.ok) { written += result.changed ? 1 : 0; continue; }
            const p = result.error;
            if (!KNOWN.has(p.code)) throw new Error(`${source} ${kind} #${i}: ${p.code} at ${p.offset}: ${p.message}`);
            if (p.code !== 'rewrite_check_failed') continue;
            checkFailed++;
            if (cleanInput(engine, bytes)) throw new Error(`${source} ${kind} #${i}: a clean input failed the check: ${p.message}`);
          }
        }
        expect(checkFailed, 'rewrite_check_failed answers').toBeLessThanOrEqual(PER_KIND * 5 * 0.03);
        expect(fingerprint(edits(engine, original, big))).toBe(baseline);
        // A truncated file loses its tail (section headers, usually): refusing it is right.
        if (kind !== 'truncate') expect(written).toBeGreaterThan(0);
      });
    }
  }
});
