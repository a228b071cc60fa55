// `stormglass inspect`, in process and through the built binary: every file is reported, bad ones
// by code and offset, and the exit status says whether all were readable ELF files.
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from './run.ts';

function readelfInterpreter(file: string): string {
  const text = execFileSync('readelf', ['-lW', file], { encoding: 'utf8' });
  return /\[Requesting program interpreter: (.*)\]/.exec(text)![1]!;
}

const dir = mkdtempSync(join(tmpdir(), 'stormglass-cli-'));
const notElf = join(dir, 'not-elf.txt');
writeFileSync(notElf, 'hello, not an ELF file\n');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('stormglass inspect', () => {
  it('reports every file in JSON, the bad ones by code and offset, and exits 1', async () => {
    const { code, out } = await run(['inspect', '--json', '/usr/bin/true', notElf, join(dir, 'missing')]);
    expect(code).toBe(1);
    const results = JSON.parse(out);
    expect(results).toHaveLength(3);
    expect(results[0]).toMatchObject({ file: '/usr/bin/true', ok: true, class: 'ELF64', interpreter: readelfInterpreter('/usr/bin/true') });
    expect(results[0].needed).toContain('libc.so.6');
    expect(results[1]).toMatchObject({ ok: false, error: { code: 'elf_bad_magic', offset: 0 } });
    expect(results[2]).toMatchObject({ ok: false, error: { code: 'file_unreadable' } });
  });

  it('prints readable text and exits 0 when all files are ELF', async () => {
    const { code, out } = await run(['inspect', '/usr/bin/true']);
    expect(code).toBe(0);
    expect(out).toContain(`Interpreter: ${readelfInterpreter('/usr/bin/true')}`);
    expect(out).toMatch(/NEEDED\s+libc\.so\.6/);
    expect(out).toContain('Program Headers:');
  });

  it('prints the error code and offset on stderr in text mode', async () => {
    const { code, err } = await run(['inspect', notElf]);
    expect(code).toBe(1);
    expect(err).toContain('elf_bad_magic at byte 0x0');
  });

  it('rejects bad usage with exit status 2', async () => {
    expect((await run([])).code).toBe(2);
    expect((await run(['inspect'])).code).toBe(2);
    expect((await run(['frobnicate'])).code).toBe(2);
    expect((await run(['inspect', '--bogus', '/usr/bin/true'])).code).toBe(2);
  });

  it.runIf(existsSync('dist/cli/stormglass.js'))('works as the installed binary', () => {
    const result = spawnSync('node', ['bin/stormglass.js', 'inspect', '--json', '/usr/bin/true'], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)[0].interpreter).toBe(readelfInterpreter('/usr/bin/true'));
  });
});
