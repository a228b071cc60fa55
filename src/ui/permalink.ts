// A trace's settings as a page address (the permalink) and as the `stormglass trace` command line
// that gives the same trace. Pure functions: the page reads and writes location itself.
import {
  CPU_LEVELS, DEFAULT_SETTINGS, environmentOf, isProfileChoice, NEWEST_GLIBC_MINOR, OLDEST_GLIBC_MINOR, parseGlibcVersion,
  PROFILE_CHOICES, type TraceSettings,
} from '../core/loader/trace-settings.ts';

/** Where the command line reads the files from: an archive (--archive) or a directory (--root). */
export type TraceSource = { kind: 'archive'; name: string } | { kind: 'root'; name: string };

/** The address query of a trace: only values that differ from DEFAULT_SETTINGS, so links stay short. */
export function settingsToQuery(settings: TraceSettings, program: string | null): URLSearchParams {
  const query = new URLSearchParams();
  const d = DEFAULT_SETTINGS;
  if (settings.profile !== d.profile) query.set('profile', settings.profile);
  if (settings.cpu !== d.cpu) query.set('cpu', settings.cpu);
  if (settings.glibc !== null) query.set('glibc', `2.${settings.glibc}`);
  if (settings.nix !== null) query.set('nix', settings.nix ? '1' : '0');
  if (settings.ldLibraryPath !== d.ldLibraryPath) query.set('llp', settings.ldLibraryPath);
  if (settings.ldPreload !== d.ldPreload) query.set('preload', settings.ldPreload);
  if (settings.secure !== d.secure) query.set('secure', settings.secure ? '1' : '0');
  for (const call of settings.dlopen) query.append('dlopen', call);
  if (settings.noteAware !== d.noteAware) query.set('note', settings.noteAware ? '1' : '0');
  if (program !== null) query.set('program', program);
  return query;
}

export interface QuerySettings {
  settings: TraceSettings;
  program: string | null;
  /** One sentence per value that was not understood (the default was used instead). */
  problems: string[];
}

/**
 * The settings of an address query. Never throws: a value that is not understood gives the
 * default and a problem the page shows. Keys it does not know are left alone: the address may
 * carry other parameters of the page.
 */
export function settingsFromQuery(params: URLSearchParams): QuerySettings {
  const settings: TraceSettings = { ...DEFAULT_SETTINGS, dlopen: [] };
  const problems: string[] = [];
  /** The one value of `key`, or null when absent (a repeated key: the first, reported). */
  const single = (key: string): string | null => {
    const values = params.getAll(key);
    if (values.length > 1) problems.push(`${key} is given ${values.length} times; the first, "${values[0]}", is used.`);
    return values[0] ?? null;
  };
  const bad = (key: string, value: string, expected: string, fallback: string) =>
    problems.push(`${key}=${value} is not understood (expected ${expected}); ${fallback} is used.`);
  const flag = (key: string, fallback: boolean): boolean => {
    const value = single(key);
    if (value === '1' || value === '0') return value === '1';
    if (value !== null) bad(key, value, '1 or 0', fallback ? '1' : '0');
    return fallback;
  };

  const profile = single('profile');
  if (profile !== null) {
    if (isProfileChoice(profile)) settings.profile = profile;
    else bad('profile', profile, PROFILE_CHOICES.join(', '), settings.profile);
  }
  const cpu = single('cpu');
  if (cpu !== null) {
    if (CPU_LEVELS.includes(cpu)) settings.cpu = cpu;
    else bad('cpu', cpu, CPU_LEVELS.join(', '), settings.cpu);
  }
  const glibc = single('glibc');
  if (glibc !== null) {
    settings.glibc = parseGlibcVersion(glibc);
    if (settings.glibc === null) bad('glibc', glibc, `2.${OLDEST_GLIBC_MINOR} to 2.${NEWEST_GLIBC_MINOR}`, "the profile's own version");
  }
  const nix = single('nix');
  if (nix === '1' || nix === '0') settings.nix = nix === '1';
  else if (nix !== null) bad('nix', nix, '1 or 0', "the profile's own mode");
  settings.ldLibraryPath = single('llp') ?? settings.ldLibraryPath;
  settings.ldPreload = single('preload') ?? settings.ldPreload;
  settings.secure = flag('secure', settings.secure);
  for (const call of params.getAll('dlopen')) {
    if (call === '') problems.push('An empty dlopen= names no library; it is left out.');
    else settings.dlopen.push(call);
  }
  settings.noteAware = flag('note', settings.noteAware);
  let program = single('program');
  if (program === '') {
    problems.push('program= is empty; no program is chosen.');
    program = null;
  }
  return { settings, program, problems };
}

/** One shell word, single-quoted unless it is made only of characters no shell changes. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * The `stormglass trace` command that gives the same trace. The CPU level is always written: the
 * command's own default is the level of the machine it runs on. `PROGRAM` stands for a program
 * not chosen yet.
 */
export function commandLine(settings: TraceSettings, program: string | null, source: TraceSource | null): string {
  const words = ['stormglass', 'trace'];
  // `--name=value` when the value starts with '-': the CLI's parseArgs refuses `--name -value`.
  const option = (name: string, value: string) => words.push(...(value.startsWith('-') ? [`${name}=${value}`] : [name, value]));
  if (source) option(source.kind === 'archive' ? '--archive' : '--root', source.name);
  if (settings.profile !== 'auto') option('--profile', settings.profile);
  option('--cpu', settings.cpu);
  if (settings.glibc !== null) option('--glibc', `2.${settings.glibc}`);
  if (settings.nix !== null) words.push(settings.nix ? '--nix' : '--no-nix');
  if (settings.noteAware) words.push('--note-aware');
  for (const [name, value] of Object.entries(environmentOf(settings))) option('--env', `${name}=${value}`);
  for (const call of settings.dlopen) option('--dlopen', call);
  if (settings.secure) words.push('--secure');
  // After `--` a program whose name starts with '-' is not read as an option.
  if (program?.startsWith('-')) words.push('--');
  words.push(program ?? 'PROGRAM');
  return words.map(shellQuote).join(' ');
}
