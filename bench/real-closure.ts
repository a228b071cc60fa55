// A closure of real libraries laid out as a Nix store, for bench/note.ts: the shared libraries a
// host program loads (ldd's list: about 100 for Chromium), each copied into its own
// <out>/nix/store/<hash>-<name>/lib/ and given a DT_RUNPATH naming its direct dependencies' store
// directories (patchelf --set-rpath), as a Nix build leaves them. Real libraries carry what the
// synthetic store's do not: thousands of dynamic symbols, version tables, megabytes of code.
// The program itself is left out (Chromium's is 300 MB); ldd runs only on the host's own files.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';

/** Programs with a large closure, the first present is used. */
const ROOTS = ['/usr/lib/chromium/chromium', '/usr/bin/gdb', '/usr/bin/python3'];

/** soname → host path of every library `program` loads, from ldd. */
function lddClosure(program: string): Map<string, string> {
  const out = spawnSync('ldd', [program], { encoding: 'utf8' }).stdout ?? '';
  const libraries = new Map<string, string>();
  for (const match of out.matchAll(/^\s*(\S+) => (\/\S+)/gm)) libraries.set(match[1]!, match[2]!);
  return libraries;
}

function neededOf(file: string): string[] {
  const out = execFileSync('readelf', ['-dW', file], { encoding: 'utf8' });
  return [...out.matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)].map((m) => m[1]!);
}

/** Builds the store under `outDir`; the ELF files (sorted), or null when no root program is here. */
export function makeRealClosure(outDir: string): { program: string; files: string[] } | null {
  const program = ROOTS.find((p) => existsSync(p) && lddClosure(p).size >= 10);
  if (program === undefined) return null;
  const libraries = lddClosure(program);
  const storeDirOf = new Map<string, string>();
  for (const soname of libraries.keys()) {
    const hash = createHash('sha256').update(soname).digest('hex').slice(0, 32);
    storeDirOf.set(soname, join(outDir, 'nix/store', `${hash}-${soname.replace(/\.so.*/, '')}`, 'lib'));
  }
  const files: string[] = [];
  for (const [soname, host] of libraries) {
    const dir = storeDirOf.get(soname)!;
    mkdirSync(dir, { recursive: true });
    const file = join(dir, soname);
    copyFileSync(host, file);
    const runpath = neededOf(file).flatMap((n) => storeDirOf.get(n) ?? []);
    if (runpath.length > 0) execFileSync('patchelf', ['--set-rpath', runpath.join(':'), file]);
    files.push(file);
  }
  return { program, files: files.sort() };
}
