// Shared pieces of the writer tests: a tiny resolution-note builder (resolution-note.md §2.1),
// gcc builds of small programs and libraries, running them, and readelf's verdict.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A resolution note for `pairs` (soname → path list), header words in the given byte order. */
export function buildNote(pairs: [string, string][], bigEndian: boolean): Uint8Array {
  const sorted = [...pairs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const desc = new TextEncoder().encode(sorted.map(([s, p]) => `${s}\0${p}\0`).join('') + '\0');
  const bytes = new Uint8Array(20 + Math.ceil(desc.length / 4) * 4);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, 6, !bigEndian);
  view.setUint32(4, desc.length, !bigEndian);
  view.setUint32(8, 0x63a86cb6, !bigEndian);
  bytes.set(new TextEncoder().encode('NixOS'), 12);
  bytes.set(desc, 20);
  return bytes;
}

export const isBigEndian = (bytes: Uint8Array) => bytes[5] === 2;

export function gccWorks(m32 = false): boolean {
  const dir = mkdtempSync(join(tmpdir(), 'stormglass-probe-'));
  try {
    const r = spawnSync('gcc', [...(m32 ? ['-m32'] : []), '-x', 'c', '-', '-o', join(dir, 'p')], { input: 'int main(void){return 0;}\n' });
    return r.status === 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function readelfWorks(): boolean {
  return spawnSync('readelf', ['--version']).status === 0;
}

export interface Readelf { status: number | null; stdout: string; stderr: string }

export function readelf(args: string[], path: string): Readelf {
  const r = spawnSync('readelf', [...args, path], { encoding: 'utf8', maxBuffer: 64 << 20 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** What readelf says is wrong with a file: a non-zero exit or anything on stderr. */
export function readelfComplaints(path: string): string[] {
  const out: string[] = [];
  for (const args of [['-lSnW'], ['-a', '-W'], ['-a', '-W', '-D']]) {
    const r = readelf(args, path);
    if (r.status !== 0) out.push(`readelf ${args.join(' ')} exited ${r.status}`);
    if (r.stderr.trim() !== '') out.push(`readelf ${args.join(' ')}: ${r.stderr.trim()}`);
  }
  return out;
}

export function writeExecutable(path: string, bytes: Uint8Array): string {
  writeFileSync(path, bytes);
  chmodSync(path, 0o755);
  return path;
}

export interface Run { status: number | null; stdout: string; stderr: string }

export function runProgram(path: string, env: Record<string, string> = {}): Run {
  const r = spawnSync(path, [], { encoding: 'utf8', env: { PATH: '/usr/bin:/bin', ...env }, timeout: 10000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * A library pair and programs linked against the first, in one temp directory (the caller removes
 * `dir`):
 * - lib/libgreet.so (SONAME libgreet.so, symbol versions GREET_1.0) prints "greet from libgreet";
 * - other/libgreet2.so: the same with SONAME libgreet2.so and message "greet from libgreet2";
 * - the program calls greet() and puts(), exits 7.
 */
export interface Built {
  dir: string;
  libDir: string;
  otherDir: string;
  program: (name: string) => string;
}

const LIB_C = `#include <stdio.h>
void greet(void) { puts(MESSAGE); }
`;
const MAP = 'GREET_1.0 { global: greet; local: *; };\n';
const MAIN_C = `#include <stdio.h>
extern void greet(void);
int main(void) { puts("main starts"); greet(); return 7; }
`;

export interface ProgramSpec {
  name: string;
  flags: string[];
  /** Run path entries (DT_RUNPATH via --enable-new-dtags unless `rpath`). */
  runpath?: string[];
  rpath?: boolean;
}

export function buildPrograms(specs: ProgramSpec[], m32 = false): Built {
  const dir = mkdtempSync(join(tmpdir(), 'stormglass-rewrite-'));
  const libDir = join(dir, 'lib');
  const otherDir = join(dir, 'other');
  mkdirSync(libDir);
  mkdirSync(otherDir);
  writeFileSync(join(dir, 'greet.c'), LIB_C);
  writeFileSync(join(dir, 'greet.map'), MAP);
  writeFileSync(join(dir, 'main.c'), MAIN_C);
  const arch = m32 ? ['-m32'] : [];
  const gcc = (args: string[]) => execFileSync('gcc', [...arch, ...args], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
  gcc(['-shared', '-fPIC', '-DMESSAGE="greet from libgreet"', '-Wl,-soname,libgreet.so', '-Wl,--version-script=greet.map', 'greet.c', '-o', join(libDir, 'libgreet.so')]);
  gcc(['-shared', '-fPIC', '-DMESSAGE="greet from libgreet2"', '-Wl,-soname,libgreet2.so', '-Wl,--version-script=greet.map', 'greet.c', '-o', join(otherDir, 'libgreet2.so')]);
  for (const spec of specs) {
    const paths = (spec.runpath ?? []).map((d) => d.replace('@LIB@', libDir));
    const tags = paths.length === 0 ? [] : [spec.rpath ? '-Wl,--disable-new-dtags' : '-Wl,--enable-new-dtags', `-Wl,-rpath,${paths.join(':')}`];
    gcc([...spec.flags, 'main.c', `-L${libDir}`, '-lgreet', ...tags, '-o', join(dir, spec.name)]);
  }
  return { dir, libDir, otherDir, program: (name) => join(dir, name) };
}

export function read(path: string): Uint8Array {
  return new Uint8Array(readFileSync(path));
}

export function copy(from: string, to: string): string {
  copyFileSync(from, to);
  return to;
}

/**
 * The same file without section headers, as `strip --strip-section-headers` (binutils 2.41+)
 * makes it: e_shoff, e_shnum and e_shstrndx zeroed (binutils 2.40 here has no such option).
 */
export function withoutSectionHeaders(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  const view = new DataView(out.buffer);
  const is64 = out[4] === 2;
  const little = out[5] === 1;
  if (is64) view.setBigUint64(0x28, 0n, little);
  else view.setUint32(0x20, 0, little);
  view.setUint16(is64 ? 0x3c : 0x30, 0, little);
  view.setUint16(is64 ? 0x3e : 0x32, 0, little);
  return out;
}

/**
 * The same file with no spare DT_NULL slots after the terminating one: PT_DYNAMIC's p_filesz and
 * p_memsz and the .dynamic section's sh_size cut to the used entries (lld and gold link this way),
 * so a new dynamic entry needs a moved dynamic table.
 */
export function withoutSpareDynamicSlots(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  const view = new DataView(out.buffer);
  const is64 = out[4] === 2;
  const little = out[5] === 1;
  const word = (at: number) => (is64 ? Number(view.getBigUint64(at, little)) : view.getUint32(at, little));
  const setWord = (at: number, v: number) => (is64 ? view.setBigUint64(at, BigInt(v), little) : view.setUint32(at, v, little));
  const phoff = word(is64 ? 0x20 : 0x1c);
  const phnum = view.getUint16(is64 ? 0x38 : 0x2c, little);
  const phsize = is64 ? 56 : 32;
  const dynSize = is64 ? 16 : 8;
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phsize;
    if (view.getUint32(at, little) !== 2) continue;
    const offset = word(at + (is64 ? 8 : 4));
    let used = 0;
    while (word(offset + used * dynSize) !== 0) used++;
    const size = (used + 1) * dynSize;
    setWord(at + (is64 ? 32 : 16), size);
    setWord(at + (is64 ? 40 : 20), size);
    const shoff = word(is64 ? 0x28 : 0x20);
    const shnum = view.getUint16(is64 ? 0x3c : 0x30, little);
    const shsize = is64 ? 64 : 40;
    for (let s = 0; s < shnum; s++) {
      const sh = shoff + s * shsize;
      if (view.getUint32(sh + 4, little) === 6) setWord(sh + (is64 ? 32 : 20), size);
    }
  }
  return out;
}
