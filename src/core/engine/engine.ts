// The engine: the one TypeScript module that drives the wasm ELF core, the same in the browser
// worker and in Node. It owns the instance, copies each file into wasm memory exactly once, and
// turns the result stream into an ElfReport. A trap (which would be a core bug, never bad input)
// is caught, reported as internal_error, and the instance is replaced so the next call works.
import { Status } from '../../../wasm/assembly/status.ts';
import { ParseFlag } from '../../../wasm/assembly/out/tags.ts';
import { codeOfStatus, describeProblem } from '../elf/errors.ts';
import type { ParseResult, Problem } from '../elf/types.ts';
import { RecordTag, RecordView } from './records.ts';
import { decodeReport } from './decode.ts';

interface CoreExports {
  memory: WebAssembly.Memory;
  prepare(length: number): number;
  markLoaded(firstChunk: number, count: number): void;
  neededChunk(): number;
  parse(flags: number): number;
  parseOutput(flags: number): number;
  resultAddress(): number;
  resultLength(): number;
  // The ELF writer (wasm/assembly/rewrite/, exports at the end of wasm/assembly/index.ts).
  prepareArgument(length: number): number;
  writeEmbedNote(noteLength: number, flags: number): number;
  writeSetRunpath(length: number): number;
  writeReplaceNeeded(fromLength: number, toLength: number): number;
  writeRemoveNote(): number;
  outputAddress(): number;
  outputLength(): number;
  outputChanged(): number;
}

/** One edit of the core's ELF writer; names and paths are raw bytes (src/core/rewrite/ encodes). */
export type CoreEdit =
  | { kind: 'embed-note'; note: Uint8Array; replace: boolean }
  | { kind: 'set-runpath'; runpath: Uint8Array }
  | { kind: 'replace-needed'; from: Uint8Array; to: Uint8Array }
  | { kind: 'remove-note' };

/**
 * A written file (a fresh copy; `changed` false means the edit had nothing to do), or why not.
 * `parsed` is the parse of a changed output, when write() was asked for one.
 */
export type WriteResult = { ok: true; bytes: Uint8Array; changed: boolean; parsed?: ParseResult } | { ok: false; error: Problem };

/** wasm/assembly/index.ts NEED_DATA and bytes/presence.ts CHUNK_SHIFT. */
const NEED_DATA = -1;
const CHUNK_SIZE = 1 << 16;

/**
 * Random access to a file too large to read whole for what a parse needs (the CLI's files):
 * the engine asks for 64 KiB chunks as the parse reaches them, straight into wasm memory.
 */
export interface ByteSource {
  readonly size: number;
  /** Fills `target` with the source's bytes starting at `offset`. */
  readInto(offset: number, target: Uint8Array): void;
}

/** All of a source's bytes, read once into a new buffer (for the few whole-file readers). */
export function readWhole(source: ByteSource): Uint8Array {
  const bytes = new Uint8Array(source.size);
  source.readInto(0, bytes);
  return bytes;
}

export interface ParseOptions {
  /** Also decode the dynamic symbol table (large for big libraries). */
  symbols?: boolean;
  /**
   * Instead of the symbols, their count and a digest computed in the core (report.symbolDigest):
   * enough to tell an edit left the table as it was, at a fraction of the cost of decoding it.
   */
  symbolDigest?: boolean;
  /**
   * Only what ld.so reads (header, program headers, interpreter, dynamic section, PT_NOTE notes):
   * sections, symbols and versions stay empty, and a demand-loaded file's tail is not read.
   */
  loaderView?: boolean;
}

/**
 * A file loaded whole into the core's input region, for a parse and then a write of the same bytes
 * without copying them in again (from a ByteSource, read straight into wasm memory: no copy at
 * all in JavaScript). Usable until the engine loads or parses anything else, or a write parses
 * its output (which takes the input region's place); a use after that throws (a caller bug).
 */
export interface LoadedFile extends ByteSource {
  parse(options?: ParseOptions): ParseResult;
  write(edit: CoreEdit, parseOutput?: ParseOptions): WriteResult;
  /** The loaded bytes, copied out. */
  bytes(): Uint8Array;
}

export type LoadResult = { ok: true; file: LoadedFile } | { ok: false; error: Problem };

