// The engine against GNU readelf, the oracle nobody here wrote, over every ELF file under /usr/bin
// and /usr/lib/x86_64-linux-gnu (well over a thousand real binaries) and over the committed
// fixtures (ELF32, big-endian, section-less, mixed-alignment notes, resolution notes).
import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadEngine } from '../../src/node/engine.ts';
import { parseFile } from '../../src/node/file-source.ts';
import { listElfFiles } from './elf-files.ts';
import { readelfAvailable, readelfBatchDetailed } from './readelf.ts';
import { compareWithReadelf } from './compare.ts';

const SYSTEM = listElfFiles(['/usr/bin', '/usr/lib/x86_64-linux-gnu']);
const FIXTURES = readdirSync('tests/fixtures/elf').sort().map((f) => join('tests/fixtures/elf', f))
  // Its section headers are junk on purpose: readelf warns and prints junk sections there.
  .filter((f) => !f.endsWith('garbage-sections'));

/** Differences per file, and how many files were compared (readelf warned about none of them). */
async function differences(files: string[]): Promise<{ compared: number; diffs: Map<string, string[]> }> {
  const engine = await loadEngine();
  const lndS = readelfBatchDetailed(files, '-lndS');
  const versions = readelfBatchDetailed(files, '-V');
  const out = new Map<string, string[]>();
  let compared = 0;
  for (const file of files) {
    const a = lndS.get(file);
    const b = versions.get(file);
    // Files readelf itself warns about are compared by the mutation and catalogue tests instead.
    if (!a || !b || a.missing || a.diagnostics.length || b.diagnostics.length) continue;
    compared++;
    const result = parseFile(engine, file);
    const diffs = result.ok ? compareWithReadelf(result.report, a.stdout, b.stdout) : [`not parsed: ${result.error.code}`];
    if (diffs.length) out.set(file, diffs);
  }
  return { compared, diffs: out };
}

function summary(diffs: Map<string, string[]>): string[] {
  return [...diffs].slice(0, 15).map(([file, lines]) => `${file}\n  ${lines.slice(0, 4).join('\n  ')}`);
}

describe.runIf(readelfAvailable())('engine vs readelf', () => {
  it('finds well over a thousand system ELF files', () => {
    expect(SYSTEM.length).toBeGreaterThan(1000);
  });

  it('agrees with readelf -lndS and -V on every system ELF file', async () => {
    const { compared, diffs } = await differences(SYSTEM);
    expect(summary(diffs)).toEqual([]);
    expect(compared).toBeGreaterThan(SYSTEM.length - 10);
  }, 300_000);

  it('agrees with readelf on every committed fixture', async () => {
    const { compared, diffs } = await differences(FIXTURES);
    expect(summary(diffs)).toEqual([]);
    expect(compared).toBe(FIXTURES.length);
  });
});
