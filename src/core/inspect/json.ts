// The stable machine form of `stormglass inspect --json`: snake_case keys, one object per file,
// readelf's names next to the raw numbers. Changing a key here is a breaking change of the CLI.
import type { ElfReport, Note, NoteDecoded, Problem } from '../elf/types.ts';
import { dtFlags1Names, dtFlagsNames } from '../elf/names/dynamic.ts';

export interface InspectFailure {
  file: string;
  ok: false;
  error: Problem;
}

function flagsJson(value: number | null, names: (v: number) => string[]) {
  return value === null ? null : { value, names: names(value) };
}

function decodedJson(d: NoteDecoded | null) {
  if (!d) return null;
  switch (d.kind) {
    case 'gnu-build-id': return { kind: d.kind, build_id: d.buildId };
    case 'gnu-abi-tag': return { kind: d.kind, os: d.os, version: d.version };
    case 'gnu-gold-version': return { kind: d.kind, text: d.text };
    case 'gnu-properties':
      return {
        kind: d.kind,
        properties: d.properties.map((p) => ({ type: p.typeName, type_number: p.type, data_size: p.dataSize, value: p.value, text: p.text })),
      };
    case 'nixos-ldcache':
      return {
        kind: d.kind, valid: d.valid, problem: d.problem,
        entries: d.entries.map((e) => ({
          soname: e.soname.text, soname_offset: e.soname.offset,
          path_list: e.pathList.text, path_list_offset: e.pathList.offset, elements: e.elements,
        })),
      };
  }
}

function noteJson(n: Note) {
  return {
    source: n.source, source_index: n.sourceIndex, offset: n.offset, owner: n.owner,
    type: n.typeName, type_number: n.type, size: n.descSize, align: n.align, decoded: decodedJson(n.decoded),
  };
}

export function inspectJson(file: string, r: ElfReport) {
  const h = r.header;
  return {
    file,
    ok: true as const,
    size: r.size,
    class: h.class,
    data: h.data,
    osabi: h.osabi,
    type: h.typeName,
    type_number: h.type,
    machine: h.machineName,
    machine_number: h.machine,
    entry: h.entry,
    interpreter: r.interpreter?.text ?? null,
    needed: r.needed.map((s) => s.text),
    soname: r.soname?.text ?? null,
    rpath: r.rpath?.text ?? null,
    runpath: r.runpath?.text ?? null,
    flags: flagsJson(r.flags, dtFlagsNames),
    flags_1: flagsJson(r.flags1, dtFlags1Names),
    segments: r.segments.map((s) => ({
      type: s.typeName, type_number: s.type, offset: s.offset, vaddr: s.vaddr, paddr: s.paddr,
      filesz: s.filesz, memsz: s.memsz, flags: s.flagsText, align: s.align,
    })),
    sections: r.sections.map((s) => ({
      name: s.name, type: s.typeName, type_number: s.type, flags: s.flagsText, addr: s.addr,
      offset: s.offset, size: s.size, link: s.link, info: s.info, align: s.addralign, entsize: s.entsize,
    })),
    dynamic: r.dynamic.map((d) => ({
      offset: d.offset, tag: d.tagName, tag_number: d.tag, value: d.value,
      string: d.string?.text ?? null, string_offset: d.string?.offset ?? null,
    })),
    notes: r.notes.map(noteJson),
    version_needs: r.versionNeeds.map((v) => ({
      file: v.file.text,
      versions: v.versions.map((a) => ({ name: a.name.text, hash: a.hash, flags: a.flags, index: a.index })),
    })),
    version_definitions: r.versionDefs.map((d) => ({
      index: d.index, flags: d.flags, hash: d.hash, names: d.names.map((n) => n.text),
    })),
    problems: r.problems,
  };
}

export type InspectJson = ReturnType<typeof inspectJson>;