export interface Engine {
  /** Loads a whole file into the core (see LoadedFile); fails only for input_too_large. */
  load(input: Uint8Array | ByteSource): LoadResult;
  /** Parses bytes already in memory (copied into wasm memory once, whole). */
  parse(bytes: Uint8Array, options?: ParseOptions): ParseResult;
  /** Parses a file read on demand: only the chunks the parse touches are read, each once. */
  parseSource(source: ByteSource, options?: ParseOptions): ParseResult;
  /**
   * Runs one writer edit on a whole file. The output is not checked here: src/core/rewrite/
   * parses it back before offering it. With `parseOutput`, a changed output is also parsed where
   * the core wrote it (no copy back in), with those options.
   */
  write(bytes: Uint8Array, edit: CoreEdit, parseOutput?: ParseOptions): WriteResult;
}

function parseFlags(options: ParseOptions): number {
  return (options.symbols ? ParseFlag.Symbols : 0) | (options.symbolDigest ? ParseFlag.SymbolDigest : 0)
    | (options.loaderView ? ParseFlag.LoaderView : 0);
}

/** Largest input the core accepts: lengths cross the boundary as u32, minus the SIMD padding. */
const MAX_INPUT = 0xffff_ffff - 16;

/** An input (or edit argument) the core has no room for. */
const tooLarge = () => ({ ok: false as const, error: describeProblem('input_too_large', 0) });

export async function instantiateEngine(source: WebAssembly.Module | BufferSource): Promise<Engine> {
  const module = source instanceof WebAssembly.Module ? source : await WebAssembly.compile(source);
  return new CoreEngine(module);
}

class CoreEngine implements Engine {
  private core: CoreExports;
  /** Counts the loads of the input region: a LoadedFile is usable while it is the last. */
  private generation = 0;

  constructor(private readonly module: WebAssembly.Module) {
    this.core = this.instantiate();
  }

  private instantiate(): CoreExports {
    return new WebAssembly.Instance(this.module, {}).exports as unknown as CoreExports;
  }

  parse(bytes: Uint8Array, options: ParseOptions = {}): ParseResult {
    const loaded = this.load(bytes);
    return loaded.ok ? loaded.file.parse(options) : loaded;
  }

  parseSource(source: ByteSource, options: ParseOptions = {}): ParseResult {
    return this.run(source.size, options, (input, chunk) => {
      const start = chunk * CHUNK_SIZE;
      source.readInto(start, input.subarray(start, Math.min(start + CHUNK_SIZE, source.size)));
      this.core.markLoaded(chunk, 1);
    });
  }

  write(bytes: Uint8Array, edit: CoreEdit, parseOutput?: ParseOptions): WriteResult {
    const loaded = this.load(bytes);
    return loaded.ok ? loaded.file.write(edit, parseOutput) : loaded;
  }

  load(input: Uint8Array | ByteSource): LoadResult {
    const size = input instanceof Uint8Array ? input.length : input.size;
    if (size > MAX_INPUT) return tooLarge();
    const generation = ++this.generation;
    const address = this.guard(() => {
      const at = this.core.prepare(size);
      if (at === 0) return 0;
      // Views are made after prepare(), which may grow (and so detach) the memory.
      const region = new Uint8Array(this.core.memory.buffer, at, size);
      if (input instanceof Uint8Array) region.set(input);
      else input.readInto(0, region);
      this.core.markLoaded(0, Math.ceil(size / CHUNK_SIZE));
      return at;
    });
    if (typeof address !== 'number') return address;
    if (address === 0) return tooLarge();
    const current = () => {
      if (generation !== this.generation) throw new Error('a LoadedFile was used after the engine loaded other bytes');
    };
    return {
      ok: true,
      file: {
        size,
        parse: (options = {}) => {
          current();
          return this.guard(() => this.finish(this.core.parse(parseFlags(options)), address, size, options));
        },
        write: (edit, parseOutput) => {
          current();
          return this.writeLoaded(address, size, edit, parseOutput);
        },
        bytes: () => {
          current();
          return new Uint8Array(this.core.memory.buffer, address, size).slice();
        },
        readInto: (offset, target) => {
          current();
          if (offset < 0 || offset + target.length > size) throw new RangeError(`read of ${target.length} bytes at ${offset} past the loaded ${size}`);
          target.set(new Uint8Array(this.core.memory.buffer, address + offset, target.length));
        },
      },
    };
  }

  /** Runs `call` on the core; a trap (a core bug) replaces the instance and becomes internal_error. */
  private guard<T>(call: () => T): T | { ok: false; error: Problem } {
    try {
      return call();
    } catch (error) {
      if (!(error instanceof WebAssembly.RuntimeError)) throw error;
      this.core = this.instantiate();
      this.generation++;
      return { ok: false, error: describeProblem('internal_error', 0) };
    }
  }

