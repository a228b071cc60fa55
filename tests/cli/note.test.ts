// `stormglass note` on gcc-built programs: the noted file runs and prints what it printed before,
// readelf sees the note, the same input gives the same bytes, a different note is refused unless
// replaced, a closure archive (tar, NAR or export stream) is noted member by member with everything else
// unchanged, and --in-place replaces files where they lie.
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, linkSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { run } from './run.ts';
import { haveTool } from '../loader/tools.ts';
import { narDir, narFromDir, writeExport, writeNar, type NarNode } from '../vfs/nar-writer.ts';
import { loadArchive } from '../../src/core/vfs/load-archive.ts';
import { readWhole } from '../../src/core/engine/engine.ts';

// Every closure, the archives written next to one, and their extractions live under here.
const scratch = mkdtempSync(join(tmpdir(), 'stormglass-note-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Writes `bytes` to `path` and returns the path. */
function writeTo(path: string, bytes: Uint8Array): string {
  writeFileSync(path, bytes);
  return path;
}

/** A program needing libfoo.so.1, found in the third of three RUNPATH directories. */
function closure(): { root: string; prog: string } {
  const root = mkdtempSync(join(scratch, 'closure-'));
  for (const d of ['d1', 'd2', 'd3', 'bin']) mkdirSync(join(root, d));
  writeFileSync(join(root, 'foo.c'), 'int foo(void) { return 42; }\n');
  writeFileSync(join(root, 'main.c'), '#include <stdio.h>\nint foo(void);\nint main(void) { printf("foo=%d\\n", foo()); return 0; }\n');
  execFileSync('gcc', ['-shared', '-fPIC', '-Wl,-soname,libfoo.so.1', '-o', join(root, 'd3/libfoo.so.1'), join(root, 'foo.c')]);
  const runpath = ['d1', 'd2', 'd3'].map((d) => join(root, d)).join(':');
  execFileSync('gcc', ['-o', join(root, 'bin/prog'), join(root, 'main.c'), '-Wl,--no-as-needed', join(root, 'd3/libfoo.so.1'), '-Wl,--enable-new-dtags', `-Wl,-rpath,${runpath}`]);
  return { root, prog: join(root, 'bin/prog') };
}

describe.runIf(haveTool('gcc'))('stormglass note', () => {
  it('writes a program that runs as before and carries the note', async () => {
    const { root, prog } = closure();
    const out = join(root, 'bin/prog-noted');
    const noted = await run(['note', '-o', out, prog]);
    expect(noted.code).toBe(0);
    expect(noted.err).toContain('resolution note with 1 entry written');
    expect(spawnSync(out, { encoding: 'utf8' }).stdout).toBe(spawnSync(prog, { encoding: 'utf8' }).stdout);
    const readelf = spawnSync('readelf', ['-lSnW', out], { encoding: 'utf8' });
    expect(readelf.stderr).toBe('');
    expect(readelf.stdout).toContain('NixOS');
    const inspected = JSON.parse((await run(['inspect', '--json', out])).out)[0];
    const note = inspected.notes.find((n: { owner: string; source: string }) => n.owner === 'NixOS' && n.source === 'segment');
    expect(note.decoded).toMatchObject({ valid: true, entries: [{ soname: 'libfoo.so.1', path_list: `=${root}/d3/libfoo.so.1` }] });
    // The note-aware loader finds the direct dependency where the note says, with no failing probe.
    const trace = JSON.parse((await run(['trace', '--json', '--note-aware', out])).out);
    const lookup = trace.lookups.find((l: { name: string; requester: number }) => l.name === 'libfoo.so.1' && l.requester === 0);
    expect(lookup.rule).toEqual({ kind: 'resolution-note', of: 0 });
    const probes = trace.probes.slice(lookup.firstProbe, lookup.firstProbe + lookup.probeCount);
    expect(probes.filter((p: { result: number }) => p.result < 0)).toEqual([]);
  });

  it('gives the same bytes for the same input, and leaves a noted file as it is', async () => {
    const { root, prog } = closure();
    await run(['note', '-o', join(root, 'a'), prog]);
    await run(['note', '-o', join(root, 'b'), prog]);
    expect(readFileSync(join(root, 'a'))).toEqual(readFileSync(join(root, 'b')));
    const again = await run(['note', '-o', join(root, 'c'), join(root, 'a')]);
    expect(again.err).toContain('unchanged');
    expect(readFileSync(join(root, 'c'))).toEqual(readFileSync(join(root, 'a')));
  });

  it('refuses a file whose note differs unless asked to replace it', async () => {
    const { root, prog } = closure();
    await run(['note', '-o', join(root, 'noted'), prog]);
    // The tree changes: the library moves, so the recorded note no longer matches.
    execFileSync('mv', [join(root, 'd3/libfoo.so.1'), join(root, 'd2/libfoo.so.1')]);
    const refused = await run(['note', '-o', join(root, 'again'), join(root, 'noted')]);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('already present');
    const replaced = await run(['note', '--replace', '-o', join(root, 'again'), join(root, 'noted')]);
    expect(replaced.code).toBe(0);
    const inspected = JSON.parse((await run(['inspect', '--json', join(root, 'again')])).out)[0];
    const notes = inspected.notes.filter((n: { owner: string; source: string }) => n.owner === 'NixOS' && n.source === 'segment');
    expect(notes).toHaveLength(1);
    expect(notes[0].decoded.entries[0].path_list).toBe(`=${root}/d2/libfoo.so.1`);
    expect(spawnSync(join(root, 'again'), { encoding: 'utf8' }).stdout).toBe('foo=42\n');
  });

  it('notes every ELF of a closure archive and keeps the other members', async () => {
    const { root } = closure();
    writeFileSync(join(root, 'README'), 'not an ELF\n');
    const input = join(root, '..', `${root.split('/').pop()}.tar.gz`);
    // Member paths relative to '/', so the archive's tree has the run path's absolute directories.
    execFileSync('tar', ['-C', '/', '-czf', input, root.slice(1)]);
    const output = join(root, '..', `${root.split('/').pop()}-noted.tar`);
    const noted = await run(['note', '--archive', input, '-o', output]);
    expect(noted.code).toBe(0);
    expect(noted.out).toContain('1 of 2 ELF files noted');
    const list = (file: string) => execFileSync('tar', ['-tvf', file], { encoding: 'utf8' }).replace(/ +\d+ (\d{4}-)/g, ' $1');
    expect(list(output)).toBe(list(input));
    const extracted = mkdtempSync(join(scratch, 'x-'));
    execFileSync('tar', ['-C', extracted, '-xf', output]);
    expect(spawnSync('readelf', ['-nW', join(extracted, root, 'bin/prog')], { encoding: 'utf8' }).stdout).toContain('NixOS');
    expect(readFileSync(join(extracted, root, 'README'), 'utf8')).toBe('not an ELF\n');
  });

  it('notes a NAR closure into a NAR, gzipped when the output name says so', async () => {
    const { root } = closure();
    // The NAR's root holds the closure at its absolute path, where the run path names it.
    const nar = root.split('/').slice(1).reduceRight((inner: NarNode, name) => narDir({ [name]: inner }), narFromDir(root));
    const input = join(root, '..', `${root.split('/').pop()}.nar`);
    writeFileSync(input, writeNar(nar));
    const output = join(root, '..', `${root.split('/').pop()}-noted.nar.gz`);
    const noted = await run(['note', '--archive', input, '-o', output]);
    expect(noted.code).toBe(0);
    expect(noted.out).toBe(`${output}: NAR, gzip; 1 of 2 ELF files noted\n`);
    const loaded = await loadArchive(new Uint8Array(gunzipSync(readFileSync(output))));
    if (!loaded.ok) throw new Error(loaded.error.code);
    expect(loaded.format).toBe('nar');
    const read = (path: string) => {
      const found = loaded.vfs.stat(path, '/');
      if (!found.ok) throw new Error(`${path}: ${found.errno}`);
      return readWhole(loaded.vfs.source(found.stat.id));
    };
    expect(Buffer.from(read(`${root}/main.c`))).toEqual(readFileSync(join(root, 'main.c')));
    expect(Buffer.from(read(`${root}/d3/libfoo.so.1`))).toEqual(readFileSync(join(root, 'd3/libfoo.so.1')));
    const prog = join(root, 'bin/prog-from-nar');
    writeFileSync(prog, read(`${root}/bin/prog`), { mode: 0o755 });
    expect(spawnSync('readelf', ['-nW', prog], { encoding: 'utf8' }).stdout).toContain('NixOS');
    expect(spawnSync(prog, { encoding: 'utf8' }).stdout).toBe('foo=42\n');
  });

  it('notes a nix-store --export stream into one, with its references and without signatures', async () => {
    const dir = mkdtempSync(join(scratch, 'export-'));
    // Two store paths as an export stream carries them: the program's run path names the library's.
    const lib = `/nix/store/${'a'.repeat(32)}-foo-1.0`;
    const app = `/nix/store/${'b'.repeat(32)}-app-1.0`;
    writeFileSync(join(dir, 'foo.c'), 'int foo(void) { return 42; }\n');
    writeFileSync(join(dir, 'main.c'), 'int foo(void);\nint main(void) { return foo() == 42 ? 0 : 1; }\n');
    execFileSync('gcc', ['-shared', '-fPIC', '-Wl,-soname,libfoo.so.1', '-o', join(dir, 'libfoo.so.1'), join(dir, 'foo.c')]);
    execFileSync('gcc', ['-o', join(dir, 'app'), join(dir, 'main.c'), join(dir, 'libfoo.so.1'), '-Wl,--enable-new-dtags', `-Wl,-rpath,${lib}/lib`]);
    const file = (path: string) => ({ type: 'regular' as const, executable: true, contents: new Uint8Array(readFileSync(path)) });
    const input = join(dir, 'closure.export');
    writeFileSync(input, writeExport([
      { storePath: lib, nar: writeNar(narDir({ lib: narDir({ 'libfoo.so.1': file(join(dir, 'libfoo.so.1')) }) })) },
      { storePath: app, nar: writeNar(narDir({ bin: narDir({ app: file(join(dir, 'app')) }) })), references: [lib], deriver: `/nix/store/${'c'.repeat(32)}-app-1.0.drv`, signature: 'cache.example.org-1:c2ln' },
    ]));
    const output = join(dir, 'noted.closure');
    const noted = await run(['note', '--archive', input, '-o', output]);
    expect(noted.code).toBe(0);
    expect(noted.out).toBe(`${output}: nix-store --export stream; 1 of 2 ELF files noted\n`);
    expect(noted.err).toContain(`${output}: The export stream is written without signatures`);
    const loaded = await loadArchive(new Uint8Array(readFileSync(output)));
    if (!loaded.ok) throw new Error(loaded.error.code);
    expect(loaded.format).toBe('nix-export');
    expect(loaded.storePaths).toMatchObject([
      { storePath: lib, references: [] },
      { storePath: app, references: [lib], deriver: `/nix/store/${'c'.repeat(32)}-app-1.0.drv` },
    ]);
    const found = loaded.vfs.stat(`${app}/bin/app`, '/');
    if (!found.ok) throw new Error(found.errno);
    const inspected = JSON.parse((await run(['inspect', '--json', writeTo(join(dir, 'app-noted'), readWhole(loaded.vfs.source(found.stat.id)))])).out)[0];
    const note = inspected.notes.find((n: { owner: string; source: string }) => n.owner === 'NixOS' && n.source === 'segment');
    expect(note.decoded.entries).toMatchObject([{ soname: 'libfoo.so.1', path_list: `=${lib}/lib/libfoo.so.1` }]);
  });

  it('refuses an output compression or name it cannot honour before doing any work', async () => {
    const { root } = closure();
    const input = join(root, '..', `${root.split('/').pop()}.tar`);
    execFileSync('tar', ['-C', '/', '-cf', input, root.slice(1)]);
    const refused = await run(['note', '--archive', input, '-o', join(root, 'out.tar.xz')]);
    expect(refused.code).toBe(2);
    expect(refused.err).toBe(`stormglass note: ${join(root, 'out.tar.xz')}: stormglass writes gzip only; name the output .gz or leave it uncompressed\n`);
    expect(existsSync(join(root, 'out.tar.xz'))).toBe(false);
    // A tar is written as a tar: an output named as a NAR is refused before any noting.
    const misnamed = await run(['note', '--archive', input, '-o', join(root, 'out.nar')]);
    expect(misnamed.code).toBe(2);
    expect(misnamed.err).toBe(`stormglass note: ${join(root, 'out.nar')}: the archive is a tar and is written as one; name the output accordingly\n`);
    expect(existsSync(join(root, 'out.nar'))).toBe(false);
  });

  it('rewrites in place: the file a symlink names, by a new inode with the same permissions', async () => {
    const { root, prog } = closure();
    chmodSync(prog, 0o750);
    const before = readFileSync(prog);
    const inode = statSync(prog).ino;
    // A hard link stands for a program that has the old file open or mapped: it keeps the old bytes.
    linkSync(prog, join(root, 'old-prog'));
    symlinkSync('bin/prog', join(root, 'link'));
    writeFileSync(join(root, 'script'), '#!/bin/sh\n', { mode: 0o755 });
    // The link and the file it names are one file, rewritten once; a script is passed over.
    const noted = await run(['note', '--in-place', join(root, 'link'), prog, join(root, 'script')]);
    expect(noted.code).toBe(0);
    expect(noted.err).toBe([
      `${join(root, 'link')}: resolution note with 1 entry written`,
      `${prog}: the same file as ${join(root, 'link')}`,
      `${join(root, 'script')}: unchanged: not an ELF file`, ''].join('\n'));
    expect(readFileSync(join(root, 'script'), 'utf8')).toBe('#!/bin/sh\n');
    expect(lstatSync(join(root, 'link')).isSymbolicLink()).toBe(true);
    expect(statSync(prog).ino).not.toBe(inode);
    expect(statSync(prog).mode & 0o777).toBe(0o750);
    expect(readFileSync(join(root, 'old-prog'))).toEqual(before);
    expect(spawnSync('readelf', ['-nW', prog], { encoding: 'utf8' }).stdout).toContain('NixOS');
    expect(spawnSync(prog, { encoding: 'utf8' }).stdout).toBe('foo=42\n');
    // The same bytes as writing elsewhere, and no temporary file left beside it.
    await run(['note', '-o', join(root, 'elsewhere'), join(root, 'old-prog')]);
    expect(readFileSync(prog)).toEqual(readFileSync(join(root, 'elsewhere')));
    expect(readdirSync(join(root, 'bin'))).toEqual(['prog']);
    // A file that needs no change is not rewritten.
    const notedInode = statSync(prog).ino;
    const again = await run(['note', '--in-place', prog]);
    expect(again.err).toBe(`${prog}: unchanged: the note present is the one patchelf would write\n`);
    expect(statSync(prog).ino).toBe(notedInode);
  });

  it('notes every hard link given in place, each through its own path', async () => {
    const { root, prog } = closure();
    linkSync(prog, join(root, 'bin/prog2'));
    symlinkSync('prog', join(root, 'bin/link'));
    chmodSync(prog, 0o4755);
    const noted = await run(['note', '--in-place', prog, join(root, 'bin/prog2'), join(root, 'bin/link')]);
    expect(noted.err).toBe([
      `${prog}: resolution note with 1 entry written`,
      `${join(root, 'bin/prog2')}: resolution note with 1 entry written`,
      `${join(root, 'bin/link')}: the same file as ${prog}`, ''].join('\n'));
    for (const name of ['prog', 'prog2']) {
      expect(spawnSync('readelf', ['-nW', join(root, 'bin', name)], { encoding: 'utf8' }).stdout).toContain('NixOS');
      // In place the whole mode stays, set-user-ID bit included.
      expect(statSync(join(root, 'bin', name)).mode & 0o7777).toBe(0o4755);
    }
  });

  it('keeps each input\'s permissions in the files it writes, and copies files that are no ELF', async () => {
    const { root, prog } = closure();
    // Group-writable modes: the umask (022 here) must not mask them; a copy drops set-user-ID, as cp.
    chmodSync(prog, 0o4775);
    chmodSync(join(root, 'd3/libfoo.so.1'), 0o664);
    writeFileSync(join(root, 'notes.txt'), 'text\n', { mode: 0o600 });
    const outDir = join(root, 'out');
    expect((await run(['note', '--out-dir', outDir, prog, join(root, 'd3/libfoo.so.1'), join(root, 'notes.txt'), prog])).code).toBe(0);
    expect(statSync(join(outDir, 'prog')).mode & 0o7777).toBe(0o775);
    expect(statSync(join(outDir, 'libfoo.so.1')).mode & 0o7777).toBe(0o664);
    // A file that is no ELF is copied as it is, as an archive's other members are.
    expect(readFileSync(join(outDir, 'notes.txt'), 'utf8')).toBe('text\n');
    expect(statSync(join(outDir, 'notes.txt')).mode & 0o777).toBe(0o600);
  });

  it('writes nothing when a FILE is missing, or when two FILEs would share a name in --out-dir', async () => {
    const { root, prog } = closure();
    const outDir = join(root, 'out');
    const missing = await run(['note', '--out-dir', outDir, prog, join(root, 'nope')]);
    expect(missing.code).toBe(2);
    expect(missing.err).toBe(`stormglass note: ${join(root, 'nope')}: ENOENT\n`);
    mkdirSync(join(root, 'other'));
    execFileSync('cp', [prog, join(root, 'other/prog')]);
    const clash = await run(['note', '--out-dir', outDir, prog, join(root, 'other/prog')]);
    expect(clash.code).toBe(2);
    expect(clash.err).toBe(`stormglass note: ${prog} and ${join(root, 'other/prog')} would both be written to ${join(outDir, 'prog')}\n`);
    expect(existsSync(outDir)).toBe(false);
    const directory = await run(['note', '--in-place', join(root, 'd1')]);
    expect(directory.code).toBe(2);
    expect(directory.err).toBe(`stormglass note: ${join(root, 'd1')}: not a regular file\n`);
    // An archive or a root that is not there is an error message, not a crash.
    const noArchive = await run(['note', '--archive', join(root, 'none.tar'), '-o', join(root, 'out.tar')]);
    expect(noArchive.code).toBe(2);
    expect(noArchive.err).toMatch(/^stormglass note: ENOENT: .*none\.tar/);
    const noRoot = await run(['note', '--root', join(root, 'none'), '--in-place', '/bin/prog']);
    expect(noRoot.code).toBe(2);
    expect(noRoot.err).toMatch(/^stormglass note: ENOENT: .*none/);
  });

  it('reads FILE as a path inside --root DIR, relative ones from its top, and builds the note there', async () => {
    const { root, prog } = closure();
    // DIR holds the library where the run path names it, and a copy of the program in bin/.
    const dir = mkdtempSync(join(scratch, 'rootfs-'));
    mkdirSync(join(dir, root, 'd3'), { recursive: true });
    mkdirSync(join(dir, 'bin'));
    execFileSync('cp', [join(root, 'd3/libfoo.so.1'), join(dir, root, 'd3/')]);
    execFileSync('cp', [prog, join(dir, 'bin/prog')]);
    const before = readFileSync(prog);
    const inside = await run(['note', '--root', dir, '--in-place', 'bin/prog']);
    expect(inside.err).toBe('bin/prog: resolution note with 1 entry written\n');
    const inspected = JSON.parse((await run(['inspect', '--json', join(dir, 'bin/prog')])).out)[0];
    const note = inspected.notes.find((n: { owner: string; source: string }) => n.owner === 'NixOS' && n.source === 'segment');
    expect(note.decoded.entries).toMatchObject([{ soname: 'libfoo.so.1', path_list: `=${root}/d3/libfoo.so.1` }]);
    // The host's file of the same name is not DIR's.
    expect(readFileSync(prog)).toEqual(before);
  });

  it('says which file could not be written and goes on with the others', async () => {
    const { root, prog } = closure();
    // A directory under a regular file cannot be made, even by root (as a read-only store can).
    const outDir = join(prog, 'sub');
    const failed = await run(['note', '--out-dir', outDir, prog, join(root, 'd3/libfoo.so.1')]);
    expect(failed.code).toBe(1);
    expect(failed.err).toBe([
      `${prog}: not written: ENOTDIR: ${join(outDir, 'prog')}`,
      `${join(root, 'd3/libfoo.so.1')}: not written: ENOTDIR: ${join(outDir, 'libfoo.so.1')}`, ''].join('\n'));
    // Renaming over a directory fails after the temporary file is written: it is removed again.
    const over = await run(['note', '-o', join(root, 'd1'), prog]);
    expect(over.err).toBe(`${prog}: not written: EISDIR: ${join(root, 'd1')}\n`);
    expect(readdirSync(root).filter((name) => name.includes('stormglass'))).toEqual([]);
  });

  it('rejects bad usage with exit status 2', async () => {
    expect((await run(['note', '/usr/bin/true'])).code).toBe(2);
    expect((await run(['note', '-o', 'x', '--out-dir', 'y', '/usr/bin/true'])).code).toBe(2);
    expect((await run(['note', '--in-place', '-o', 'x', '/usr/bin/true'])).code).toBe(2);
    expect((await run(['note', '--archive', 'a.tar'])).code).toBe(2);
    expect((await run(['note', '--archive', 'a.tar', '-o', 'b.tar', '--in-place'])).code).toBe(2);
  });
});
