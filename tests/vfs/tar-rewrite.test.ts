// Rewriting a tar: the replaced members carry their new contents, GNU tar itself reads the result,
// and every other byte of the archive is unchanged.
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rewriteTar } from '../../src/core/vfs/tar-rewrite.ts';
import { readTar } from '../../src/core/vfs/tar.ts';

// Every source tree, the archives written next to one, and their extractions live under here.
const scratch = mkdtempSync(join(tmpdir(), 'stormglass-tarrw-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function sourceTree(): string {
  const dir = mkdtempSync(join(scratch, 'tree-'));
  const deep = join(dir, 'nix/store', 'x'.repeat(80) + '-lib', 'lib');
  mkdirSync(deep, { recursive: true });
  writeFileSync(join(deep, 'libfoo.so'), 'old contents of libfoo\n');
  writeFileSync(join(dir, 'README'), 'unchanged\n');
  return dir;
}

describe('rewriting a tar', () => {
  for (const format of ['ustar', 'gnu', 'pax']) {
    it(`replaces one member of a ${format} archive and keeps the rest`, () => {
      const dir = sourceTree();
      const tar = join(dir, '..', `${dir.split('/').pop()}-${format}.tar`);
      // ustar cannot hold the 100+ character path: it splits it with its prefix field instead.
      execFileSync('tar', [`--format=${format}`, '--sort=name', '-C', dir, '-cf', tar, '.']);
      const original = new Uint8Array(readFileSync(tar));
      const member = `/nix/store/${'x'.repeat(80)}-lib/lib/libfoo.so`;
      const longer = new TextEncoder().encode('new contents, longer than before: '.repeat(40));
      const result = rewriteTar(original, new Map([[member, longer]]));
      if (!result.ok) throw new Error(result.error.code);
      expect(result.replaced).toBe(1);

      const tree = readTar(result.bytes);
      if (!tree.ok) throw new Error(tree.error.code);
      const found = tree.tree.vfs().stat(member, '/');
      expect(found.ok && found.stat.size).toBe(longer.length);

      writeFileSync(tar + '.new', result.bytes);
      const out = mkdtempSync(join(scratch, 'x-'));
      execFileSync('tar', ['-C', out, '-xf', tar + '.new']);
      expect(readFileSync(join(out, member))).toEqual(Buffer.from(longer));
      expect(readFileSync(join(out, 'README'), 'utf8')).toBe('unchanged\n');
      const list = (file: string) => execFileSync('tar', ['-tvf', file], { encoding: 'utf8' }).replace(/ +\d+ (\d{4}-)/g, ' $1');
      expect(list(tar + '.new')).toBe(list(tar));
    });
  }

  it('leaves an archive without replacements byte for byte as it was', () => {
    const dir = sourceTree();
    const tar = join(dir, '..', `${dir.split('/').pop()}-same.tar`);
    execFileSync('tar', ['--format=pax', '-C', dir, '-cf', tar, '.']);
    const original = new Uint8Array(readFileSync(tar));
    const result = rewriteTar(original, new Map());
    expect(result.ok && result.bytes).toEqual(original);
  });
});
