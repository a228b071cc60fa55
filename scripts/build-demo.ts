// Builds the demo closure the app ships with: a pretend Nix package closure compiled with gcc
// from demo/src/, archived as <OUT_DIR>/closure.tar (members nix/store/..., i.e. paths relative
// to /) with <OUT_DIR>/demo.json describing it. The quick-start page opens it, so a storm is on
// screen without the user bringing a closure of their own, online or offline.
//
//   npx tsx scripts/build-demo.ts [OUT_DIR]      (default: public/demo; `npm run demo`)
//
// The shape is Nix's: every package in its own /nix/store/<hash>-<name>-<version>/, every ELF
// with a DT_RUNPATH of one store lib/ dir per dependency and the store glibc's lib/ last, and a
// PT_INTERP inside that glibc. libc.so.6 and ld-linux-x86-64.so.2 are small stubs (see
// demo/src/glibc/), so nothing of the host's libc is in the archive and it stays a few dozen KB.
// The binaries are never run by the app, only read, but they are ordinary gcc output.
//
// Reproducible on one toolchain: fixed flags, no debug info, relative source names, a sha1
// build-id (a hash of the content), fixed modes, and tar with sorted names, owner 0 and mtime 0.
// Two runs on this machine give byte-identical files; another gcc or binutils gives other bytes
// but the same closure (tests/demo/demo.test.ts compares the traces, not the bytes).
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DEMO_SRC = path.join(REPO, 'demo', 'src');
export const DEFAULT_OUT_DIR = path.join(REPO, 'public', 'demo');

/** The characters of Nix's base32 (no e, o, u, t: they spell no words by accident). */
const NIX_BASE32 = '0123456789abcdfghijklmnpqrsvwxyz';

/**
 * A 32-character store hash for `name`, made the way Nix prints store path hashes (a sha256 folded
 * to 160 bits by XOR, then Nix's base32, last byte first) but of a made-up fingerprint rather
 * than a derivation: deterministic, and it looks like the real thing.
 */
export function storeHash(name: string): string {
  const digest = createHash('sha256').update(`stormglass-demo:${name}`).digest();
  const folded = new Uint8Array(20);
  digest.forEach((byte, i) => (folded[i % 20]! ^= byte));
  let out = '';
  for (let n = 31; n >= 0; n--) {
    const bit = n * 5;
    const i = Math.floor(bit / 8);
    const j = bit % 8;
    const c = (folded[i]! >> j) | (i + 1 < 20 ? folded[i + 1]! << (8 - j) : 0);
    out += NIX_BASE32[c & 0x1f];
  }
  return out;
}

interface Package {
  name: string;
  version: string;
}

/** What the link line and the package's build inputs give one ELF. */
interface Linked {
  /** DT_NEEDED, in the order of the upstream link line (libc.so.6 is added last to every ELF). */
  needs: string[];
  /**
   * The package's buildInputs, in the order its Nix expression lists them (alphabetical, as
   * nixpkgs mostly writes them): the order of the -L flags, hence of DT_RUNPATH (see runpath()).
   */
  inputs: string[];
}

interface Library extends Linked {
  /** The package (PACKAGES) whose store path's lib/ holds it. */
  pkg: string;
  soname: string;
  /** The real file; the soname is a symlink to it when they differ, as in most Nix lib/ dirs. */
  file: string;
  source: string;
  /** A second build with -march=<hwcaps>, installed in lib/glibc-hwcaps/<hwcaps>/. */
  hwcaps?: 'x86-64-v3';
  /** Extra compiler flags for this library (both builds). */
  cflags?: string[];
}

interface Program extends Linked {
  pkg: string;
  name: string;
  sources: string[];
}

const PACKAGES: Package[] = [
  { name: 'glibc', version: '2.40-66' },
  { name: 'zlib', version: '1.3.1' },
  { name: 'xz', version: '5.6.3' },
  { name: 'zstd', version: '1.5.6' },
  { name: 'bzip2', version: '1.0.8' },
  { name: 'openssl', version: '3.3.2' },
  { name: 'nghttp2', version: '1.64.0' },
  { name: 'sqlite', version: '3.46.1' },
  { name: 'libxml2', version: '2.13.4' },
  { name: 'curl', version: '8.11.0' },
  { name: 'libarchive', version: '3.7.7' },
  { name: 'storm-demo', version: '1.0' },
];

