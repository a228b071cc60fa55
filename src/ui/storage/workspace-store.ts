// The workspace kept across reloads and offline visits, in IndexedDB through idb-keyval (the only
// module that touches storage). What is stored is what the user gave: the dropped files as Blobs
// (IndexedDB keeps them without a base64 copy), where they were placed, and the view (selected
// program and settings). A failed write (quota, private mode) is reported to the caller, which
// tells the user; the open workspace is never discarded because it could not be saved.
import { del, get, set } from 'idb-keyval';
import type { TraceSettings } from '../../core/loader/trace-settings.ts';
import type { DropEntry } from '../../worker/api.ts';

export type StoredSource = { kind: 'demo' } | { kind: 'drop'; entries: DropEntry[]; at: string };

export interface StoredView {
  program: string | null;
  settings: TraceSettings;
}

const SOURCE_KEY = 'stormglass:workspace';
const VIEW_KEY = 'stormglass:view';

export type SaveResult = { ok: true } | { ok: false; reason: string };

async function attempt(write: () => Promise<void>): Promise<SaveResult> {
  try {
    await write();
    return { ok: true };
  } catch (error) {
    const name = error instanceof DOMException ? error.name : 'Error';
    const detail = error instanceof Error ? error.message : String(error);
    return { ok: false, reason: name === 'QuotaExceededError' ? `the browser's storage quota is full (${detail})` : `${name}: ${detail}` };
  }
}

export function saveSource(source: StoredSource): Promise<SaveResult> {
  return attempt(() => set(SOURCE_KEY, source));
}

export function saveView(view: StoredView): Promise<SaveResult> {
  return attempt(() => set(VIEW_KEY, view));
}

/** The stored workspace, or null (nothing stored, or storage unavailable: then the app starts empty). */
export async function loadStored(): Promise<{ source: StoredSource | null; view: StoredView | null }> {
  try {
    const [source, view] = await Promise.all([get<StoredSource>(SOURCE_KEY), get<StoredView>(VIEW_KEY)]);
    return { source: source ?? null, view: view ?? null };
  } catch {
    return { source: null, view: null };
  }
}

export function clearStored(): Promise<SaveResult> {
  return attempt(async () => {
    await del(SOURCE_KEY);
    await del(VIEW_KEY);
  });
}
