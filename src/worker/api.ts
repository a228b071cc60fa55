// The one boundary between the page and the engine worker, typed once: the worker `satisfies` it,
// the page `wrap<EngineApi>`s it (the squoosh / proxx pattern, docs/architecture.md habit 1).
// Only plain data crosses. Dropped files go in as Blobs (structured clone shares the file, the
// page never reads or copies the bytes); the worker reads them. Expected failures come back as
// `{ ok: false, … }` data; only a broken build (the wasm cannot be fetched or compiled) rejects.
import type { TraceSettings } from '../core/loader/trace-settings.ts';
import type { PatchelfVersion } from '../core/note/apply.ts';
import type { RewriteScope } from '../core/workspace/rewrite.ts';
import type { FileDetails, OnProgress, OpenOutcome, RewriteOutcome, TraceOutcome, Which } from '../core/workspace/session.ts';

export interface DropEntry {
  /** Relative path as dropped ("closure/lib/libfoo.so.1", or just the file name). */
  path: string;
  file: Blob;
}

export type EngineApi = {
  /** Replace the workspace with what was dropped: read, unpack, catalogue. */
  open(entries: DropEntry[], at: string, onProgress: OnProgress): Promise<OpenOutcome>;
  trace(program: string, settings: TraceSettings, which: Which): Promise<TraceOutcome>;
  details(path: string, which: Which): Promise<FileDetails | null>;
  /** Embed the resolution note in one file or the whole closure; the download's bytes are transferred. */
  rewrite(scope: RewriteScope, patchelf: PatchelfVersion, replace: boolean): Promise<RewriteOutcome>;
};
