// `stormglass trace` in process: output forms, exit status, and the same closure seen through
// --root and through --archive giving the same calls.
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { run } from './run.ts';

// Every closure, and the archive written next to one, live under here.
const scratch = mkdtempSync(join(tmpdir(), 'stormglass-trace-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A closure of /usr/bin/true with its libc, its interpreter and the cache, under a new root. */
function closure(): string {
  const root = mkdtempSync(join(scratch, 'closure-'));
  for (const file of ['/usr/bin/true', '/lib/x86_64-linux-gnu/libc.so.6', '/lib64/ld-linux-x86-64.so.2', '/etc/ld.so.cache']) {
    mkdirSync(join(root, dirname(file)), { recursive: true });
    copyFileSync(file, join(root, file));
  }
  return root;
}

describe('stormglass trace', () => {
  it('prints the load tree with the storm meter', async () => {
    const { code, out } = await run(['trace', '--profile', 'debian-12', '--cpu', 'x86-64-v3', '/usr/bin/true']);
    expect(code).toBe(0);
    expect(out).toMatch(/libc\.so\.6 => \/lib\/x86_64-linux-gnu\/libc\.so\.6 {2}\(ld\.so\.cache\)/);
    expect(out).toContain('Storm meter:');
    expect(out).toContain('glibc 2.36, x86_64, hwcaps x86-64-v3 x86-64-v2');
  });

  it('gives the whole trace as JSON', async () => {
    const { code, out } = await run(['trace', '--json', '/usr/bin/true']);
    expect(code).toBe(0);
    const trace = JSON.parse(out);
    expect(trace.exitStatus).toBe(0);
    expect(trace.profile.id).toBe('auto');
    expect(trace.objects.map((o: { kind: string }) => o.kind)).toEqual(['program', 'vdso', 'interpreter', 'library']);
    expect(trace.totals.program.syscalls).toBe(trace.probes.length);
  });

  it('sees the same closure through --root and through --archive', async () => {
    const root = closure();
    const archive = join(root, '..', `${root.split('/').pop()}.tar.gz`);
    execFileSync('tar', ['-C', root, '-czf', archive, '.']);
    const fromRoot = await run(['trace', '--strace', '--root', root, '/usr/bin/true']);
    const fromArchive = await run(['trace', '--strace', '--archive', archive, '/usr/bin/true']);
    expect(fromRoot.code).toBe(0);
    expect(fromRoot.out).toContain('openat(AT_FDCWD, "/lib/x86_64-linux-gnu/libc.so.6", O_RDONLY|O_CLOEXEC) = 3');
    expect(fromArchive.out).toBe(fromRoot.out);
  });

  it('exits 1 when the loader would stop, naming the missing library', async () => {
    const root = closure();
    const { code, out } = await run(['trace', '--root', root, '--env', 'LD_PRELOAD=libnothere.so', '--profile', 'debian-13', '/usr/bin/true']);
    // The preload is only a warning; the program still starts.
    expect(code).toBe(0);
    expect(out).toContain("ERROR: ld.so: object 'libnothere.so' from LD_PRELOAD cannot be preloaded");
    const empty = mkdtempSync(join(scratch, 'empty-'));
    mkdirSync(join(empty, 'usr/bin'), { recursive: true });
    copyFileSync('/usr/bin/true', join(empty, 'usr/bin/true'));
    const missing = await run(['trace', '--root', empty, '/usr/bin/true']);
    expect(missing.code).toBe(1);
    expect(missing.out).toContain('libc.so.6: cannot open shared object file: No such file or directory');
  });

  it('rejects bad usage with exit status 2', async () => {
    expect((await run(['trace'])).code).toBe(2);
    expect((await run(['trace', '--root', '/', '--archive', 'x.tar', '/usr/bin/true'])).code).toBe(2);
    expect((await run(['trace', '--json', '--strace', '/usr/bin/true'])).code).toBe(2);
    expect((await run(['trace', '/no/such/program'])).code).toBe(2);
    expect((await run(['trace', '--env', 'NOEQUALS', '/usr/bin/true'])).code).toBe(2);
    expect((await run(['trace', '--glibc', '2.99', '/usr/bin/true'])).code).toBe(2);
    expect((await run(['trace', '--nix', '--no-nix', '/usr/bin/true'])).code).toBe(2);
    // A host or file profile is one loader's report: no other version or paths on top.
    expect((await run(['trace', '--profile', 'host', '--glibc', '2.36', '/usr/bin/true'])).code).toBe(2);
  });
});
