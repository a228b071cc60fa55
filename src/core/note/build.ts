// The `.note.nixos.ldcache` descriptor patchelf would write for a file (resolution-note.md §3):
// buildResolutionCache() of patchelf 0.19 as in the stored snapshot (§3.1, '0.19.0'), and the
// 0.19.1 changes (§3.2) behind the switch. The answers about the filesystem come from a Vfs:
//   * access(dir + "/glibc-hwcaps", F_OK) and access(dir + "/" + soname, R_OK) are existence
//     tests through vfs.statEach (stat of dir/name, one batch per directory), which follows
//     symlinks as access(2) does; the Vfs models no users, so "readable" is "exists" (as for
//     root). The recorded path is the spelling, never the target.
//   * 0.19.1's "stats as a directory and is searchable" is vfs.stat → a directory with at least
//     one execute bit (what X_OK gives a non-root user of the matching class; root passes anyway).
// The descriptor is `soname NUL pathlist NUL`… NUL, pairs in bytewise soname order (std::map).
import type { ElfReport, LdcacheElement } from '../elf/types.ts';
import type { Errno, Vfs } from '../vfs/types.ts';
import { compareNames } from '../vfs/memory-tree.ts';
import { concatBytes } from '../bytes.ts';
import { hasDst } from '../loader/dst.ts';
import { splitPathList } from '../engine/decode-notes.ts';

export type PatchelfVersion = '0.19.0' | '0.19.1';

export interface BuildOptions {
  /**
   * '0.19.0': §3.1, the snapshot (tag 0.19.0 plus PR #658: empty and relative components are
   * `?` hints; a missing absolute directory contributes nothing; a trailing empty component is
   * dropped). '0.19.1': §3.2 (missing or unsearchable absolute entries become `?` hints; the
   * trailing empty component is kept).
   */
  patchelf: PatchelfVersion;
}

/** patchelf's warnings when it writes no note (§2.5); exit status 0. */
export const WARNING_NO_DYNAMIC = 'no dynamic section (statically linked?); no cache written';
export const WARNING_NOTHING_TO_RESOLVE = 'no DT_NEEDED entries or run path to resolve; no cache written';
export const WARNING_NOTHING_RESOLVED = 'no libraries resolved against the run path; no cache written';

/** One pair of the descriptor. */
export interface BuiltEntry {
  soname: string;
  /** The elements joined with ':'. */
  pathList: string;
  elements: LdcacheElement[];
}

/**
 * Why a run-path component became `?dir` hints, or how it was probed.
 * hint: 'empty', 'relative', 'dst' ($ORIGIN/$LIB/$PLATFORM), 'dollar' (another '$'), 'hwcaps'
 * (holds a glibc-hwcaps entry); 0.19.1 only: 'missing', 'not-directory', 'not-searchable'.
 * probe: 'directory'; 0.19.0 only: 'missing' and 'not-directory' (every probe fails: nothing).
 */
export type ComponentReason =
  | 'empty' | 'relative' | 'dst' | 'dollar' | 'hwcaps'
  | 'missing' | 'not-directory' | 'not-searchable' | 'directory';

export interface RunPathComponent {
  /** The component exactly as spelled in the run path. */
  dir: string;
  action: 'hint' | 'probe';
  reason: ComponentReason;
  /** The errno of stat(dir) for 'missing'/'not-directory', else null. */
  errno: Errno | null;
  /** For 'probe': the searched sonames found in it, in DT_NEEDED order (duplicates kept). */
  found: string[];
}

export interface ResolutionNoteBuild {
  /** The note descriptor, or null when patchelf writes no note (then `warning` says why). */
  descriptor: Uint8Array | null;
  warning: string | null;
  /** The pairs of the descriptor, in its order; empty when there is none. */
  entries: BuiltEntry[];
  /** The run path used: DT_RUNPATH, else DT_RPATH. */
  runPath: { tag: 'DT_RUNPATH' | 'DT_RPATH'; text: string } | null;
  /** The run path as patchelf splits it, each with its verdict (empty when nothing was classified). */
  components: RunPathComponent[];
  /** The DT_NEEDED names searched: all of them, in order with duplicates, but names with a '/'. */
  searched: string[];
  /** DT_NEEDED names containing '/': the loader opens them directly, patchelf never records them. */
  skipped: string[];
}

/**
 * splitColonDelimitedString: every ':' splits; a trailing empty component is dropped by 0.19.0
 * and kept by 0.19.1. An empty run path has no components in either (§2.5: it "splits to an
 * empty list"; 0.19.1 must still warn for it, as its no-run-path test does).
 */
