// Real oracles for the loader-data tests: the system's own ld.so (run, not simulated), ldconfig,
// and optional foreign loaders run under qemu-user (see fetch-loaders.sh). Node-only test code.
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const HOST_LD = '/lib64/ld-linux-x86-64.so.2';

export function run(cmd: string, args: string[], opts: SpawnSyncOptions = {}): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...opts });
  return { stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? ''), status: r.status };
}

export const has = (cmd: string) => run('sh', ['-c', `command -v ${cmd}`]).status === 0;
export const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;
export const hostIsX64 = () => process.arch === 'x64' && existsSync(HOST_LD);

/** An environment without the variables that would steer the loader under test. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('LD_') && k !== 'GLIBC_TUNABLES') env[k] = v;
  return { ...env, ...extra };
}

/** `ld.so --list-diagnostics` of a loader (optionally through a qemu-user binary). */
export function diagnosticsOf(ld: string, opts: { qemu?: string; env?: Record<string, string> } = {}): string {
  const [cmd, args] = opts.qemu ? [opts.qemu, [ld, '--list-diagnostics']] : [ld, ['--list-diagnostics']];
  const r = run(cmd, args, { env: cleanEnv(opts.env) });
  if (r.status !== 0) throw new Error(`${ld} --list-diagnostics failed: ${r.stderr}`);
  return r.stdout;
}

/** `ld.so --help`'s two hwcaps sections (elf/dl-usage.c, 2.33–2.36): which names are "supported". */
export function helpHwcaps(ld: string, opts: { qemu?: string } = {}): { subdirs: string[]; legacy: string[]; platform: string | null } {
  const [cmd, args] = opts.qemu ? [opts.qemu, [ld, '--help']] : [ld, ['--help']];
  const text = run(cmd, args, { env: cleanEnv() }).stdout;
  const section = (title: RegExp) => {
    const lines = text.split('\n');
    const at = lines.findIndex((l) => title.test(l));
    if (at < 0) return [];
    const out: string[] = [];
    for (const l of lines.slice(at + 1)) {
      if (!l.startsWith('  ')) break;
      out.push(l.trim());
    }
    return out;
  };
  const supported = (l: string) => /supported, searched\)$/.test(l);
  const subdirs = section(/^Subdirectories of glibc-hwcaps directories/).filter(supported).map((l) => l.split(' ')[0]!);
  const legacyLines = section(/^Legacy HWCAP subdirectories/);
  const platform = legacyLines.find((l) => l.includes('(AT_PLATFORM;'))?.split(' ')[0] ?? null;
  const legacy = legacyLines
    .filter((l) => supported(l) && !l.includes('AT_PLATFORM') && !l.startsWith('tls '))
    .map((l) => l.split(' ')[0]!);
  return { subdirs, legacy, platform };
}

/**
 * What the real loader does for each name at the cache step (§2.4 M2d): with
 * LD_TRACE_LOADED_OBJECTS (maps, never runs) and LD_DEBUG=libs, a name passed in LD_PRELOAD is
 * searched without RPATH/RUNPATH; the line after "search cache=" is either "trying file=PATH"
 * (the cache's answer) or "search path=…" (the cache had nothing). One process per name, so no
 * earlier load can satisfy a later name by SONAME. `wrap` runs the program (e.g. in a chroot).
 */
export function loaderCacheAnswers(
  names: string[],
  opts: { program?: string; wrap?: string[]; env?: Record<string, string> } = {},
): Map<string, string | null> {
  const out = new Map<string, string | null>();
  const program = opts.program ?? '/bin/true';
  for (const name of names) {
    const argv = [...(opts.wrap ?? []), program];
    const r = run(argv[0]!, argv.slice(1), {
      env: cleanEnv({ ...opts.env, LD_TRACE_LOADED_OBJECTS: '1', LD_DEBUG: 'libs', LD_PRELOAD: name }),
    });
    const lines = r.stderr.split('\n').map((l) => l.replace(/^\s*\d+:\s?/, ''));
    const find = lines.findIndex((l) => l === `find library=${name} [0]; searching`);
    if (find < 0) continue; // matched an already loaded object: no search, no answer
    const cacheAt = lines.findIndex((l, i) => i > find && l.startsWith(' search cache='));
    if (cacheAt < 0) continue;
    const next = lines[cacheAt + 1] ?? '';
    const m = /^ {2}trying file=(.*)$/.exec(next);
    out.set(name, m ? m[1]! : null);
  }
  return out;
}

export interface LdconfigEntry {
  key: string;
  /** "libc6,x86-64" etc., as printed between the parentheses, before ", hwcap:" */
  kind: string;
  /** ', hwcap: 0x…' as bigint, or the glibc-hwcaps name for ', hwcap: "name"', or null. */
  hwcap: bigint | string | null;
  value: string;
}

