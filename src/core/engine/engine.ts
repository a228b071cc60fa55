// The engine: the one TypeScript module that drives the wasm ELF core, the same in the browser
// worker and in Node. It owns the instance, copies each file into wasm memory exactly once, and
// turns the result stream into an ElfReport. A trap (which would be a core bug, never bad input)
// is caught, reported as internal_error, and the instance is replaced so the next call works.
import { Status } from '../../../wasm/assembly/status.ts';
import { ParseFlag } from '../../../wasm/assembly/out/tags.ts';
import { codeOfStatus, describeProblem } from '../elf/errors.ts';
import type { ParseResult } from '../elf/types.ts';
import { RecordTag, RecordView } from './records.ts';
import { decodeReport } from './decode.ts';

interface CoreExports {
  memory: WebAssembly.Memory;
  reserve(length: number): number;
  parse(length: number, flags: number): number;
  resultAddress(): number;
  resultLength(): number;
}

export interface ParseOptions {
  /** Also decode the dynamic symbol table (large for big libraries). */
  symbols?: boolean;
}

export interface Engine {
  parse(bytes: Uint8Array, options?: ParseOptions): ParseResult;
}

/** Largest input the core accepts: lengths cross the boundary as u32, minus the SIMD padding. */
const MAX_INPUT = 0xffff_ffff - 16;

export async function instantiateEngine(source: WebAssembly.Module | BufferSource): Promise<Engine> {
  const module = source instanceof WebAssembly.Module ? source : await WebAssembly.compile(source);
  return new CoreEngine(module);
}

class CoreEngine implements Engine {
  private core: CoreExports;

  constructor(private readonly module: WebAssembly.Module) {
    this.core = this.instantiate();
  }

  private instantiate(): CoreExports {
    return new WebAssembly.Instance(this.module, {}).exports as unknown as CoreExports;
  }

  parse(bytes: Uint8Array, options: ParseOptions = {}): ParseResult {
    const tooLarge = { ok: false as const, error: describeProblem('input_too_large', 0) };
    if (bytes.length > MAX_INPUT) return tooLarge;
    try {
      const address = this.core.reserve(bytes.length);
      if (address === 0) return tooLarge;
      // The one copy of the file's bytes: views are made after reserve(), which may grow memory.
      new Uint8Array(this.core.memory.buffer, address, bytes.length).set(bytes);
      const status = this.core.parse(bytes.length, options.symbols ? ParseFlag.Symbols : 0);
      const records = new RecordView(
        new DataView(this.core.memory.buffer, this.core.resultAddress(), this.core.resultLength()),
      );
      const input = new Uint8Array(this.core.memory.buffer, address, bytes.length);
      if (status !== Status.Ok) {
        const fatal = records.records().find((r) => r.tag === RecordTag.Problem);
        const offset = fatal ? records.num(fatal.fields[1]!) : 0;
        return { ok: false, error: describeProblem(codeOfStatus(status), offset) };
      }
      return { ok: true, report: decodeReport(records, input, options.symbols === true) };
    } catch (error) {
      if (!(error instanceof WebAssembly.RuntimeError)) throw error;
      this.core = this.instantiate();
      return { ok: false, error: describeProblem('internal_error', 0) };
    }
  }
}
