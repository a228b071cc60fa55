// Memory trees (the builder API) and mounts: a fixture tree mounted into the real filesystem, an
// archive at '/', nested mounts, distinct ids per mount, and mode overrides.
import { mkdirSync, mkdtempSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryTree, MemorySource, TreeError, compareNames } from '../../src/core/vfs/memory-tree.ts';
import { mountVfs } from '../../src/core/vfs/mount.ts';
import { realFsVfs } from '../../src/node/real-fs.ts';

const bytes = (s: string) => new TextEncoder().encode(s);
const CASE = '/tmp/stormglass-loader/01-case';

function fixtureTree(): MemoryTree {
  const t = new MemoryTree();
  const buffer = bytes('0123456789ELF-PROGRAM-BYTES');
  t.addFile('app/bin/prog', buffer.subarray(10), 0o755);
  t.addHardLink('app/bin/prog-hardlink', 'app/bin/prog');
  t.addFile('/app/lib/libfoo.so.1', bytes('libfoo'));
  t.addSymlink('app/lib/libfoo.so', 'libfoo.so.1');
  t.addSymlink('app/lib/abs', CASE + '/app/lib/libfoo.so.1');
  t.addSymlink('app/passwd', '/etc/passwd');
  t.addDir('app/empty', 0o700);
  return t;
}

let scratch = '';
beforeAll(() => {
  scratch = realpathSync.native(mkdtempSync(join(tmpdir(), 'sg-mount-')));
  mkdirSync(join(scratch, 'shadowed/sub'), { recursive: true });
  writeFileSync(join(scratch, 'shadowed/hidden'), 'base file');
  writeFileSync(join(scratch, 'visible'), 'base file');
  mkdirSync(join(scratch, 'fixture/lib'), { recursive: true });
  writeFileSync(join(scratch, 'fixture/lib/libreal.so'), 'real fixture');
  symlinkSync('/tmp/stormglass-loader/02-case/lib/libreal.so', join(scratch, 'fixture/abs'));
});
afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('MemoryTree builder', () => {
  it('keeps file bytes as the given view, shares one node for hard links', () => {
    const t = fixtureTree();
    const vfs = t.vfs();
    const prog = vfs.stat('/app/bin/prog', '/');
    const hard = vfs.stat('/app/bin/prog-hardlink', '/');
    if (!prog.ok || !hard.ok) throw new Error('missing');
    expect(hard.stat.id).toEqual(prog.stat.id);
    expect(prog.stat).toMatchObject({ kind: 'file', size: 17, mode: 0o755 });
    const source = vfs.source(prog.stat.id);
    expect(source).toBeInstanceOf(MemorySource);
    const out = new Uint8Array(3);
    source.readInto(0, out);
    expect(new TextDecoder().decode(out)).toBe('ELF');
    expect((source as MemorySource).bytes.byteOffset).toBe(10); // a view, not a copy
    expect(vfs.stat('/app/empty/', '/')).toMatchObject({ ok: true, stat: { kind: 'dir', mode: 0o700 } });
    expect(vfs.stat('/app/lib/libfoo.so', '/')).toMatchObject({ ok: true, realPath: '/app/lib/libfoo.so.1' });
  });

  it('refuses what a tree cannot hold, with a reason', () => {
    const t = fixtureTree();
    const reason = (f: () => unknown) => {
      try {
        f();
        return 'no error';
      } catch (e) {
        return e instanceof TreeError ? e.reason : String(e);
      }
    };
    expect(reason(() => t.addFile('app/bin/prog/x', bytes('x')))).toBe('path_conflict');
    expect(reason(() => t.addFile('app/bin', bytes('x')))).toBe('path_conflict');
    expect(reason(() => t.addFile('../x', bytes('x')))).toBe('path_escape');
    expect(reason(() => t.addHardLink('h', 'app/missing'))).toBe('link_target_missing');
    expect(reason(() => t.addHardLink('h', 'app/bin'))).toBe('link_target_missing');
    expect(reason(() => t.addFile('/', bytes('x')))).toBe('bad_path');
  });

  it('takes any ByteSource as file contents, and sees changes made after the Vfs was made', () => {
    const t = new MemoryTree();
    const vfs = t.vfs();
    expect(vfs.stat('/late', '/')).toEqual({ ok: false, errno: 'ENOENT' });
    t.addFile('late', { size: 1 << 30, readInto: (_o, target) => target.fill(1) });
    expect(vfs.stat('/late', '/')).toMatchObject({ ok: true, stat: { size: 1 << 30 } });
  });

  it('lists names in byte order', () => {
    expect(['b', 'a', 'B', '\u{1F600}', '\uFFFD', 'é'].sort(compareNames)).toEqual(['B', 'a', 'b', 'é', '\uFFFD', '\u{1F600}']);
  });
});

