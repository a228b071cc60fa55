// The resolver against the kernel: a scratch tree under the temp dir with every kind of symlink
// (relative, absolute, climbing out and back, to files, with a trailing '/', dangling, loops,
// chains of exactly 40 and 41 links, to '/'), files used as directories, trailing slashes,
// '..' through symlinks and over-long names; then hundreds of generated paths, each resolved by
// src/core/vfs/resolve.ts over the real-FS backend (root '/') and by the kernel (stat(2),
// realpath(3)), which must agree on errno, realpath and (st_dev, st_ino).
import { mkdirSync, mkdtempSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { realFsVfs } from '../../src/node/real-fs.ts';
import { MemoryTree } from '../../src/core/vfs/memory-tree.ts';
import type { Lookup } from '../../src/core/vfs/types.ts';

let S = '';

function kernel(path: string): { errno: string } | { real: string; dev: number; ino: number; kind: string } {
  try {
    const st = statSync(path, { bigint: true });
    const kind = st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'other';
    return { real: realpathSync.native(path), dev: Number(st.dev), ino: Number(st.ino), kind };
  } catch (error) {
    return { errno: (error as NodeJS.ErrnoException).code ?? 'unknown' };
  }
}

function ours(l: Lookup): { errno: string } | { real: string; dev: number; ino: number; kind: string } {
  return l.ok ? { real: l.realPath, dev: l.stat.id.dev, ino: l.stat.id.ino, kind: l.stat.kind } : { errno: l.errno };
}

/** A small seeded generator (mulberry32) so a failure reproduces. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

beforeAll(() => {
  S = realpathSync.native(mkdtempSync(join(tmpdir(), 'sg-resolve-')));
  mkdirSync(join(S, 'd/e'), { recursive: true });
  writeFileSync(join(S, 'd/e/f.txt'), 'hello');
  writeFileSync(join(S, 'd/file'), 'x');
  writeFileSync(join(S, 'top.txt'), 'top');
  writeFileSync(join(S, 'd', 'y'.repeat(255)), 'long');
  writeFileSync(join(S, 'd', 'é'), 'accent');
  const links: Array<[string, string]> = [
    ['l_rel', 'd/e'],
    ['l_abs', join(S, 'd')],
    ['l_up', `../${basename(S)}/d`],
    ['l_file', 'd/file'],
    ['l_file_slash', 'd/file/'],
    ['l_dir_slash', 'd/e/'],
    ['l_dangling', 'nope'],
    ['l_loop1', 'l_loop2'],
    ['l_loop2', 'l_loop1'],
    ['l_self', 'l_self'],
    ['l_dotdot_dir', 'd/e/..'],
    ['d/e/up', '../..'],
    ['d/e/root', '/'],
    ['d/ldeep', 'e/up'],
    ['d/e/l_abs_file', join(S, 'top.txt')],
    ['l_to_link', 'l_rel'],
  ];
  // c0 -> c1 -> ... -> c39 -> d: resolving c0 follows exactly 40 links; c_extra -> c0 is 41.
  for (let i = 0; i < 40; i++) links.push([`c${i}`, i === 39 ? 'd' : `c${i + 1}`]);
  links.push(['c_extra', 'c0']);
  for (const [at, target] of links) symlinkSync(target, join(S, at));
});

afterAll(() => {
  if (S) rmSync(S, { recursive: true, force: true });
});

describe('resolve.ts over the real filesystem agrees with the kernel', () => {
  it('on hand-picked paths', () => {
    const vfs = realFsVfs('/');
    const cases = [
      'd', 'd/', 'd/.', 'd/..', 'd/e/f.txt', 'd/e/f.txt/', 'd/e/f.txt/.', 'd/e/f.txt/..', 'd/file/x',
      'top.txt/', 'l_rel', 'l_rel/', 'l_rel/f.txt', 'l_rel/..', 'l_rel/../file', 'l_abs/e/up/top.txt',
      'l_up/e', 'l_file', 'l_file/', 'l_file_slash', 'l_dir_slash', 'l_dir_slash/f.txt', 'l_dangling',
      'l_dangling/', 'l_loop1', 'l_loop1/x', 'l_self', 'l_dotdot_dir', 'l_dotdot_dir/e', 'd/e/up',
      'd/e/up/d/e/up/top.txt', 'd/e/root', 'd/e/root/..', 'd/ldeep/top.txt', 'd/e/l_abs_file',
      'd/e/l_abs_file/', 'l_to_link/f.txt', 'c0', 'c0/e', 'c1', 'c_extra', 'c_extra/e', 'd/' + 'y'.repeat(255),
      'd/' + 'y'.repeat(256), 'missing/' + 'z'.repeat(256), 'd/file/' + 'z'.repeat(256), 'd/é', '.', '..',
      '../..', './d/./e/../e/f.txt', 'd//e///f.txt', 'd/e/f.txt//',
    ];
    for (const p of cases) {
      // Never path.join: it would normalize away the '/.' and '/..' the kernel must see.
      expect({ p, r: ours(vfs.stat(p, S)) }).toEqual({ p, r: kernel(S + '/' + p) });
      const abs = S + '/' + p;
      expect({ abs, r: ours(vfs.stat(abs, '/nowhere')) }).toEqual({ abs, r: kernel(abs) });
    }
    for (const p of ['/', '//', '/..', '/../..', '/tmp/..', '/proc/self/..', '/etc/passwd/']) {
      expect({ p, r: ours(vfs.stat(p, '/')) }).toEqual({ p, r: kernel(p) });
    }
    expect(vfs.stat('', S)).toEqual({ ok: false, errno: 'ENOENT' });
    expect(kernel('')).toEqual({ errno: 'ENOENT' });
  });

  it('on path lengths around PATH_MAX', () => {
    const vfs = realFsVfs('/');
    for (const total of [4094, 4095, 4096, 4097, 5000]) {
      // S/d/./././... padded with '/.' pairs (and one '/' to adjust parity) to exactly `total` bytes.
      let p = S + '/d';
      while (p.length + 2 <= total) p += '/.';
      if (p.length < total) p += '/';
      expect(p.length).toBe(total);
      expect({ total, r: ours(vfs.stat(p, '/')) }).toEqual({ total, r: kernel(p) });
    }
  });

  it('on 2000 generated paths, absolute and relative', () => {
    const vfs = realFsVfs('/');
    const random = rng(0x5eed);
    const tokens = [
      'd', 'e', 'f.txt', 'file', 'top.txt', 'l_rel', 'l_abs', 'l_up', 'l_file', 'l_file_slash', 'l_dir_slash',
      'l_dangling', 'l_loop1', 'l_self', 'l_dotdot_dir', 'up', 'root', 'ldeep', 'l_abs_file', 'l_to_link', 'c0',
      'c20', 'c_extra', 'é', '.', '..', '..', '', 'missing', 'y'.repeat(255), 'z'.repeat(256), 'tmp', basename(S),
    ];
    let agreeOk = 0;
    let statEachChecked = 0;
    const errnos = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const n = 1 + Math.floor(random() * 6);
      const parts: string[] = [];
      for (let j = 0; j < n; j++) parts.push(tokens[Math.floor(random() * tokens.length)]!);
      let p = parts.join('/');
      if (random() < 0.2) p += '/';
      if (p === '') p = '.';
      const absolute = random() < 0.3;
      const query = absolute ? S + '/' + p : p;
      const expected = kernel(query.startsWith('/') ? query : S + '/' + query);
      const got = ours(vfs.stat(query, S));
      expect({ query, got }).toEqual({ query, got: expected });
      if ('real' in expected) agreeOk++;
      else errnos.add(expected.errno);
      // A second call is a cache hit and must say the same.
      expect(ours(vfs.stat(query, S))).toEqual(got);
      // statEach(dir, [name]) is stat(dir + '/' + name) without the string; a fresh Vfs each time, so
      // no answer comes from stat()'s cache.
      const name = parts[parts.length - 1]!;
      const dir = S + '/' + parts.slice(0, -1).join('/');
      if (name !== '' && !p.endsWith('/')) {
        expect({ dir, name, got: ours(realFsVfs('/').statEach(dir, [name])[0]!) }).toEqual({ dir, name, got: kernel(dir + '/' + name) });
        statEachChecked++;
      }
    }
    expect(statEachChecked).toBeGreaterThan(1000);
    // The generated set must exercise both outcomes.
    expect(agreeOk).toBeGreaterThan(100);
    expect(agreeOk).toBeLessThan(1900);
    expect([...errnos].sort()).toEqual(['ELOOP', 'ENAMETOOLONG', 'ENOENT', 'ENOTDIR']);
  });

  it('answers a batch of names in one directory (statEach) as the kernel does each dir/name', () => {
    const names = ['d', 'f.txt', 'l_rel', 'l_dangling', 'l_loop1', 'l_self', 'l_file_slash', 'missing', '.', '..', '', 'a/b', 'y'.repeat(255), 'z'.repeat(256)];
    // Directories reached plainly, through symlinks and '..', missing, a file, and one so long
    // that only the whole dir/name passes PATH_MAX.
    let long = S + '/d';
    while (long.length < 4090) long += '/.';
    const dirs = [S, S + '/d', S + '/l_rel', S + '/d/..', S + '/missing', S + '/f.txt', S + '/l_loop1', long];
    let checked = 0;
    for (const dir of dirs) {
      const batch = realFsVfs('/').statEach(dir, names);
      names.forEach((name, i) => {
        expect({ dir, name, got: ours(batch[i]!) }).toEqual({ dir, name, got: kernel(`${dir}/${name}`) });
        checked++;
      });
    }
    expect(checked).toBe(dirs.length * names.length);
  });

  it('refuses a whole path of PATH_MAX bytes under a shorter, literal parent, in a memory tree too', () => {
    // Real directories (no '.', '..' or symlink), so the parent resolves literally and only the last
    // name would be walked. The real-FS backend learns ENAMETOOLONG from lstat(2) itself; a memory
    // tree (an archive) has no kernel below it, so the resolver must apply the rule.
    let dir = join(S, 'deep');
    mkdirSync(dir);
    while (dir.length < 4000) {
      dir += '/' + 'a'.repeat(200);
      mkdirSync(dir);
    }
    writeFileSync(join(dir, 'f'), 'x');
    const tree = new MemoryTree();
    tree.addFile(join(dir, 'f'), new Uint8Array(1));
    // A Lookup and the kernel() answer both carry `errno` exactly when they fail.
    const verdict = (answer: object) => ('errno' in answer ? answer.errno : 'ok');
    const long = 'b'.repeat(4100 - dir.length);
    const cases: [string, string][] = [[dir, 'f'], [dir, long], [dir + '/missing', long], [dir, 'missing']];
    for (const [d, name] of cases) {
      const expected = verdict(kernel(`${d}/${name}`));
      for (const [side, vfs] of [['memory', tree.vfs()], ['real', realFsVfs('/')]] as const) {
        expect({ side, d: d.length, name: name.length, got: verdict(vfs.stat(`${d}/${name}`, '/')) }).toEqual({ side, d: d.length, name: name.length, got: expected });
        expect({ side, d: d.length, name: name.length, got: verdict(vfs.statEach(d, [name])[0]!) }).toEqual({ side, d: d.length, name: name.length, got: expected });
      }
    }
    expect(cases.map(([d, name]) => verdict(kernel(`${d}/${name}`)))).toEqual(['ok', 'ENAMETOOLONG', 'ENAMETOOLONG', 'ENOENT']);
  });

  it('roots the tree at a directory like chroot: absolute targets and .. stay inside', () => {
    const vfs = realFsVfs(S);
    const top = vfs.stat('/d/e/root/top.txt', '/');
    expect(top.ok && top.realPath).toBe('/top.txt');
    expect(ours(vfs.stat('/../../..', '/'))).toMatchObject({ real: '/' });
    // l_abs points at S/d on the host: inside the chroot that absolute path does not exist.
    expect(vfs.stat('/l_abs', '/')).toEqual({ ok: false, errno: 'ENOENT' });
    const f = vfs.stat('f.txt', '/d/e');
    expect(f.ok && f.stat.size).toBe(5);
  });
});
