// What the loader reads from a candidate file: open_verify's header checks (elf/dl-load.c L1578,
// glibc-loader-search.md §2.6) and, for objects it maps, the dynamic section and the resolution
// note. Parsed once per file identity with the ELF core and reused across lookups.
import type { Engine } from '../engine/engine.ts';
import type { ElfReport, LdcacheEntry } from '../elf/types.ts';
import type { FileId, Vfs } from '../vfs/types.ts';
import { DF_1_NODEFLIB } from '../elf/names/dynamic.ts';
import type { Arch } from './profile.ts';

export interface ObjectFacts {
  needed: string[];
  soname: string | null;
  /** DT_RPATH, dropped when the object also has DT_RUNPATH (elf/get-dynamic-info.h). */
  rpath: string | null;
  runpath: string | null;
  nodeflib: boolean;
  /** The first valid .note.nixos.ldcache in a PT_NOTE (resolution-note.md §4.2), null if none. */
  resolutionNote: LdcacheEntry[] | null;
  report: ElfReport;
}

/** open_verify's verdict on a file it opened. */
export type Verdict =
  | { kind: 'ok'; facts: ObjectFacts }
  /**
   * Another ELF class (remembered for the "wrong ELF class" error) or another machine: closed,
   * errno = ENOENT, the search goes on.
   */
  | { kind: 'wrong-class'; elfClass: string | null }
  /** Fatal for this lookup: no further candidate is tried (too short, not ELF, wrong type…). */
  | { kind: 'fatal'; message: string };

const MACHINE: Record<Arch, { elfClass: 'ELF32' | 'ELF64'; machine: number; data: 'little-endian' | 'big-endian' }> = {
  x86_64: { elfClass: 'ELF64', machine: 62, data: 'little-endian' },
  aarch64: { elfClass: 'ELF64', machine: 183, data: 'little-endian' },
  ppc64le: { elfClass: 'ELF64', machine: 21, data: 'little-endian' },
  s390x: { elfClass: 'ELF64', machine: 22, data: 'big-endian' },
  i686: { elfClass: 'ELF32', machine: 3, data: 'little-endian' },
};

/** The smallest read open_verify accepts: an ELF header (it asks for 832 bytes). */
const MIN_READ = 64;
const ET_EXEC = 2;
const ET_DYN = 3;

function factsOf(report: ElfReport): ObjectFacts {
  // glibc's walk matches owner "NixOS\0" and the type; a note of that type under another name is
  // passed over, and the first matching one decides, valid or not (resolution-note.md §4.2).
  const note = report.notes.find((n) => n.source === 'segment' && n.decoded?.kind === 'nixos-ldcache'
    && n.decoded.problem?.code !== 'ldcache_bad_name');
  const decoded = note?.decoded?.kind === 'nixos-ldcache' ? note.decoded : null;
  return {
    needed: report.needed.map((n) => n.text),
    soname: report.soname?.text ?? null,
    rpath: report.runpath ? null : (report.rpath?.text ?? null),
    runpath: report.runpath?.text ?? null,
    nodeflib: ((report.flags1 ?? 0) & DF_1_NODEFLIB) !== 0,
    // The first matching note decides: an invalid one disables the cache (§4.2).
    resolutionNote: decoded && decoded.valid ? decoded.entries : null,
    report,
  };
}

export class ElfFacts {
  private readonly verdicts = new Map<string, Verdict>();

  constructor(private readonly engine: Engine, private readonly vfs: Vfs, private readonly arch: Arch) {}

  /** open_verify of an opened node: a directory reads as EISDIR, too short for an ELF header. */
  verify(id: FileId, kind: 'file' | 'dir' | 'other', size: number): Verdict {
    if (kind === 'dir') return { kind: 'fatal', message: 'cannot read file data: Is a directory' };
    if (size < MIN_READ) return { kind: 'fatal', message: 'file too short' };
    const key = `${id.dev}:${id.ino}`;
    let verdict = this.verdicts.get(key);
    if (!verdict) {
      verdict = this.judge(id);
      this.verdicts.set(key, verdict);
    }
    return verdict;
  }

  /** The checks in open_verify's order: magic, class (not fatal), byte order, machine (not fatal), type. */
  private judge(id: FileId): Verdict {
    const result = this.engine.parseSource(this.vfs.source(id), { loaderView: true });
    if (!result.ok) {
      return result.error.code === 'elf_bad_class'
        ? { kind: 'wrong-class', elfClass: null }
        : { kind: 'fatal', message: result.error.code === 'elf_bad_data' ? 'ELF file data encoding not little-endian' : 'invalid ELF header' };
    }
    const header = result.report.header;
    const want = MACHINE[this.arch];
    if (header.class !== want.elfClass) return { kind: 'wrong-class', elfClass: header.class === 'ELF32' ? 'ELFCLASS32' : 'ELFCLASS64' };
    if (header.data !== want.data) return { kind: 'fatal', message: `ELF file data encoding not ${want.data}` };
    if (header.machine !== want.machine) return { kind: 'wrong-class', elfClass: null };
    if (header.type !== ET_DYN && header.type !== ET_EXEC) return { kind: 'fatal', message: 'only ET_DYN and ET_EXEC can be loaded' };
    return { kind: 'ok', facts: factsOf(result.report) };
  }

  /** Facts of a file known to be a loadable ELF (the program itself, the interpreter). */
  factsOfFile(id: FileId): ObjectFacts | null {
    const result = this.engine.parseSource(this.vfs.source(id), { loaderView: true });
    return result.ok ? factsOf(result.report) : null;
  }
}
