// Shared by tests/note: parsing with the engine, memory trees, synthetic ELFs with a chosen
// DT_NEEDED / run path / ld-cache note (tests/fixtures/builder), and gcc-built programs.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadEngine } from '../../src/node/engine.ts';
import type { ElfReport } from '../../src/core/elf/types.ts';
import { MemoryTree } from '../../src/core/vfs/memory-tree.ts';
import { buildElf, type ElfSpec } from '../fixtures/builder/elf.ts';
import { LDCACHE_LE } from '../fixtures/synthetic.ts';
import * as C from '../fixtures/builder/constants.ts';

export const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(`tests/fixtures/${name}`));

export async function parse(bytes: Uint8Array): Promise<ElfReport> {
  const result = (await loadEngine()).parse(bytes);
  if (!result.ok) throw new Error(`parse failed: ${result.error.code}`);
  return result.report;
}

/** A memory tree: a path ending in '/' is a directory, `{ link }` a symlink, anything else a file. */
export function tree(entries: Record<string, string | { link: string } | { dir: number }>): MemoryTree {
  const t = new MemoryTree();
  for (const [path, what] of Object.entries(entries)) {
    if (typeof what === 'object' && 'link' in what) t.addSymlink(path, what.link);
    else if (typeof what === 'object') t.addDir(path, what.dir);
    else if (path.endsWith('/')) t.addDir(path);
    else t.addFile(path, new TextEncoder().encode(what));
  }
  return t;
}

export const text = (bytes: Uint8Array | null): string | null => (bytes === null ? null : new TextDecoder().decode(bytes));

/**
 * A synthetic x86-64 PIE like elf64-le-ldcache with the given DT_NEEDED and run path, carrying an
 * ld-cache note with `descriptor` (in its own PT_NOTE, section .note.nixos.ldcache) or none.
 */
export function syntheticElf(o: {
  needed: string[];
  runpath?: string;
  rpath?: string;
  descriptor?: Uint8Array | null;
  /** Notes of the ld-cache type put before the note, in the same PT_NOTE and section. */
  before?: Array<{ owner: string; desc: Uint8Array }>;
}): Uint8Array {
  const before = (o.before ?? []).map((n) => ({ owner: n.owner, type: C.NT_NIXOS_LD_CACHE, desc: n.desc, section: C.LDCACHE_SECTION }));
  const { runpath: _r, rpath: _p, ...base } = LDCACHE_LE;
  const spec: ElfSpec = {
    ...base,
    needed: o.needed,
    ...(o.runpath !== undefined ? { runpath: o.runpath } : {}),
    ...(o.rpath !== undefined ? { rpath: o.rpath } : {}),
    notes: [
      LDCACHE_LE.notes[0]!,
      ...(o.descriptor
        ? [{ align: 4, fileAlign: 8, notes: [...before, { owner: 'NixOS', type: C.NT_NIXOS_LD_CACHE, desc: o.descriptor, section: C.LDCACHE_SECTION }] }]
        : []),
    ],
  };
  return buildElf(spec).bytes;
}

export function hasGcc(): boolean {
  try {
    execFileSync('gcc', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * A temp dir with libfoo.so, libbar.so and main.o built by gcc; link() makes a program needing
 * libfoo.so, libbar.so (and libc.so.6) with the given run path.
 */
export class GccWorkspace {
  readonly dir = mkdtempSync(join(tmpdir(), 'stormglass-note-'));
  private count = 0;

  constructor() {
    writeFileSync(join(this.dir, 'foo.c'), 'int foo(void) { return 1; }\n');
    writeFileSync(join(this.dir, 'bar.c'), 'int bar(void) { return 2; }\n');
    writeFileSync(join(this.dir, 'main.c'), 'int main(void) { return 0; }\n');
    this.gcc(['-shared', '-fPIC', '-o', 'libfoo.so', 'foo.c']);
    this.gcc(['-shared', '-fPIC', '-o', 'libbar.so', 'bar.c']);
    this.gcc(['-c', 'main.c']);
  }

  private gcc(args: string[]): void {
    execFileSync('gcc', args, { cwd: this.dir, stdio: ['ignore', 'ignore', 'inherit'] });
  }

  /** A program with DT_RUNPATH (or DT_RPATH with `dtag: 'rpath'`) `runPath`, or none when null. */
  link(runPath: string | null, dtag: 'runpath' | 'rpath' = 'runpath'): Uint8Array {
    const out = `prog${this.count++}`;
    const rpath = runPath === null ? [] : [dtag === 'runpath' ? '-Wl,--enable-new-dtags' : '-Wl,--disable-new-dtags', `-Wl,-rpath,${runPath}`];
    this.gcc(['-o', out, 'main.o', '-L.', '-Wl,--no-as-needed', '-lfoo', '-lbar', ...rpath]);
    return new Uint8Array(readFileSync(join(this.dir, out)));
  }

  library(name: 'libfoo.so' | 'libbar.so'): Uint8Array {
    return new Uint8Array(readFileSync(join(this.dir, name)));
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