/** Libraries in build order: each needs only libraries above it. */
const LIBRARIES: Library[] = [
  { pkg: 'zlib', soname: 'libz.so.1', file: 'libz.so.1.3.1', source: 'zlib/zlib.c', needs: [], inputs: [] },
  { pkg: 'xz', soname: 'liblzma.so.5', file: 'liblzma.so.5.6.3', source: 'xz/lzma.c', needs: [], inputs: [] },
  { pkg: 'zstd', soname: 'libzstd.so.1', file: 'libzstd.so.1.5.6', source: 'zstd/zstd.c', needs: [], inputs: [] },
  { pkg: 'bzip2', soname: 'libbz2.so.1', file: 'libbz2.so.1.0.8', source: 'bzip2/bzip2.c', needs: [], inputs: [] },
  { pkg: 'openssl', soname: 'libcrypto.so.3', file: 'libcrypto.so.3', source: 'openssl/crypto.c', needs: [], inputs: [] },
  {
    pkg: 'openssl', soname: 'libssl.so.3', file: 'libssl.so.3', source: 'openssl/ssl.c',
    needs: ['libcrypto.so.3'], inputs: [],
  },
  {
    pkg: 'nghttp2', soname: 'libnghttp2.so.14', file: 'libnghttp2.so.14.28.3', source: 'nghttp2/nghttp2.c',
    needs: [], inputs: [],
  },
  {
    pkg: 'sqlite', soname: 'libsqlite3.so.0', file: 'libsqlite3.so.0.8.6', source: 'sqlite/sqlite3.c',
    needs: ['libz.so.1'], inputs: ['zlib'],
    // -O3 vectorizes its loop, so the x86-64-v3 build (AVX2) really differs from the baseline one.
    hwcaps: 'x86-64-v3', cflags: ['-O3'],
  },
  {
    pkg: 'libxml2', soname: 'libxml2.so.2', file: 'libxml2.so.2.13.4', source: 'libxml2/xml2.c',
    needs: ['libz.so.1', 'liblzma.so.5'], inputs: ['xz', 'zlib'],
  },
  {
    pkg: 'curl', soname: 'libcurl.so.4', file: 'libcurl.so.4.8.0', source: 'curl/curl.c',
    needs: ['libnghttp2.so.14', 'libssl.so.3', 'libcrypto.so.3', 'libzstd.so.1', 'libz.so.1'],
    inputs: ['nghttp2', 'openssl', 'zlib', 'zstd'],
  },
  {
    pkg: 'libarchive', soname: 'libarchive.so.13', file: 'libarchive.so.13.7.7', source: 'libarchive/archive.c',
    needs: ['libcrypto.so.3', 'liblzma.so.5', 'libzstd.so.1', 'libbz2.so.1', 'libz.so.1', 'libxml2.so.2'],
    inputs: ['bzip2', 'libxml2', 'openssl', 'xz', 'zlib', 'zstd'],
  },
  {
    pkg: 'storm-demo', soname: 'libstormcore.so.1', file: 'libstormcore.so.1.0.0', source: 'storm-demo/stormcore.c',
    needs: ['libarchive.so.13', 'libcurl.so.4', 'libsqlite3.so.0'], inputs: ['curl', 'libarchive', 'sqlite'],
  },
];

/**
 * The program uses six libraries besides its own directly, so it needs them itself and its
 * RUNPATH lists their seven dirs: its lookups alone walk past up to six wrong dirs each.
 */
const PROGRAM: Program = {
  pkg: 'storm-demo', name: 'storm-demo', sources: ['glibc/crt1.c', 'storm-demo/storm-demo.c'],
  needs: ['libstormcore.so.1', 'libarchive.so.13', 'libcurl.so.4', 'libsqlite3.so.0', 'libxml2.so.2', 'libcrypto.so.3', 'libz.so.1'],
  inputs: ['curl', 'libarchive', 'libxml2', 'openssl', 'sqlite', 'zlib'],
};

export const PROFILE = 'nixos';
export const CPU = 'x86-64-v3';

export function storePath(pkg: string): string {
  const p = PACKAGES.find((x) => x.name === pkg);
  if (!p) throw new Error(`unknown package ${pkg}`);
  return `/nix/store/${storeHash(`${p.name}-${p.version}`)}-${p.name}-${p.version}`;
}

const GLIBC_LIB = `${storePath('glibc')}/lib`;
export const INTERPRETER = `${GLIBC_LIB}/ld-linux-x86-64.so.2`;
export const PROGRAM_PATH = `${storePath(PROGRAM.pkg)}/bin/${PROGRAM.name}`;