  /** One writer edit of the `size` bytes loaded at `address`. */
  private writeLoaded(address: number, size: number, edit: CoreEdit, parseOutput?: ParseOptions): WriteResult {
    const parts = edit.kind === 'embed-note' ? [edit.note]
      : edit.kind === 'set-runpath' ? [edit.runpath]
        : edit.kind === 'replace-needed' ? [edit.from, edit.to] : [];
    const argumentLength = parts.reduce((n, p) => n + p.length, 0);
    return this.guard((): WriteResult => {
      const argument = this.core.prepareArgument(argumentLength);
      if (argument === 0) return tooLarge();
      // Views are made after each call that may grow (and so detach) the memory.
      let at = argument;
      for (const part of parts) {
        new Uint8Array(this.core.memory.buffer, at, part.length).set(part);
        at += part.length;
      }
      const status = edit.kind === 'embed-note' ? this.core.writeEmbedNote(edit.note.length, edit.replace ? 1 : 0)
        : edit.kind === 'set-runpath' ? this.core.writeSetRunpath(edit.runpath.length)
          : edit.kind === 'replace-needed' ? this.core.writeReplaceNeeded(edit.from.length, edit.to.length)
            : this.core.writeRemoveNote();
      if (status === NEED_DATA) return { ok: false, error: describeProblem('internal_error', 0) };
      if (status !== Status.Ok) return { ok: false, error: this.fatalProblem(status) };
      if (this.core.outputChanged() === 0) {
        return { ok: true, bytes: new Uint8Array(this.core.memory.buffer, address, size).slice(), changed: false };
      }
      const outputAt = this.core.outputAddress();
      const length = this.core.outputLength();
      let parsed: ParseResult | undefined;
      if (parseOutput) {
        // The output becomes the core's input (it stays where it is, and is read out after): the
        // loaded file is gone.
        this.generation++;
        parsed = this.finish(this.core.parseOutput(parseFlags(parseOutput)), outputAt, length, parseOutput);
      }
      return { ok: true, bytes: new Uint8Array(this.core.memory.buffer, outputAt, length).slice(), changed: true, parsed };
    });
  }

  /** A finished parse of the `size` bytes at `address` in wasm memory as a ParseResult. */
  private finish(status: number, address: number, size: number, options: ParseOptions): ParseResult {
    if (status === NEED_DATA) return { ok: false, error: describeProblem('internal_error', 0) };
    if (status !== Status.Ok) return { ok: false, error: this.fatalProblem(status) };
    const records = new RecordView(new DataView(this.core.memory.buffer, this.core.resultAddress(), this.core.resultLength()));
    return { ok: true, report: decodeReport(records, new Uint8Array(this.core.memory.buffer, address, size), options.symbols === true) };
  }

  /** The Problem record a failed call left in the result stream, as a catalogue problem. */
  private fatalProblem(status: number): Problem {
    const records = new RecordView(new DataView(this.core.memory.buffer, this.core.resultAddress(), this.core.resultLength()));
    const fatal = records.records().find((r) => r.tag === RecordTag.Problem);
    const offset = fatal ? records.field(fatal.fields, 1) : 0;
    return describeProblem(codeOfStatus(status), offset);
  }

  /**
   * Prepares room for `size` bytes, lets `load` fill it (all at once, or the chunk a pass needs),
   * and parses until no pass asks for more. Each pass loads one new chunk, so this ends.
   */
  private run(size: number, options: ParseOptions, load: (input: Uint8Array, chunk: number) => void): ParseResult {
    if (size > MAX_INPUT) return tooLarge();
    this.generation++;
    return this.guard((): ParseResult => {
      const address = this.core.prepare(size);
      if (address === 0) return tooLarge();
      // Views are made after prepare(), which may grow (and so detach) the memory.
      const input = () => new Uint8Array(this.core.memory.buffer, address, size);
      const flags = parseFlags(options);
      load(input(), 0);
      let status = this.core.parse(flags);
      for (let passes = 1; status === NEED_DATA; passes++) {
        // A pass that asks again for a loaded chunk would never end: a core bug, not bad input.
        if (passes > size / CHUNK_SIZE + 1) return { ok: false, error: describeProblem('internal_error', 0) };
        load(input(), this.core.neededChunk());
        status = this.core.parse(flags);
      }
      return this.finish(status, address, size, options);
    });
  }
}
