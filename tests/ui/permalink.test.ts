// Permalinks and the equivalent command line: settings survive the address query, bad values are
// reported and replaced by defaults, and the command line, run by bash, gives the very trace the
// page computes in process (profileForSettings + simulate) over the same archive.
import { describe, expect, it, onTestFinished } from 'vitest';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import {
  CPU_LEVELS, DEFAULT_SETTINGS, environmentOf, GLIBC_MINORS, PROFILE_CHOICES, profileForSettings, type TraceSettings,
} from '../../src/core/loader/trace-settings.ts';
import { simulate } from '../../src/core/loader/simulate.ts';
import { loadEngine } from '../../src/node/engine.ts';
import { commandLine, settingsFromQuery, settingsToQuery, shellQuote } from '../../src/ui/permalink.ts';
import { seededRandom, type Random } from '../support/random.ts';
import { interpreterOf, traceClosure } from '../support/trace-closure.ts';

function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

/** Text that needs escaping in a URL and quoting in a shell. */
function text(random: Random, min = 0): string {
  const chars = ['a', 'Z', '0', '/', ':', ';', ' ', "'", '"', '&', '=', '%', '#', '+', '?', '$', '\\', '`', '!', '*', '~', '\n', 'é', '@', '-'];
  return Array.from({ length: min + Math.floor(random() * 12) }, () => pick(random, chars)).join('');
}

function randomSettings(random: Random): TraceSettings {
  return {
    profile: pick(random, PROFILE_CHOICES),
    cpu: pick(random, CPU_LEVELS),
    glibc: pick(random, [null, ...GLIBC_MINORS]),
    nix: pick(random, [null, true, false]),
    ldLibraryPath: random() < 0.3 ? '' : text(random),
    ldPreload: random() < 0.3 ? '' : text(random),
    secure: random() < 0.5,
    dlopen: Array.from({ length: Math.floor(random() * 4) }, () => text(random, 1)),
    noteAware: random() < 0.5,
  };
}