export function splitRunPath(text: string, patchelf: PatchelfVersion): string[] {
  if (text === '') return [];
  const parts = text.split(':');
  if (patchelf === '0.19.0' && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** Does patchelf find a dynamic section (by section name, as it looks for .dynamic and .dynstr)? */
function hasDynamicSection(report: ElfReport): boolean {
  if (report.sections.length > 0) {
    return report.sections.some((s) => s.name === '.dynamic') && report.sections.some((s) => s.name === '.dynstr');
  }
  // No section headers in the report (a sectionless file, or a loaderView parse): PT_DYNAMIC stands in.
  return report.dynamic.length > 0;
}

const encoder = new TextEncoder();
const FINAL_NUL = new Uint8Array(1);

/** `soname NUL pathlist NUL` per pair, then the final NUL (§2.2). */
export function encodeDescriptor(entries: ReadonlyArray<{ soname: string; pathList: string }>): Uint8Array {
  return concatBytes([...entries.map((e) => encoder.encode(`${e.soname}\0${e.pathList}\0`)), FINAL_NUL]);
}

function hint(dir: string, reason: ComponentReason, errno: Errno | null = null): RunPathComponent {
  return { dir, action: 'hint', reason, errno, found: [] };
}

/**
 * How one component is treated (§3.1 step 5, §3.2), and which searched names it holds.
 * `probed` is ['glibc-hwcaps', ...searched]: every name patchelf access()es in a directory.
 */
function classify(dir: string, probed: readonly string[], vfs: Vfs, patchelf: PatchelfVersion): RunPathComponent {
  if (dir === '') return hint(dir, 'empty');
  // patchelf tests "not absolute" before "contains '$'"; both give the hint, so the label can
  // name the token ($ORIGIN/../lib is 'dst', not 'relative').
  if (dir.includes('$')) return hint(dir, hasDst(dir) ? 'dst' : 'dollar');
  if (!dir.startsWith('/')) return hint(dir, 'relative');
  const self = vfs.stat(dir, '/');
  // Not a directory to look into: stat fails (ENOTDIR when a component, or the entry itself under
  // a trailing '/', is no directory), or it is a file or device.
  const unusable: { reason: ComponentReason; errno: Errno } | null = !self.ok
    ? { reason: self.errno === 'ENOTDIR' ? 'not-directory' : 'missing', errno: self.errno }
    : self.stat.kind !== 'dir' ? { reason: 'not-directory', errno: 'ENOTDIR' } : null;
  if (patchelf === '0.19.1') {
    if (unusable) return hint(dir, unusable.reason, unusable.errno);
    if (self.ok && (self.stat.mode & 0o111) === 0) return hint(dir, 'not-searchable');
  }
  // 0.19.0 probes it anyway; every access() fails (dir/name fails as dir does), so it contributes nothing.
  if (unusable) return { dir, action: 'probe', ...unusable, found: [] };
  const answers = vfs.statEach(dir, probed);
  if (answers[0]!.ok) return hint(dir, 'hwcaps');
  const found: string[] = [];
  for (let i = 1; i < probed.length; i++) if (answers[i]!.ok) found.push(probed[i]!);
  return { dir, action: 'probe', reason: 'directory', errno: null, found };
}

/** What patchelf 0.19's `--build-resolution-cache` would write into this file, given `vfs`. */
export function buildResolutionNote(report: ElfReport, vfs: Vfs, options: BuildOptions): ResolutionNoteBuild {
  const runPath = report.runpath
    ? { tag: 'DT_RUNPATH' as const, text: report.runpath.text }
    : report.rpath
      ? { tag: 'DT_RPATH' as const, text: report.rpath.text }
      : null;
  const needed = report.needed.map((n) => n.text);
  const searched = needed.filter((name) => !name.includes('/'));
  const skipped = needed.filter((name) => name.includes('/'));
  const result: ResolutionNoteBuild = { descriptor: null, warning: null, entries: [], runPath, components: [], searched, skipped };

  if (!hasDynamicSection(report)) return { ...result, warning: WARNING_NO_DYNAMIC };
  const dirs = splitRunPath(runPath?.text ?? '', options.patchelf);
  if (needed.length === 0 || dirs.length === 0) return { ...result, warning: WARNING_NOTHING_TO_RESOLVE };

  // std::map<soname, pathlist>: each addEntry appends ":elem" (a duplicated DT_NEEDED appends twice).
  const map = new Map<string, string[]>();
  const add = (soname: string, element: string) => {
    const list = map.get(soname);
    if (list) list.push(element);
    else map.set(soname, [element]);
  };
  const probed = ['glibc-hwcaps', ...searched];
  for (const dir of dirs) {
    const component = classify(dir, probed, vfs, options.patchelf);
    result.components.push(component);
    if (component.action === 'hint') for (const soname of searched) add(soname, `?${dir}`);
    else for (const soname of component.found) add(soname, `=${dir}/${soname}`);
  }
  if (map.size === 0) return { ...result, warning: WARNING_NOTHING_RESOLVED };

  const entries = [...map.keys()].sort(compareNames).map((soname): BuiltEntry => {
    const pathList = map.get(soname)!.join(':');
    return { soname, pathList, elements: splitPathList(pathList) };
  });
  return { ...result, entries, descriptor: encodeDescriptor(entries) };
}
