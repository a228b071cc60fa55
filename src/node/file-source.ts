// A file on disk as the engine's ByteSource: the parse asks for the chunks it reaches and only
// those are read (pread into wasm memory), so inspecting a 100 MB library reads a few pages.
// FileSource reads through a descriptor the caller keeps open (parseFile); PathSource opens the
// file for each read, so a Vfs can hand out sources for thousands of files without holding
// descriptors (src/node/real-fs.ts).
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { ByteSource, Engine, ParseOptions } from '../core/engine/engine.ts';
import type { ParseResult } from '../core/elf/types.ts';

/** Fills `target` from `fd` at `offset` (pread until full). Throws if the file is shorter. */
export function preadFully(fd: number, target: Uint8Array, offset: number): void {
  let done = 0;
  while (done < target.length) {
    const n = readSync(fd, target, done, target.length - done, offset + done);
    if (n === 0) throw new Error(`file shrank while being read (at byte ${offset + done})`);
    done += n;
  }
}

export class FileSource implements ByteSource {
  readonly size: number;

  constructor(private readonly fd: number) {
    this.size = fstatSync(fd).size;
  }

  readInto(offset: number, target: Uint8Array): void {
    preadFully(this.fd, target, offset);
  }
}

/** A file named by path, of a size known from an earlier stat; each read opens and closes it. */
export class PathSource implements ByteSource {
  constructor(
    readonly path: string,
    readonly size: number,
  ) {}

  readInto(offset: number, target: Uint8Array): void {
    const fd = openSync(this.path, 'r');
    try {
      preadFully(fd, target, offset);
    } finally {
      closeSync(fd);
    }
  }
}

/** Parses the file at `path`, reading only what the parse needs. Throws on I/O errors. */
export function parseFile(engine: Engine, path: string, options: ParseOptions = {}): ParseResult {
  const fd = openSync(path, 'r');
  try {
    return engine.parseSource(new FileSource(fd), options);
  } finally {
    closeSync(fd);
  }
}
