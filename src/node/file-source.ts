// A file on disk as the engine's ByteSource: the parse asks for the chunks it reaches and only
// those are read (pread into wasm memory), so inspecting a 100 MB library reads a few pages.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { ByteSource, Engine, ParseOptions } from '../core/engine/engine.ts';
import type { ParseResult } from '../core/elf/types.ts';

class FileSource implements ByteSource {
  readonly size: number;

  constructor(private readonly fd: number) {
    this.size = fstatSync(fd).size;
  }

  readInto(offset: number, target: Uint8Array): void {
    let done = 0;
    while (done < target.length) {
      const n = readSync(this.fd, target, done, target.length - done, offset + done);
      if (n === 0) throw new Error(`file shrank while being read (at byte ${offset + done})`);
      done += n;
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