function library(soname: string): Library {
  const lib = LIBRARIES.find((l) => l.soname === soname);
  if (!lib) throw new Error(`no library has soname ${soname}`);
  return lib;
}

/**
 * DT_RUNPATH as Nix leaves it: the store path's own lib/ first (stdenv's setup.sh puts
 * `-rpath $out/lib` in NIX_LDFLAGS unless NIX_NO_SELF_RPATH), then the lib/ dir of each build
 * input in its order (the cc-wrapper's ld-wrapper turns every -L dir into an -rpath entry), then
 * the store glibc's lib/ (the wrapper's libc flags). fixupPhase's `patchelf --shrink-rpath` then
 * keeps only the dirs that provide a DT_NEEDED entry, so one dir per dependency is left. The
 * loader walks this list from the front for every DT_NEEDED entry, in DT_NEEDED order, which has
 * nothing to do with the inputs' order: most lookups knock on several wrong dirs first, and each
 * dir's first visit also tries its glibc-hwcaps subdirectories. That is the storm.
 */
function runpath(pkg: string, elf: Linked): string[] {
  const providers = new Set(elf.needs.map((soname) => library(soname).pkg));
  for (const p of providers) {
    if (p !== pkg && !elf.inputs.includes(p)) throw new Error(`${pkg}: ${p} provides a DT_NEEDED entry but is no input`);
  }
  const kept = [pkg, ...elf.inputs].filter((p) => providers.has(p));
  return [...new Set(kept)].map((p) => `${storePath(p)}/lib`).concat(GLIBC_LIB);
}

export interface DemoManifest {
  archive: string;
  program: string;
  profile: string;
  cpu: string;
  title: string;
  description: string;
}

function manifest(): DemoManifest {
  const dirs = new Set(LIBRARIES.map((l) => l.pkg));
  return {
    archive: 'closure.tar',
    program: PROGRAM_PATH,
    profile: PROFILE,
    cpu: CPU,
    title: 'storm-demo: a small Nix-style closure',
    description:
      `A pretend Nix package closure: ${PROGRAM.name} and ${LIBRARIES.length} libraries in ${dirs.size} store paths ` +
      '(zlib, xz, zstd, bzip2, openssl, nghttp2, sqlite, libxml2, curl, libarchive and the app\'s own), plus a stub ' +
      'glibc 2.40. Every ELF lists one /nix/store/...-dep/lib per dependency in its DT_RUNPATH, glibc last, as ' +
      'Nix leaves it, so the loader looks for each library in other packages\' directories first: the "stat ' +
      'storm" of nixpkgs. ' +
      'libsqlite3 also ships a glibc-hwcaps/x86-64-v3 build. The libraries are a few lines of C each, ' +
      'built by scripts/build-demo.ts from demo/src/.',
  };
}

const CFLAGS = [
  '-O1', '-g0', '-s', '-fno-ident', '-Wall', '-Werror',
  // No host libc, builtins or stack-protector calls: every symbol comes from the demo's stubs.
  '-ffreestanding', '-fno-stack-protector', '-fno-asynchronous-unwind-tables',
];
// -nostdlib: link only what is named on the command line (the stub libc, not the host's).
// --no-as-needed: Debian's gcc passes --as-needed (see `gcc -dumpspecs`), which would drop
// DT_NEEDED entries; Nix's ld-wrapper does not, and the closure must not depend on the host gcc.
// -z relro -z now: nixpkgs' default hardening flags (relro, bindnow).
// -z noseparate-code: one read-only segment less, smaller files.
const LDFLAGS = [
  '-nostdlib', '-Wl,--build-id=sha1', '-Wl,--no-as-needed', '-Wl,-z,relro,-z,now', '-Wl,-z,noseparate-code',
];

function gcc(args: string[]): void {
  const r = spawnSync('gcc', args, {
    cwd: DEMO_SRC,
    encoding: 'utf8',
    env: { ...process.env, SOURCE_DATE_EPOCH: '0', LC_ALL: 'C' },
  });
  if (r.error) throw r.error;
  if (r.status !== 0 || r.stderr.trim() !== '') throw new Error(`gcc ${args.join(' ')} exited ${r.status}\n${r.stderr}`);
}

/** Files, dirs and modes as the Nix store has them: read-only, executable ELF files. */
function fixModes(dir: string): void {
  fs.chmodSync(dir, 0o755);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) fixModes(p);
    else if (entry.isFile()) fs.chmodSync(p, 0o555);
  }
}

