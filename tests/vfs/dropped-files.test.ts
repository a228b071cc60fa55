// Dropped files keep their relative paths, sit where the user says, and a bad name refuses the drop.
import { describe, expect, it } from 'vitest';
import { droppedFilesVfs } from '../../src/core/vfs/dropped-files.ts';

const bytes = new Uint8Array([1, 2, 3]);

describe('dropped files and folders', () => {
  it('keeps relative paths under the chosen root', () => {
    const dropped = droppedFilesVfs([{ path: 'closure/lib/libfoo.so.1', bytes }, { path: 'closure/bin/prog', bytes }], '/nix/store/abc-app');
    if (!dropped.ok) throw new Error(dropped.error.code);
    const found = dropped.vfs.stat('/nix/store/abc-app/closure/lib/libfoo.so.1', '/');
    expect(found.ok && found.stat.size).toBe(3);
    expect(dropped.vfs.stat('/closure/lib/libfoo.so.1', '/')).toEqual({ ok: false, errno: 'ENOENT' });
  });

  it('puts them at / by default', () => {
    const dropped = droppedFilesVfs([{ path: 'prog', bytes }]);
    expect(dropped.ok && dropped.vfs.stat('/prog', '/').ok).toBe(true);
  });

  it('refuses a drop whose names leave the tree or clash', () => {
    const escape = droppedFilesVfs([{ path: 'a/../../etc/passwd', bytes }]);
    expect(escape.ok ? null : escape.error.code).toBe('archive_path_escape');
    const clash = droppedFilesVfs([{ path: 'a', bytes }, { path: 'a/b', bytes }]);
    expect(clash.ok ? null : clash.error.code).toBe('archive_path_conflict');
  });
});
