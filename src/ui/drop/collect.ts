// Turning what the browser hands over (a drop, a file or folder picker, a paste) into DropEntry
// values with relative paths. A dropped folder is walked through the File and Directory Entries
// API (webkitGetAsEntry, readEntries until it returns nothing: it pages its results), so the tree
// keeps its shape; a folder picker gives webkitRelativePath. Files are never read here: the
// worker reads them.
import type { DropEntry } from '../../worker/api.ts';

function readBatch(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  return new Promise((resolve, reject) => reader.readEntries(resolve, reject));
}

function fileOf(entry: FileSystemFileEntry): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

async function walkEntry(entry: FileSystemEntry, out: DropEntry[]): Promise<void> {
  // fullPath is "/folder/sub/name": the relative path is that without the leading '/'.
  const path = entry.fullPath.replace(/^\/+/, '');
  if (entry.isFile) {
    out.push({ path, file: await fileOf(entry as FileSystemFileEntry) });
  } else if (entry.isDirectory) {
    const reader = (entry as FileSystemDirectoryEntry).createReader();
    for (let batch = await readBatch(reader); batch.length > 0; batch = await readBatch(reader)) {
      for (const child of batch) await walkEntry(child, out);
    }
  }
}

/** Every file of a drop, folders walked; falls back to the flat file list where entries are unavailable. */
export async function entriesFromDataTransfer(data: DataTransfer): Promise<DropEntry[]> {
  // Entries must be taken synchronously, before the first await: the DataTransfer is emptied after the event.
  const roots = Array.from(data.items)
    .filter((item) => item.kind === 'file')
    .map((item) => item.webkitGetAsEntry?.() ?? null);
  if (roots.length === 0 || roots.some((r) => r === null)) return entriesFromFiles(Array.from(data.files));
  const out: DropEntry[] = [];
  for (const root of roots) await walkEntry(root!, out);
  return out;
}

/** Files from an <input type=file> (with or without webkitdirectory) or a paste. */
export function entriesFromFiles(files: File[]): DropEntry[] {
  return files.map((file) => ({ path: file.webkitRelativePath || file.name, file }));
}
