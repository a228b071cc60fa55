// One workspace as the worker holds it: the dropped tree, its ELF catalogue, and the rewritten
// tree of the last "rewrite" (for the note-aware "after" view). Platform-neutral, so the Node
// tests drive exactly what the browser's worker runs. Parsed ELF facts are kept per tree and
// architecture, so a settings change re-traces without re-reading a file.
import type { Engine } from '../engine/engine.ts';
import type { ParseResult } from '../elf/types.ts';
import { ElfFacts } from '../loader/elf-facts.ts';
import { simulate, SimulationError } from '../loader/simulate.ts';
import type { Arch } from '../loader/profile.ts';
import type { Trace } from '../loader/trace-types.ts';
import { environmentOf, profileForSettings, type TraceSettings } from '../loader/trace-settings.ts';
import type { PatchelfVersion } from '../note/apply.ts';
import { checkStale, type StaleReport } from '../note/stale.ts';
import type { DroppedFile } from '../vfs/dropped-files.ts';
import { regularFiles } from '../vfs/regular-files.ts';
import type { TreeVfs } from '../vfs/resolve.ts';
import type { Problem } from '../elf/types.ts';
import { catalogElfFiles, type ElfEntry } from './catalog.ts';
import { openDrop, type DropSource } from './open-drop.ts';
import { rewriteWorkspace, type Download, type NotedFile, type RewriteScope } from './rewrite.ts';

export type Stage = 'reading' | 'unpacking' | 'parsing' | 'tracing' | 'rewriting';
export interface Progress {
  stage: Stage;
  done: number;
  total: number;
  /** The file being worked on, when there is one. */
  item: string;
}
export type OnProgress = (p: Progress) => void;

/** The source without its bytes: what the page shows and stores. */
export type SourceInfo = { kind: 'archive'; name: string; format: string; compression: string } | { kind: 'files'; at: string; count: number };

export interface WorkspaceSummary {
  source: SourceInfo;
  /** Regular files in the tree. */
  files: number;
  elves: ElfEntry[];
  notices: string[];
}

export type OpenOutcome = { ok: true; summary: WorkspaceSummary } | { ok: false; error: Problem; path: string | null };
export type TraceOutcome = { ok: true; trace: Trace } | { ok: false; message: string };
export type Which = 'current' | 'after';
export interface FileDetails {
  path: string;
  parse: ParseResult;
  /** The note present, compared with the one patchelf would build now; null without a note. */
  stale: StaleReport | null;
}
export type RewriteOutcome =
  | { ok: true; download: Download; files: NotedFile[]; notices: string[] }
  | { ok: false; message: string; error: Problem | null };

interface Tree {
  vfs: TreeVfs<object>;
  facts: Map<Arch, ElfFacts>;
}

function infoOf(source: DropSource): SourceInfo {
  return source.kind === 'archive'
    ? { kind: 'archive', name: source.name, format: source.format, compression: source.compression }
    : source;
}

/**
 * Libraries whose SONAME names nothing in their own directory. In a package the SONAME is a
 * symlink to the versioned file (libfoo.so.1 -> libfoo.so.1.2.3), and browsers leave symlinks out
 * of a dropped or chosen folder, so the loader will not find them: say so, and how to keep them.
 */
function missingSonameLinks(vfs: TreeVfs<object>, elves: ElfEntry[]): string[] {
  return elves
    .filter((e) => e.kind === 'library' && e.soname !== null && !e.soname.includes('/'))
    .filter((e) => !vfs.stat(`${e.path.slice(0, e.path.lastIndexOf('/'))}/${e.soname}`, '/').ok)
    .map((e) => `${e.path} has SONAME ${e.soname}, which is not in its folder: browsers leave symlinks out of dropped folders, so the loader cannot find it by that name. Drop a tar of the folder to keep its symlinks.`);
}

export class WorkspaceSession {
  private current: (Tree & { source: DropSource }) | null = null;
  private after: Tree | null = null;

  constructor(private readonly engine: Engine) {}

  async open(files: DroppedFile[], at: string, progress: OnProgress): Promise<OpenOutcome> {
    progress({ stage: 'unpacking', done: 0, total: 1, item: files.length === 1 ? files[0]!.path : `${files.length} files` });
    const opened = await openDrop(files, at);
    if (!opened.ok) return opened;
    const paths = regularFiles(opened.vfs);
    const elves: ElfEntry[] = [];
    let done = 0;
    for (const entry of catalogElfFiles(this.engine, opened.vfs, paths, opened.source.kind === 'files')) {
      elves.push(entry);
      if (++done % 64 === 0) progress({ stage: 'parsing', done, total: paths.length, item: entry.path });
    }
    this.current = { vfs: opened.vfs, facts: new Map(), source: opened.source };
    this.after = null;
    const notices = opened.source.kind === 'files' ? [...opened.notices, ...missingSonameLinks(opened.vfs, elves)] : opened.notices;
    return { ok: true, summary: { source: infoOf(opened.source), files: paths.length, elves, notices } };
  }

  private tree(which: Which): Tree | null {
    return which === 'after' ? this.after : this.current;
  }

  trace(program: string, settings: TraceSettings, which: Which = 'current'): TraceOutcome {
    const tree = this.tree(which);
    if (!tree) return { ok: false, message: which === 'after' ? 'nothing has been rewritten yet' : 'the workspace is empty' };
    const found = tree.vfs.stat(program, '/');
    if (!found.ok) return { ok: false, message: `${program}: ${found.errno}` };
    const parsed = this.engine.parseSource(tree.vfs.source(found.stat.id), { loaderView: true });
    const interpreter = parsed.ok ? (parsed.report.interpreter?.text ?? null) : null;
    const profile = profileForSettings(settings, tree.vfs, interpreter);
    let facts = tree.facts.get(profile.arch);
    if (!facts) tree.facts.set(profile.arch, (facts = new ElfFacts(this.engine, tree.vfs, profile.arch)));
    // The kernel sets AT_SECURE for a set-user-ID or set-group-ID program run by anyone else.
    const secure = settings.secure || (found.stat.mode & 0o6000) !== 0;
    try {
      const trace = simulate({ program, vfs: tree.vfs, engine: this.engine, profile, cwd: '/', env: environmentOf(settings), dlopen: settings.dlopen, secure, facts });
      return { ok: true, trace };
    } catch (error) {
      if (error instanceof SimulationError) return { ok: false, message: error.message };
      throw error;
    }
  }

  details(path: string, which: Which = 'current', patchelf: PatchelfVersion = '0.19.0'): FileDetails | null {
    const tree = this.tree(which);
    const found = tree?.vfs.stat(path, '/');
    if (!tree || !found?.ok || found.stat.kind !== 'file') return null;
    const source = tree.vfs.source(found.stat.id);
    const parse = this.engine.parseSource(source, { symbols: true });
    const stale = parse.ok && parse.report.notes.some((n) => n.decoded?.kind === 'nixos-ldcache')
      ? checkStale(parse.report, tree.vfs, { patchelf, file: source })
      : null;
    return { path, parse, stale };
  }

  async rewrite(scope: RewriteScope, patchelf: PatchelfVersion, replace: boolean): Promise<RewriteOutcome> {
    if (!this.current) return { ok: false, message: 'the workspace is empty', error: null };
    const done = await rewriteWorkspace(this.engine, this.current.vfs, this.current.source, scope, { patchelf, replace });
    if (!done.ok) return done;
    this.after = { vfs: done.after as TreeVfs<object>, facts: new Map() };
    return { ok: true, download: done.download, files: done.files, notices: done.notices };
  }
}