describe('permalinks', () => {
  it('give back the settings and program they were made of', () => {
    const random = seededRandom(0x5e771);
    for (let i = 0; i < 500; i++) {
      const settings = randomSettings(random);
      const program = random() < 0.2 ? null : text(random, 1);
      // Through the address's text, as a browser would hand it back.
      const query = new URLSearchParams(settingsToQuery(settings, program).toString());
      expect(settingsFromQuery(query), JSON.stringify(settings)).toEqual({ settings, program, problems: [] });
    }
  });

  it('are empty for the defaults and name only what differs', () => {
    expect(settingsToQuery(DEFAULT_SETTINGS, null).toString()).toBe('');
    expect(settingsFromQuery(new URLSearchParams())).toEqual({ settings: DEFAULT_SETTINGS, program: null, problems: [] });
    const query = settingsToQuery({ ...DEFAULT_SETTINGS, profile: 'nixos', glibc: 36, nix: false, dlopen: ['a', 'b@c'], secure: true }, '/bin/x');
    expect(query.toString()).toBe('profile=nixos&glibc=2.36&nix=0&secure=1&dlopen=a&dlopen=b%40c&program=%2Fbin%2Fx');
  });

  it('report values they do not understand and use the defaults instead', () => {
    const query = new URLSearchParams(
      'profile=fedora&cpu=x86-64-v9&glibc=2.99&nix=yes&secure=true&note=2&dlopen=&dlopen=libok.so&program=&llp=/a&llp=/b&other=kept',
    );
    const { settings, program, problems } = settingsFromQuery(query);
    expect(settings).toEqual({ ...DEFAULT_SETTINGS, ldLibraryPath: '/a', dlopen: ['libok.so'] });
    expect(program).toBeNull();
    expect(problems).toHaveLength(9);
    expect(problems.join('\n')).toMatch(/profile=fedora .*auto, debian-12, debian-13, nixos.*; auto is used/);
    expect(problems.join('\n')).toMatch(/glibc=2\.99 .*2\.31 to 2\.41/);
    expect(problems.join('\n')).toMatch(/nix=yes .*the profile's own mode is used/);
    expect(problems.join('\n')).toMatch(/llp is given 2 times/);
    expect(problems.join('\n')).not.toMatch(/other/);
  });
});

describe('the equivalent command line', () => {
  it('quotes for the shell only where needed', () => {
    expect(shellQuote('/nix/store/abc-x/bin/x')).toBe('/nix/store/abc-x/bin/x');
    expect(shellQuote('LD_LIBRARY_PATH=/a:/b')).toBe('LD_LIBRARY_PATH=/a:/b');
    expect(shellQuote('')).toBe("''");
    expect(shellQuote('a b')).toBe("'a b'");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
    expect(shellQuote('$HOME')).toBe("'$HOME'");
    expect(shellQuote('~/x')).toBe("'~/x'");
  });

  it('names every setting as its flag', () => {
    expect(commandLine({ ...DEFAULT_SETTINGS, profile: 'nixos', noteAware: true }, '/nix/store/abc-x/bin/x', { kind: 'archive', name: 'closure.tar' }))
      .toBe('stormglass trace --archive closure.tar --profile nixos --cpu x86-64-v3 --note-aware /nix/store/abc-x/bin/x');
    expect(commandLine(DEFAULT_SETTINGS, null, null)).toBe('stormglass trace --cpu x86-64-v3 PROGRAM');
    const all: TraceSettings = {
      profile: 'debian-13', cpu: 'baseline', glibc: 33, nix: false, ldLibraryPath: "/it's:lib", ldPreload: 'a.so b.so',
      secure: true, dlopen: ['libnss_files.so.2@libc.so.6', '-odd'], noteAware: false,
    };
    expect(commandLine(all, '-prog', { kind: 'root', name: 'my root' })).toBe(
      "stormglass trace --root 'my root' --profile debian-13 --cpu baseline --glibc 2.33 --no-nix"
      + " --env 'LD_LIBRARY_PATH=/it'\\''s:lib' --env 'LD_PRELOAD=a.so b.so' --dlopen libnss_files.so.2@libc.so.6"
      + ' --dlopen=-odd --secure -- -prog',
    );
  });

  it('run by bash, gives the trace the page computes', async () => {
    const closure = await traceClosure();
    onTestFinished(() => closure.dispose());
    const engine = await loadEngine();
    const bin = resolve('bin/stormglass.js');
    const random = seededRandom(0xc0ffee);
    const chosen: [TraceSettings, string][] = [
      [{
        profile: 'debian-13', cpu: 'x86-64-v4', glibc: 36, nix: null, ldLibraryPath: "/tmp/it's here:lib;$HOME",
        ldPreload: 'libnothere.so /abs/x.so', secure: false, dlopen: ['libplug.so', 'libhidden.so.1', 'libnss_files.so.2@libc.so.6'], noteAware: true,
      }, closure.program],
      [{ ...DEFAULT_SETTINGS, glibc: 33, nix: true, secure: true, ldPreload: 'libplugdep.so.1 lib with space.so', dlopen: ['-odd'] }, '-prog'],
      [{ ...DEFAULT_SETTINGS, profile: 'nixos', cpu: 'x86-64-v2', nix: false, dlopen: ['libplug.so'] }, closure.program],
    ];
    for (let i = 0; i < 4; i++) chosen.push([randomSettings(random), closure.program]);
    for (const [settings, program] of chosen) {
      const command = commandLine(settings, program, { kind: 'archive', name: closure.path });
      // --json goes first: after `--` (a program named like an option) it would be a second PROGRAM.
      const script = `stormglass() { node "$STORMGLASS_BIN" "$@"; }\n${command.replace(/^stormglass trace /, 'stormglass trace --json ')}`;
      const run = spawnSync('bash', ['-c', script], {
        encoding: 'utf8', env: { ...process.env, STORMGLASS_BIN: bin },
      });
      expect([0, 1], `${command}\n${run.stderr}`).toContain(run.status);
      const found = closure.vfs.stat(program, '/');
      expect(found.ok && (found.stat.mode & 0o6000) === 0).toBe(true); // else the CLI would add secure mode
      const trace = simulate({
        program, vfs: closure.vfs, engine, cwd: '/',
        profile: profileForSettings(settings, closure.vfs, interpreterOf(engine, closure.vfs, program)),
        env: environmentOf(settings), dlopen: settings.dlopen, secure: settings.secure,
      });
      expect(JSON.parse(run.stdout), command).toEqual(JSON.parse(JSON.stringify(trace)));
    }
  });
});