/** Builds the closure and writes closure.tar and demo.json into `outDir`. */
export function buildDemo(outDir: string = DEFAULT_OUT_DIR): DemoManifest {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'stormglass-demo-'));
  try {
    const root = path.join(tmp, 'root');
    const host = (p: string) => path.join(root, p);
    const common = [...CFLAGS, `-ffile-prefix-map=${DEMO_SRC}=demo/src`, ...LDFLAGS];
    const libDirs = [...new Set([GLIBC_LIB, ...LIBRARIES.map((l) => `${storePath(l.pkg)}/lib`)])];
    for (const d of libDirs) fs.mkdirSync(host(d), { recursive: true });
    // The linker follows DT_NEEDED of the libraries it links against; it must find them here, not
    // in the host's /usr/lib (the RUNPATHs name /nix/store paths that do not exist on this host).
    const rpathLink = `-Wl,-rpath-link,${libDirs.map(host).join(':')}`;
    const libc = host(`${GLIBC_LIB}/libc.so.6`);

    gcc([...common, '-shared', '-fPIC', 'glibc/ld-so.c', '-Wl,-soname,ld-linux-x86-64.so.2', '-Wl,-e,_dl_start', '-o', host(INTERPRETER)]);
    // Like the real one, libc.so.6 needs the loader (for symbols ld.so defines) and has no RUNPATH.
    gcc([...common, '-shared', '-fPIC', 'glibc/libc.c', host(INTERPRETER), '-Wl,-soname,libc.so.6', '-Wl,--no-undefined', '-o', libc]);

    const built = new Map<string, string>(); // soname -> host path of the real file
    const dep = (soname: string): string => {
      const file = built.get(soname);
      if (!file) throw new Error(`${soname} is needed before it is built: reorder LIBRARIES`);
      return file;
    };
    for (const lib of LIBRARIES) {
      const dir = `${storePath(lib.pkg)}/lib`;
      const link = (march: string[], out: string) =>
        gcc([
          ...common, ...(lib.cflags ?? []), ...march, '-shared', '-fPIC', lib.source,
          ...lib.needs.map(dep), libc,
          `-Wl,-soname,${lib.soname}`, '-Wl,--no-undefined',
          `-Wl,--enable-new-dtags,-rpath,${runpath(lib.pkg, lib).join(':')}`, rpathLink,
          '-o', out,
        ]);
      const variants: [string, string[]][] = [[dir, []]];
      if (lib.hwcaps) variants.push([`${dir}/glibc-hwcaps/${lib.hwcaps}`, [`-march=${lib.hwcaps}`]]);
      for (const [d, march] of variants) {
        fs.mkdirSync(host(d), { recursive: true });
        link(march, host(`${d}/${lib.file}`));
        if (lib.file !== lib.soname) fs.symlinkSync(lib.file, host(`${d}/${lib.soname}`));
      }
      built.set(lib.soname, host(`${dir}/${lib.file}`));
    }

    fs.mkdirSync(path.dirname(host(PROGRAM_PATH)), { recursive: true });
    gcc([
      ...common, '-fPIE', '-pie', ...PROGRAM.sources,
      ...PROGRAM.needs.map(dep), libc,
      `-Wl,--dynamic-linker=${INTERPRETER}`,
      `-Wl,--enable-new-dtags,-rpath,${runpath(PROGRAM.pkg, PROGRAM).join(':')}`, rpathLink,
      '-o', host(PROGRAM_PATH),
    ]);

    fixModes(path.join(root, 'nix'));
    fs.mkdirSync(outDir, { recursive: true });
    const tarFile = path.join(outDir, 'closure.tar');
    fs.rmSync(tarFile, { force: true });
    execFileSync(
      'tar',
      ['--sort=name', '--owner=0', '--group=0', '--numeric-owner', '--mtime=@0', '--format=gnu',
        '-C', root, '-cf', tarFile, 'nix'],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    const json = manifest();
    fs.writeFileSync(path.join(outDir, 'demo.json'), JSON.stringify(json, null, 2) + '\n');
    return json;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function main(argv: string[]): void {
  const outDir = argv[0] ? path.resolve(argv[0]) : DEFAULT_OUT_DIR;
  const json = buildDemo(outDir);
  const size = fs.statSync(path.join(outDir, json.archive)).size;
  console.log(`${path.join(outDir, json.archive)}: ${size} bytes, program ${json.program}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  try {
    main(process.argv.slice(2));
  } catch (e) {
    console.error(e);
    process.exit(1);
  }
}
