// The playground's state and the one place that talks to the engine worker: open what was
// dropped (or the demo, or what IndexedDB kept), pick the program, trace it with the settings,
// rewrite and download. Every job may be cancelled (the worker is terminated and the previous
// workspace re-opened). Big results live in $state.raw: they are replaced, never mutated.
import type { Problem } from '../core/elf/types.ts';
import { DEFAULT_SETTINGS, type TraceSettings } from '../core/loader/trace-settings.ts';
import type { Trace } from '../core/loader/trace-types.ts';
import type { NotedFile, RewriteScope } from '../core/workspace/rewrite.ts';
import type { FileDetails, OpenOutcome, Progress, RewriteOutcome, TraceOutcome, WorkspaceSummary } from '../core/workspace/session.ts';
import { formatProblem } from '../core/elf/errors.ts';
import type { DropEntry } from '../worker/api.ts';
import { cancelEngine, Comlink, engine } from './engine-client.ts';
import { settingsFromQuery, settingsToQuery } from './permalink.ts';
import { clearStored, loadStored, saveSource, saveView, type StoredSource } from './storage/workspace-store.ts';

export interface DemoInfo {
  archive: string;
  program: string;
  profile: TraceSettings['profile'];
  cpu: string;
  title: string;
  description: string;
}

export interface RewriteView {
  scope: RewriteScope;
  download: { name: string; url: string; size: number };
  files: NotedFile[];
  notices: string[];
  /** The note-aware loader over the files as they are (before) and as rewritten (after). */
  before: Trace | null;
  after: Trace | null;
  /** The rewritten program's own file, with its decoded note. */
  noted: FileDetails | null;
}

const CANCELLED = Symbol('cancelled');
/** At most this many notices are kept on screen; older ones scroll away. */
const MESSAGES_KEPT = 5;

const demoUrl = (name: string) => new URL(`demo/${name}`, document.baseURI).href;

export class Workspace {
  summary = $state.raw<WorkspaceSummary | null>(null);
  /** What the workspace came from, as stored: demo or a drop. */
  origin = $state.raw<StoredSource | null>(null);
  demo = $state.raw<DemoInfo | null>(null);
  program = $state<string | null>(null);
  settings = $state.raw<TraceSettings>({ ...DEFAULT_SETTINGS, dlopen: [] });
  trace = $state.raw<Trace | null>(null);
  traceError = $state<string | null>(null);
  tracing = $state(false);
  progress = $state.raw<Progress | null>(null);
  openError = $state.raw<{ error: Problem; path: string | null } | null>(null);
  /** Things the user must know that are not errors: a permalink value not understood, a cancel. */
  messages = $state.raw<string[]>([]);
  storageProblem = $state<string | null>(null);
  rewrite = $state.raw<RewriteView | null>(null);
  details = $state.raw<FileDetails | null>(null);

  private cancelJob: (() => void) | null = null;
  private traceSeq = 0;

  get programs(): string[] {
    return this.summary?.elves.filter((e) => e.kind === 'program').map((e) => e.path) ?? [];
  }

  get busy(): boolean {
    return this.progress !== null;
  }

  /**
   * Runs one cancellable worker job: its result, or CANCELLED when the user pressed Cancel (the
   * worker is gone then, with whatever the job was waiting for).
   */
  private async job<T>(work: () => Promise<T>): Promise<T | typeof CANCELLED> {
    const cancelled = new Promise<typeof CANCELLED>((resolve) => {
      this.cancelJob = () => resolve(CANCELLED);
    });
    try {
      return await Promise.race([work(), cancelled]);
    } finally {
      this.cancelJob = null;
    }
  }

  /** Start-up: the permalink's settings, then what IndexedDB kept, else the built-in demo. */
  async start(query: URLSearchParams): Promise<void> {
    const fromQuery = settingsFromQuery(query);
    const stored = await loadStored();
    const hasQuery = [...query.keys()].length > 0;
    this.settings = hasQuery || !stored.view ? fromQuery.settings : stored.view.settings;
    this.messages = fromQuery.problems;
    const wanted = fromQuery.program ?? stored.view?.program ?? null;
    if (stored.source?.kind === 'drop') await this.open(stored.source.entries, stored.source.at, { store: false, program: wanted });
    else await this.openDemo({ program: wanted, useDemoSettings: !hasQuery && !stored.view });
  }