/** `ldconfig -p [-C file]` lines: "\tKEY (KIND[, hwcap: X][, OS ABI: …]) => PATH". */
export function ldconfigPrint(cacheFile?: string): { count: number; entries: LdconfigEntry[]; generator: string | null } {
  const r = run('ldconfig', cacheFile ? ['-p', '-C', cacheFile] : ['-p'], { env: cleanEnv() });
  if (r.status !== 0) throw new Error(`ldconfig -p failed: ${r.stderr}`);
  const lines = r.stdout.split('\n');
  const count = Number(/^(\d+) libs found/.exec(lines[0] ?? '')?.[1] ?? NaN);
  const entries: LdconfigEntry[] = [];
  for (const l of lines.slice(1)) {
    const m = /^\t(.*) \((.*)\) => (.*)$/.exec(l);
    if (!m) continue;
    const parts = m[2]!.split(', ');
    const kind = parts.filter((p) => !p.startsWith('hwcap: ') && !p.startsWith('OS ABI: ')).join(', ');
    const hw = parts.find((p) => p.startsWith('hwcap: '))?.slice(7) ?? null;
    entries.push({
      key: m[1]!,
      kind,
      hwcap: hw === null ? null : hw.startsWith('"') ? hw.slice(1, -1) : BigInt(hw),
      value: m[3]!,
    });
  }
  const gen = lines.find((l) => l.startsWith('Cache generated by: '));
  return { count, entries, generator: gen ? gen.slice('Cache generated by: '.length) : null };
}

/** ldconfig's description of a flags value (elf/cache.c print_entry), for the kinds used here. */
export function flagsKind(flags: number): string {
  const type = flags & 0xff;
  const base = ['libc4', 'ELF', 'libc5', 'libc6'][type] ?? 'unknown or unsupported flag';
  const arch: Record<number, string> = { 0x0: '', 0x300: ',x86-64', 0x400: ',64bit', 0x500: ',64bit', 0xa00: ',AArch64', 0x800: ',x32' };
  return base + (arch[flags & 0xff00] ?? `,${flags & 0xff00}`);
}

export function scratchDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `stormglass-${prefix}-`));
}

const HERE = dirname(fileURLToPath(import.meta.url));

/** Build the static chroot helper (chroot-exec.c) into `dir`; null without gcc/static libc. */
export function buildChrootExec(dir: string): string | null {
  const out = join(dir, 'chroot-exec');
  const r = run('gcc', ['-static', '-O', '-o', out, join(HERE, 'chroot-exec.c')]);
  return r.status === 0 ? out : null;
}

/** A shared object with DT_SONAME `soname` at `path` (extra linker flags optional). */
export function buildLib(path: string, soname: string, ldflags: string[] = []): void {
  mkdirSync(dirname(path), { recursive: true });
  const src = join(dirname(path), `.${soname}.c`);
  writeFileSync(src, 'int stormglass_f(void) { return 1; }\n');
  const r = run('gcc', ['-shared', '-fPIC', '-o', path, `-Wl,-soname,${soname}`, ...ldflags.map((f) => `-Wl,${f}`), src]);
  if (r.status !== 0) throw new Error(`gcc failed for ${path}: ${r.stderr}`);
}

/**
 * A chroot that can run /bin/true with the host loader and libc (copied, not linked), so that
 * the real loader reads `<root>/etc/ld.so.cache`.
 */
export function populateChroot(root: string): void {
  const copy = (from: string, to: string) => {
    mkdirSync(dirname(join(root, to)), { recursive: true });
    copyFileSync(realpathSync(from), join(root, to));
  };
  copy(HOST_LD, '/lib64/ld-linux-x86-64.so.2');
  copy('/lib/x86_64-linux-gnu/libc.so.6', '/lib/x86_64-linux-gnu/libc.so.6');
  copy('/bin/true', '/bin/true');
  run('chmod', ['755', join(root, 'lib64/ld-linux-x86-64.so.2'), join(root, 'bin/true')]);
}

/** Run the real ldconfig on a scratch root: `ldconfig -r root -C /etc/<file> -f /etc/ld.so.conf -c fmt -X -i`. */
export function ldconfigBuild(root: string, file: string, format: 'new' | 'old' | 'compat'): { status: number | null; stderr: string } {
  const r = run('ldconfig', ['-r', root, '-C', `/etc/${file}`, '-f', '/etc/ld.so.conf', '-c', format, '-X', '-i'], { env: cleanEnv() });
  return { status: r.status, stderr: r.stderr };
}

// --- Foreign loaders (fetch-loaders.sh) ------------------------------------------------------

export const LOADERS_DIR = process.env.STORMGLASS_LOADERS ?? '/var/tmp/stormglass-loaders';

export interface ForeignLoader {
  name: string;
  ld: string;
  /** qemu-user binary to run it with, or null when it runs natively. */
  qemu: string | null;
}

/** The foreign loaders that fetch-loaders.sh unpacked, when present. */
export function foreignLoaders(): ForeignLoader[] {
  const x = join(LOADERS_DIR, 'x');
  const q = (arch: string) => join(x, 'qemu-user-static/usr/bin', `qemu-${arch}-static`);
  const all: ForeignLoader[] = [
    { name: 'Debian 12 aarch64', ld: join(x, 'libc6-arm64-cross/usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1'), qemu: q('aarch64') },
    { name: 'Debian 12 ppc64el', ld: join(x, 'libc6-ppc64el-cross/usr/powerpc64le-linux-gnu/lib/ld64.so.2'), qemu: q('ppc64le') },
    { name: 'Debian 12 s390x', ld: join(x, 'libc6-s390x-cross/usr/s390x-linux-gnu/lib/ld64.so.1'), qemu: q('s390x') },
  ];
  return all.filter((l) => existsSync(l.ld) && l.qemu !== null && existsSync(l.qemu));
}

/** The i386 loader of libc6-i386 (runs natively on an x86-64 kernel with ia32 support). */
export function i386Loader(): string | null {
  for (const p of ['/usr/lib32/ld-linux.so.2', join(LOADERS_DIR, 'x/libc6-i386/lib32/ld-linux.so.2')]) {
    if (existsSync(p) && run(p, ['--list-diagnostics']).status === 0) return p;
  }
  return null;
}
