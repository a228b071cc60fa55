// Builds small ELF32 (i386) files with GNU as/ld in a temporary directory, so
// the oracle's parsers are exercised on 32-bit column widths and on odd cases
// (unknown types, flag-less segments, names with spaces) that the system
// directories, all ELF64 and all ordinary, never contain. Returns null when
// no assembler/linker is installed.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Elf32Fixtures {
  dir: string;
  /** Shared library: SONAME libfoo32.so.1, version definition FOO_1.0, build-id. */
  lib: string;
  /** PIE: interpreter /lib/ld-linux.so.2, NEEDED libfoo32.so.1, RUNPATH $ORIGIN/lib, -z now. */
  exe: string;
  /** exe with its section header table removed: notes come from PT_NOTE segments. */
  exeNoSections: string;
  /** Like exe but with NEEDED libfoo32.so.1 twice and an unknown dynamic tag 0x123. */
  exeDupNeeded: string;
  /** Linked with --disable-new-dtags: RPATH /opt/x and a DT_BIND_NOW entry (empty value). */
  exeOldTags: string;
  /**
   * Linker-script made: unknown segment/section types, a flag-less segment,
   * physical != virtual addresses, a section name with spaces, an unknown note
   * whose owner contains spaces and "0x", and a SystemTap (multi-line) note.
   */
  odd: string;
  /** The first 200 bytes of exe: readelf reports errors for it. */
  truncated: string;
}

const LIB_S = `
.globl foo
.type foo, @function
.text
foo: ret
`;
const EXE_S = `
.globl _start
.text
_start: nop
.data
.long foo
`;
const ODD_S = `
.globl _start
.text
_start: nop
.section "a very long section name with spaces", "a", @progbits
.byte 1,2,3
.section .weird, "a", @0x6fff1234
.byte 4
.section .note.test, "a", @note
.balign 4
.long 4, 8, 0x1234
.asciz "XYZ"
.long 0xdeadbeef, 0xcafebabe
.long 17, 0, 0x99
.asciz "Odd Owner 0x1234"
.balign 4
.section .note.stapsdt, "", @note
.balign 4
.long 8, 2f-1f, 3
.asciz "stapsdt"
1: .long 0x100d4, 0x200, 0
.asciz "prov"
.asciz "probe"
.asciz "-4@%eax"
2: .balign 4
.section .usr, "", @0x80000123
.byte 5
.section .unk, "a", @0x123
.byte 9
`;
const ODD_LD = `
PHDRS { text PT_LOAD FILEHDR PHDRS; weird 0x60001234; noflags PT_NULL FLAGS(0);
        proc 0x70000042 FLAGS(7); note PT_NOTE; unk 0x123; }
SECTIONS {
  . = 0x10000 + SIZEOF_HEADERS;
  .text : AT(0x20000 + SIZEOF_HEADERS) { *(.text) } :text
  "a very long section name with spaces" : { *("a very long section name with spaces") } :text :weird
  .weird : { *(.weird) } :text
  .note.test : { *(.note.test) } :text :note
  .usr : { *(.usr) } :NONE
  .unk : { *(.unk) } :unk
}
`;

function hasTool(name: string): boolean {
  return ['/usr/bin', '/bin', '/usr/local/bin'].some((d) => existsSync(join(d, name)));
}

function run(cmd: string, args: string[], cwd: string): void {
  execFileSync(cmd, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Rewrite DT_* tags of an ELF32 little-endian file's dynamic table in place. */
function patchDynamicTags(file: string, rewrite: Map<number, number>): void {
  const b = readFileSync(file);
  const phoff = b.readUInt32LE(0x1c);
  const phentsize = b.readUInt16LE(0x2a);
  const phnum = b.readUInt16LE(0x2c);
  for (let i = 0; i < phnum; i++) {
    const ph = phoff + i * phentsize;
    if (b.readUInt32LE(ph) !== 2 /* PT_DYNAMIC */) continue;
    const off = b.readUInt32LE(ph + 4);
    const size = b.readUInt32LE(ph + 16);
    for (let e = off; e < off + size; e += 8) {
      const tag = b.readUInt32LE(e);
      if (tag === 0) break;
      const to = rewrite.get(tag);
      if (to !== undefined) b.writeUInt32LE(to, e);
    }
  }
  writeFileSync(file, b);
}

let cached: Elf32Fixtures | null | undefined;

export function buildElf32Fixtures(): Elf32Fixtures | null {
  if (cached !== undefined) return cached;
  if (!hasTool('as') || !hasTool('ld')) return (cached = null);
  const dir = mkdtempSync(join(tmpdir(), 'stormglass-oracle-'));
  writeFileSync(join(dir, 'lib.s'), LIB_S);
  writeFileSync(join(dir, 'exe.s'), EXE_S);
  writeFileSync(join(dir, 'odd.s'), ODD_S);
  writeFileSync(join(dir, 'odd.ld'), ODD_LD);
  writeFileSync(join(dir, 'lib.map'), 'FOO_1.0 { global: foo; local: *; };\n');
  try {
    for (const s of ['lib', 'exe', 'odd']) run('as', ['--32', `${s}.s`, '-o', `${s}.o`], dir);
    run('ld', ['-m', 'elf_i386', '-shared', '--build-id', '-soname', 'libfoo32.so.1',
      '--version-script', 'lib.map', 'lib.o', '-o', 'libfoo32.so'], dir);
    const exeArgs = ['-m', 'elf_i386', '-pie', '--build-id', '--dynamic-linker', '/lib/ld-linux.so.2',
      '-z', 'now', '--hash-style=gnu', 'exe.o', '-L.', '-lfoo32'];
    run('ld', [...exeArgs, '-rpath', '$ORIGIN/lib', '-o', 'exe32'], dir);
    // Same string as the NEEDED entry, so turning the RUNPATH tag into NEEDED
    // yields a second, identical NEEDED entry.
    run('ld', [...exeArgs, '-rpath', 'libfoo32.so.1', '-o', 'exe32-dup'], dir);
    run('ld', [...exeArgs, '--disable-new-dtags', '-rpath', '/opt/x', '-o', 'exe32-old'], dir);
    run('ld', ['-m', 'elf_i386', '-T', 'odd.ld', 'odd.o', '-o', 'odd32'], dir);
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return (cached = null); // e.g. an ld without the elf_i386 emulation
  }
  patchDynamicTags(join(dir, 'exe32-dup'), new Map([[0x1d, 1], [0x15, 0x123]]));

  copyFileSync(join(dir, 'exe32'), join(dir, 'exe32-noshdr'));
  const b = readFileSync(join(dir, 'exe32-noshdr'));
  b.writeUInt32LE(0, 0x20); // e_shoff
  b.writeUInt16LE(0, 0x30); // e_shnum
  b.writeUInt16LE(0, 0x32); // e_shstrndx
  writeFileSync(join(dir, 'exe32-noshdr'), b);

  writeFileSync(join(dir, 'truncated32'), readFileSync(join(dir, 'exe32')).subarray(0, 200));

  return (cached = {
    dir,
    lib: join(dir, 'libfoo32.so'),
    exe: join(dir, 'exe32'),
    exeNoSections: join(dir, 'exe32-noshdr'),
    exeDupNeeded: join(dir, 'exe32-dup'),
    exeOldTags: join(dir, 'exe32-old'),
    odd: join(dir, 'odd32'),
    truncated: join(dir, 'truncated32'),
  });
}