  async openDemo(options: { program?: string | null; useDemoSettings?: boolean } = {}): Promise<void> {
    let info: DemoInfo;
    let archive: Blob;
    try {
      info = (await (await fetch(demoUrl('demo.json'))).json()) as DemoInfo;
      const response = await fetch(demoUrl(info.archive));
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      archive = await response.blob();
    } catch (error) {
      this.say(`The built-in demo could not be loaded (${error instanceof Error ? error.message : String(error)}). Drop your own files instead.`);
      return;
    }
    this.demo = info;
    if (options.useDemoSettings ?? true) this.settings = { ...this.settings, profile: info.profile, cpu: info.cpu };
    await this.open([{ path: info.archive, file: archive }], '/', { store: false, program: options.program ?? info.program });
    if (this.summary) await this.remember({ kind: 'demo' });
  }

  /** Replaces the workspace with a drop. */
  async open(entries: DropEntry[], at = '/', options: { store?: boolean; program?: string | null } = {}): Promise<void> {
    if (entries.length === 0) return;
    this.openError = null;
    this.progress = { stage: 'reading', done: 0, total: entries.reduce((n, e) => n + e.file.size, 0), item: entries[0]!.path };
    // Progress comes over the callback's own MessagePort, which is not ordered with the call's
    // reply: a report can arrive after the result, and must not bring the progress bar back.
    let live = true;
    const report = Comlink.proxy((p: Progress) => {
      if (live) this.progress = p;
    });
    const outcome = await this.job<OpenOutcome>(() => engine().open(entries, at, report));
    live = false;
    this.progress = null;
    if (outcome === CANCELLED) return this.afterCancel();
    if (!outcome.ok) {
      // The workspace in the worker is unchanged: the previous one stays usable.
      this.openError = outcome;
      return;
    }
    this.summary = outcome.summary;
    this.dropRewrite();
    this.details = null;
    const programs = this.programs;
    const wanted = options.program && programs.includes(options.program) ? options.program : null;
    this.program = wanted ?? (programs.length === 1 ? programs[0]! : null);
    if (options.store ?? true) await this.remember({ kind: 'drop', entries, at });
    this.updateAddress();
    // The first trace of a new workspace can be long (a big closure): it shows as a stage and can
    // be cancelled; a cancel then re-opens the workspace with no program chosen.
    await this.retrace(true);
  }

  private async remember(source: StoredSource): Promise<void> {
    this.origin = source;
    const saved = await saveSource(source);
    this.storageProblem = saved.ok ? null : `This workspace could not be saved in the browser (${saved.reason}). It stays open until you reload or close the tab; download what you need first.`;
    await this.rememberView();
  }

  private async rememberView(): Promise<void> {
    const saved = await saveView({ program: this.program, settings: this.settings });
    if (!saved.ok) this.storageProblem = `The selection and settings could not be saved (${saved.reason}).`;
  }

  /** The user pressed Cancel: stop the worker, then bring back the workspace it held. */
  cancel(): void {
    cancelEngine();
    this.cancelJob?.();
  }

  private async afterCancel(program: string | null = this.program): Promise<void> {
    this.say('Cancelled.');
    const previous = this.origin;
    this.summary = null;
    this.trace = null;
    this.dropRewrite();
    if (previous?.kind === 'drop') await this.open(previous.entries, previous.at, { store: false, program });
    else if (previous?.kind === 'demo') await this.openDemo({ program, useDemoSettings: false });
  }

  /** A notice for the user; the newest few are kept. */
  say(message: string): void {
    this.messages = [...this.messages, message].slice(-MESSAGES_KEPT);
  }

  /** Forgets the last rewrite (its download URL too): it no longer matches the view. */
  private dropRewrite(): void {
    if (this.rewrite) URL.revokeObjectURL(this.rewrite.download.url);
    this.rewrite = null;
  }

  async select(program: string | null): Promise<void> {
    this.program = program;
    this.dropRewrite();
    this.updateAddress();
    await this.rememberView();
    await this.retrace();
  }