describe('mounts', () => {
  it('mounts a fixture tree into the real filesystem at a path the host lacks', () => {
    const vfs = mountVfs(realFsVfs('/'), [{ at: CASE, tree: fixtureTree().vfs() }]);
    expect(vfs.stat(CASE + '/app/bin/prog', '/')).toMatchObject({ ok: true, realPath: CASE + '/app/bin/prog' });
    // Made-up directories on the way, merged with the base: /tmp is still the host's /tmp.
    const tmp = vfs.stat('/tmp', '/');
    expect(tmp.ok && tmp.stat.id.ino).toBe(Number(statSync('/tmp', { bigint: true }).ino));
    expect(vfs.stat('/tmp/stormglass-loader', '/')).toMatchObject({ ok: true, stat: { kind: 'dir' } });
    expect(vfs.stat(scratch + '/visible', '/')).toMatchObject({ ok: true });
    // '..' of the mount's root is the mount point's parent; then on into the host.
    expect(vfs.stat(CASE + '/..', '/')).toMatchObject({ ok: true, realPath: '/tmp/stormglass-loader' });
    const passwd = vfs.stat(CASE + '/../../../etc/passwd', '/');
    expect(passwd.ok && passwd.stat.id.ino).toBe(Number(statSync('/etc/passwd', { bigint: true }).ino));
    // Absolute symlinks in the mounted tree start from the root of the whole Vfs.
    expect(vfs.stat(CASE + '/app/lib/abs', '/')).toMatchObject({ ok: true, realPath: CASE + '/app/lib/libfoo.so.1' });
    expect(vfs.stat(CASE + '/app/passwd', '/')).toMatchObject({ ok: true, realPath: '/etc/passwd' });
    // Relative paths from a cwd inside the mount.
    expect(vfs.stat('../lib/libfoo.so', CASE + '/app/bin')).toMatchObject({ ok: true, realPath: CASE + '/app/lib/libfoo.so.1' });
    // Bytes from either side.
    const prog = vfs.stat(CASE + '/app/bin/prog', '/');
    const host = vfs.stat(scratch + '/visible', '/');
    if (!prog.ok || !host.ok) throw new Error('missing');
    const a = new Uint8Array(3);
    vfs.source(prog.stat.id).readInto(0, a);
    expect(new TextDecoder().decode(a)).toBe('ELF');
    const b = new Uint8Array(4);
    vfs.source(host.stat.id).readInto(0, b);
    expect(new TextDecoder().decode(b)).toBe('base');
  });

  it('hides what the base has at and below a mount point', () => {
    const vfs = mountVfs(realFsVfs('/'), [{ at: scratch + '/shadowed', tree: fixtureTree().vfs() }]);
    expect(vfs.stat(scratch + '/shadowed/hidden', '/')).toEqual({ ok: false, errno: 'ENOENT' });
    expect(vfs.stat(scratch + '/shadowed/sub', '/')).toEqual({ ok: false, errno: 'ENOENT' });
    expect(vfs.stat(scratch + '/shadowed/app/bin/prog', '/')).toMatchObject({ ok: true });
    expect(vfs.stat(scratch + '/visible', '/')).toMatchObject({ ok: true });
  });

  it('gives every mount its own st_dev; hard links inside one mount stay one file', () => {
    const tree = fixtureTree().vfs();
    const vfs = mountVfs(null, [
      { at: '/m1', tree },
      { at: '/m2', tree },
    ]);
    const one = vfs.stat('/m1/app/bin/prog', '/');
    const two = vfs.stat('/m2/app/bin/prog', '/');
    const hard = vfs.stat('/m1/app/bin/prog-hardlink', '/');
    if (!one.ok || !two.ok || !hard.ok) throw new Error('missing');
    expect(two.stat.id).not.toEqual(one.stat.id);
    expect(hard.stat.id).toEqual(one.stat.id);
    const out = new Uint8Array(3);
    vfs.source(two.stat.id).readInto(0, out);
    expect(new TextDecoder().decode(out)).toBe('ELF');
  });

  it('mounts an archive at / and nests mounts', () => {
    const inner = new MemoryTree();
    inner.addFile('deep.so', bytes('deep'));
    const vfs = mountVfs(null, [
      { at: '/', tree: fixtureTree().vfs() },
      { at: '/app/lib/nested/mnt', tree: inner.vfs() },
    ]);
    expect(vfs.stat('/app/bin/prog', '/')).toMatchObject({ ok: true });
    expect(vfs.stat('/app/lib/libfoo.so', '/')).toMatchObject({ ok: true, realPath: '/app/lib/libfoo.so.1' });
    expect(vfs.stat('/app/lib/nested/mnt/deep.so', '/')).toMatchObject({ ok: true, stat: { size: 4 } });
    expect(vfs.stat('/app/lib/nested/mnt/../../libfoo.so.1', '/')).toMatchObject({ ok: true, realPath: '/app/lib/libfoo.so.1' });
    const listed = [...vfs.list()];
    expect(listed).toContain('/app/lib/nested/');
    expect(listed).toContain('/app/lib/nested/mnt/deep.so');
    expect(listed).toContain('/app/bin/prog-hardlink');
  });

  it('mounts a real directory as a fixture, its absolute links resolving in the whole Vfs', () => {
    const vfs = mountVfs(realFsVfs('/'), [{ at: '/tmp/stormglass-loader/02-case', tree: realFsVfs(join(scratch, 'fixture')) }]);
    expect(vfs.stat('/tmp/stormglass-loader/02-case/abs', '/')).toMatchObject({ ok: true, realPath: '/tmp/stormglass-loader/02-case/lib/libreal.so', stat: { size: 12 } });
  });

  it('applies mode overrides to the file a path names, under all its names', () => {
    const vfs = mountVfs(realFsVfs('/'), [{ at: CASE, tree: fixtureTree().vfs() }], {
      modes: { [CASE + '/app/bin/prog']: 0o4755, [CASE + '/app/lib/libfoo.so']: 0o600 },
    });
    expect(vfs.stat(CASE + '/app/bin/prog', '/')).toMatchObject({ ok: true, stat: { mode: 0o4755 } });
    expect(vfs.stat(CASE + '/app/bin/prog-hardlink', '/')).toMatchObject({ ok: true, stat: { mode: 0o4755 } });
    // Through a symlink, as chmod(2): the target changes.
    expect(vfs.stat(CASE + '/app/lib/libfoo.so.1', '/')).toMatchObject({ ok: true, stat: { mode: 0o600 } });
    expect(() => mountVfs(null, [], { modes: { '/missing': 0o4755 } })).toThrow(/ENOENT/);
  });
});
