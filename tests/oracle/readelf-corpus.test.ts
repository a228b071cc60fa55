// Sweeps every ELF file under /usr/bin and /usr/lib/x86_64-linux-gnu through
// readelf and the oracle's parsers, and checks that the parsers understood
// every line and agree with readelf's own counts and with the raw headers.
// Each check collects "file: problem" strings so a failure names the files.
import { beforeAll, describe, expect, it } from 'vitest';
import { listElfFiles } from './elf-files.ts';
import { readRawElf } from './raw-elf.ts';
import {
  hasReadelfError,
  parseDynamic,
  parseFileHeader,
  parseNotes,
  parseProgramHeaders,
  parseSections,
  parseVersionInfo,
  readelfAvailable,
  readelfBatchDetailed,
} from './readelf.ts';
import type {
  DynamicInfo,
  FileHeaderInfo,
  NotesInfo,
  ProgramHeadersInfo,
  SectionsInfo,
  VersionInfo,
} from './readelf.ts';

const SYSTEM_DIRS = ['/usr/bin', '/usr/lib/x86_64-linux-gnu'];

interface Parsed {
  file: string;
  header: FileHeaderInfo;
  ph: ProgramHeadersInfo;
  dyn: DynamicInfo;
  notes: NotesInfo;
  sec: SectionsInfo;
  ver: VersionInfo;
}