  async change(settings: TraceSettings): Promise<void> {
    this.settings = settings;
    this.dropRewrite();
    this.updateAddress();
    await this.rememberView();
    await this.retrace();
  }

  private updateAddress(): void {
    const query = settingsToQuery(this.settings, this.program).toString();
    history.replaceState(history.state, '', `${location.pathname}${query ? `?${query}` : ''}${location.hash}`);
  }

  /**
   * Re-traces the selected program; a newer request wins over an older one still running. With
   * `cancellable` (a new workspace's first trace) it shows as the "tracing" stage with Cancel.
   */
  async retrace(cancellable = false): Promise<void> {
    const seq = ++this.traceSeq;
    if (!this.program || !this.summary) {
      this.trace = null;
      this.traceError = null;
      return;
    }
    const program = this.program;
    this.tracing = true;
    if (cancellable) this.progress = { stage: 'tracing', done: 0, total: 1, item: program };
    try {
      const request = () => engine().trace(program, this.settings, 'current') as Promise<TraceOutcome>;
      const outcome = cancellable ? await this.job(request) : await request();
      if (outcome === CANCELLED) {
        this.progress = null;
        return this.afterCancel(null);
      }
      if (seq !== this.traceSeq) return;
      this.trace = outcome.ok ? outcome.trace : null;
      this.traceError = outcome.ok ? null : outcome.message;
    } finally {
      if (seq === this.traceSeq) this.tracing = false;
      if (cancellable && this.progress?.stage === 'tracing') this.progress = null;
    }
  }

  async showDetails(path: string, which: 'current' | 'after' = 'current'): Promise<void> {
    this.details = await engine().details(path, which);
  }

  /** Embeds the note in the program or the whole closure, and predicts the loader before and after. */
  async embedNote(scope: RewriteScope, replace = false): Promise<void> {
    this.dropRewrite();
    this.progress = { stage: 'rewriting', done: 0, total: 1, item: scope.kind === 'program' ? scope.path : 'every ELF file' };
    const program = this.program;
    const noteAware = { ...this.settings, noteAware: true };
    // One job for the rewrite and its before/after traces: Cancel at any point stops all of it.
    const result = await this.job(async () => {
      const done = (await engine().rewrite(scope, '0.19.0', replace)) as RewriteOutcome;
      if (!done.ok || !program) return { done, before: null, after: null, noted: null };
      const [before, after, noted] = await Promise.all([
        engine().trace(program, noteAware, 'current') as Promise<TraceOutcome>,
        engine().trace(program, noteAware, 'after') as Promise<TraceOutcome>,
        engine().details(scope.kind === 'program' ? scope.path : program, 'after') as Promise<FileDetails | null>,
      ]);
      return { done, before, after, noted };
    });
    this.progress = null;
    if (result === CANCELLED) return this.afterCancel();
    const { done, before, after, noted } = result;
    if (!done.ok) {
      this.say(`No rewrite: ${done.error ? formatProblem(done.error) : done.message}`);
      return;
    }
    // The page's one copy of the bytes: a Blob the download link points at.
    const blob = new Blob([done.download.bytes as Uint8Array<ArrayBuffer>], { type: done.download.mime });
    this.rewrite = {
      scope,
      download: { name: done.download.name, url: URL.createObjectURL(blob), size: blob.size },
      files: done.files,
      notices: done.notices,
      before: before?.ok ? before.trace : null,
      after: after?.ok ? after.trace : null,
      noted,
    };
  }

  async clear(): Promise<void> {
    // A running job would bring the workspace back when it ends: Clear waits for no job (the
    // button is disabled while one runs) and outdates any trace still in flight.
    this.traceSeq++;
    const cleared = await clearStored();
    this.storageProblem = cleared.ok ? null : `The stored workspace could not be removed (${cleared.reason}).`;
    this.summary = null;
    this.origin = null;
    this.program = null;
    this.trace = null;
    this.traceError = null;
    this.tracing = false;
    this.dropRewrite();
    this.details = null;
    this.openError = null;
    this.messages = [];
    this.updateAddress();
  }
}
