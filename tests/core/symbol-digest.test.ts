// The symbol digest (ParseFlag.SymbolDigest, wasm/assembly/bytes/digest.ts): what the writer's
// checks compare instead of decoding every dynamic symbol of input and output. It must count the
// table as readelf does, stay equal for equal tables, and change when any one entry changes.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { loadEngine } from '../../src/node/engine.ts';
import { checkRewrite } from '../../src/core/rewrite/check.ts';
import { embedNote } from '../../src/core/rewrite/index.ts';
import type { ElfReport } from '../../src/core/elf/types.ts';
import { buildNote, readelfWorks } from '../rewrite/helpers.ts';

const LIBRARIES = ['/lib/x86_64-linux-gnu/libc.so.6', '/lib/x86_64-linux-gnu/libz.so.1', '/usr/lib/x86_64-linux-gnu/libstdc++.so.6']
  .filter((path) => existsSync(path));

const engine = await loadEngine();

function report(bytes: Uint8Array, options: { symbols?: boolean; symbolDigest?: boolean }): ElfReport {
  const parsed = engine.parse(bytes, options);
  if (!parsed.ok) throw new Error(parsed.error.code);
  return parsed.report;
}

/** readelf's count of .dynsym entries. */
function readelfDynsymCount(path: string): number {
  const out = execFileSync('readelf', ['--dyn-syms', '-W', path], { encoding: 'utf8' });
  return Number(/Symbol table '\.dynsym' contains (\d+) entries/.exec(out)![1]);
}

describe.runIf(LIBRARIES.length > 0 && readelfWorks())('the symbol digest', () => {
  it.each(LIBRARIES)('counts %s as readelf does, and replaces the symbol list', (path) => {
    const bytes = new Uint8Array(readFileSync(path));
    const digested = report(bytes, { symbolDigest: true });
    expect(digested.symbolDigest!.count).toBe(readelfDynsymCount(path));
    expect(digested.symbolDigest!.count).toBe(report(bytes, { symbols: true }).symbols!.length);
    expect(digested.symbols).toBeNull();
    expect(digested.symbolDigest!.digest).toMatch(/^0x[0-9a-f]+$/);
    // Asked for both, the symbols win: one decode is enough.
    expect(report(bytes, { symbols: true, symbolDigest: true }).symbolDigest).toBeNull();
    expect(report(bytes, {}).symbolDigest).toBeNull();
  });

  it.each(LIBRARIES)('changes with one name byte or one value of %s, and with nothing else', (path) => {
    const bytes = new Uint8Array(readFileSync(path));
    const original = report(bytes, { symbolDigest: true }).symbolDigest!;
    expect(report(bytes.slice(), { symbolDigest: true }).symbolDigest).toEqual(original);

    const symbols = report(bytes, { symbols: true }).symbols!;
    const named = symbols.find((s) => s.name.text.length > 1)!;
    const renamed = bytes.slice();
    renamed[named.name.offset + 1]! ^= 0x01;
    const afterRename = report(renamed, { symbolDigest: true }).symbolDigest!;
    expect(afterRename.count).toBe(original.count);
    expect(afterRename.digest).not.toBe(original.digest);

    const dynsym = report(bytes, {}).sections.find((s) => s.name === '.dynsym')!;
    const moved = bytes.slice();
    moved[dynsym.offset + named.index * dynsym.entsize + 8]! ^= 0x10; // st_value's low byte (ELF64)
    expect(report(moved, { symbolDigest: true }).symbolDigest!.digest).not.toBe(original.digest);

    // A byte outside the table and its names (the ELF header's e_ident padding) changes nothing.
    const padded = bytes.slice();
    padded[12]! ^= 0x01;
    expect(report(padded, { symbolDigest: true }).symbolDigest).toEqual(original);
  });

  it.each(LIBRARIES)('lets the rewrite check see a changed symbol table in %s', (path) => {
    const bytes = new Uint8Array(readFileSync(path));
    const before = report(bytes, { symbolDigest: true });
    const written = embedNote(engine, bytes, buildNote([['libfoo.so', '?/nix/store/x/lib']], false), { parsed: before });
    if (!written.ok) throw new Error(written.error.code);
    expect(written.report.symbolDigest).toEqual(before.symbolDigest);

    const symbols = report(written.bytes, { symbols: true }).symbols!;
    const named = symbols.find((s) => s.name.text.length > 1)!;
    const broken = written.bytes.slice();
    broken[named.name.offset]! ^= 0x01;
    const fails = checkRewrite(before, report(broken, { symbolDigest: true }), broken, { kind: 'embed-note', note: new Uint8Array(0) });
    expect(fails).toContain('dynamic symbols changed');
    // An output whose table was not found at all has no digest: not the same table either.
    expect(checkRewrite(before, { ...written.report, symbolDigest: null }, written.bytes, { kind: 'embed-note', note: new Uint8Array(0) }))
      .toContain('dynamic symbols changed');
    expect(checkRewrite(before, written.report, written.bytes, { kind: 'embed-note', note: written.bytes.subarray(0, 0) }))
      .not.toContain('dynamic symbols changed');
  });
});