describe.skipIf(!readelfAvailable())('readelf oracle over all system ELF files', () => {
  let parsed: Parsed[] = [];
  let erroneous: string[] = [];

  beforeAll(() => {
    const files = listElfFiles(SYSTEM_DIRS);
    // One pass with -h too: it suppresses the "Elf file type is" / "There are N
    // ... headers" lines, which the parsers must not depend on.
    const out = readelfBatchDetailed(files, '-hlndSV');
    parsed = [];
    erroneous = [];
    for (const [file, r] of out) {
      if (hasReadelfError(r)) {
        erroneous.push(file);
        continue;
      }
      const t = r.stdout;
      parsed.push({
        file,
        header: parseFileHeader(t),
        ph: parseProgramHeaders(t),
        dyn: parseDynamic(t),
        notes: parseNotes(t),
        sec: parseSections(t),
        ver: parseVersionInfo(t),
      });
    }
  });

  function problems(check: (p: Parsed) => string | null | undefined | false): string[] {
    return parsed.map((p) => {
      const why = check(p);
      return why ? `${p.file}: ${why}` : null;
    }).filter((x): x is string => x !== null);
  }

  it('covers well over a thousand files, nearly all without readelf errors', () => {
    expect(parsed.length).toBeGreaterThan(1000);
    expect(erroneous.length).toBeLessThan(parsed.length / 100);
  });

  it('leaves no line of any recognised block unparsed', () => {
    expect(
      problems((p) => {
        const u = [p.header, p.ph, p.dyn, p.notes, p.sec, p.ver].flatMap((x) => x.unparsed);
        return u.length > 0 && `unparsed ${JSON.stringify(u.slice(0, 3))}`;
      }),
    ).toEqual([]);
  });

  it('finds as many sections and segments as the ELF header declares', () => {
    expect(
      problems(
        (p) =>
          (p.sec.sections.length !== (p.header.sectionHeaderCount ?? -1) &&
            `sections ${p.sec.sections.length} vs header ${p.header.sectionHeaderCount}`) ||
          (p.ph.headers.length !== (p.header.programHeaderCount ?? -1) &&
            `segments ${p.ph.headers.length} vs header ${p.header.programHeaderCount}`) ||
          (p.ph.headers.length > 0 && p.ph.mapping.length !== p.ph.headers.length && 'mapping rows'),
      ),
    ).toEqual([]);
  });

  it('agrees with the raw program and section header tables', () => {
    expect(
      problems((p) => {
        const raw = readRawElf(p.file);
        const ph = p.ph.headers.map((h) => `${h.offset}/${h.vaddr}/${h.paddr}/${h.filesz}/${h.memsz}/${h.align}`);
        const rph = raw.phdrs.map((h) => `${h.offset}/${h.vaddr}/${h.paddr}/${h.filesz}/${h.memsz}/${h.align}`);
        if (ph.join() !== rph.join()) return 'program headers differ';
        const sh = p.sec.sections.map((s) => `${s.name}/${s.address}/${s.offset}/${s.size}/${s.entsize}/${s.link}/${s.info}/${s.align}`);
        const rsh = raw.shdrs.map((s) => `${s.name}/${s.addr}/${s.offset}/${s.size}/${s.entsize}/${s.link}/${s.info}/${s.align}`);
        return sh.join() !== rsh.join() && 'sections differ';
      }),
    ).toEqual([]);
  });

  it('has a dynamic table exactly when there is a DYNAMIC segment, with all entries read', () => {
    expect(
      problems((p) => {
        const seg = p.ph.headers.find((h) => h.type === 'DYNAMIC');
        if (!seg) return !p.dyn.noDynamicSection && 'no DYNAMIC segment but a dynamic table';
        if (p.dyn.offset !== seg.offset) return `dynamic offset ${p.dyn.offset} vs segment ${seg.offset}`;
        if (p.dyn.entries.length !== p.dyn.declaredCount) return `${p.dyn.entries.length} of ${p.dyn.declaredCount} entries`;
        if (p.dyn.entries.at(-1)?.name !== 'NULL') return 'last entry is not NULL';
        const needed = p.dyn.entries.filter((e) => e.name === 'NEEDED').length;
        return needed !== p.dyn.needed.length && 'NEEDED count';
      }),
    ).toEqual([]);
  });

  it('reports an interpreter exactly when there is an INTERP segment', () => {
    expect(
      problems((p) => {
        const has = p.ph.headers.some((h) => h.type === 'INTERP');
        return has !== (p.ph.interpreter !== null) && `INTERP ${has}, interpreter ${p.ph.interpreter}`;
      }),
    ).toEqual([]);
  });

  it('lists notes from exactly the non-empty NOTE sections, with details for GNU notes', () => {
    expect(
      problems((p) => {
        const noteSections = p.sec.sections.filter((s) => s.type === 'NOTE' && s.size > 0n).map((s) => s.name);
        const sources = [...new Set(p.notes.notes.map((n) => (n.source.kind === 'section' ? n.source.name : '?')))];
        if (sources.join() !== noteSections.join()) return `note sources ${sources} vs sections ${noteSections}`;
        const bare = p.notes.notes.find((n) => n.owner === 'GNU' && n.details.length === 0);
        if (bare) return `GNU note without details: ${bare.description}`;
        // SystemTap notes print Provider, Name, Location and Arguments lines.
        const sdt = p.notes.notes.find((n) => n.owner === 'stapsdt' && n.details.length !== 4);
        return sdt && `stapsdt note with ${sdt.details.length} detail lines`;
      }),
    ).toEqual([]);
  });

  it('reads all version needs, definitions and symbol versions', () => {
    expect(
      problems((p) => {
        const v = p.ver;
        if (v.needsSection && v.needs.length !== v.needsSection.declaredCount) return 'need count';
        if (v.needs.some((n) => n.entries.length !== n.count)) return 'need entry count';
        if (v.definitionsSection && v.definitions.length !== v.definitionsSection.declaredCount) return 'definition count';
        if (v.definitions.some((d) => d.parents.length !== d.count - 1)) return 'definition parents';
        if (v.symbolsSection && v.symbols.length !== v.symbolsSection.declaredCount) return 'versym count';
        const verneednum = p.dyn.entries.find((e) => e.name === 'VERNEEDNUM');
        if (verneednum && Number(verneednum.value) !== v.needs.length) return 'VERNEEDNUM';
        const neededFiles = new Set(p.dyn.needed);
        const stray = v.needs.find((n) => !neededFiles.has(n.file));
        return stray && `version need for ${stray.file}, which is not NEEDED`;
      }),
    ).toEqual([]);
  });
});
