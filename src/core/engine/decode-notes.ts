// Notes and their decoded contents from the core's Note, NoteAbiTag, NoteProperty, Ldcache and
// LdcacheEntry records (wasm/assembly/elf/notes*.ts, ldcache.ts), tied together by note offset.
import { codeOfStatus, describeProblem } from '../elf/errors.ts';
import type { GnuProperty, LdcacheElement, LdcacheEntry, Note, NoteDecoded } from '../elf/types.ts';
import { abiTagOs, gnuPropertyName, gnuPropertyText, noteTypeName } from '../elf/names/notes.ts';
import { RecordTag, type RawRecord, type RecordView } from './records.ts';
import type { StringSource } from './decode.ts';

const NT_GNU_BUILD_ID = 3;
const NT_GNU_GOLD_VERSION = 4;

/** A resolution-note path list: `=dir/soname` exact files and `?dir` search hints, ':'-separated. */
export function splitPathList(pathList: string): LdcacheElement[] {
  return pathList.split(':').map((element) =>
    element.startsWith('=') ? { kind: 'exact', path: element.slice(1) } : { kind: 'search', dir: element.slice(1) },
  );
}

function hexOf(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

interface NoteParts {
  abiTags: Map<number, RawRecord>;
  ldcaches: Map<number, RawRecord>;
  properties: Map<number, Map<number, GnuProperty>>;
  entries: Map<number, Map<number, LdcacheEntry>>;
}

/**
 * A note found both through its PT_NOTE and its SHT_NOTE is decoded twice by the core, with the
 * same offsets: keep each part (keyed by its own file offset) once per note.
 */
function addPart<T>(map: Map<number, Map<number, T>>, noteOffset: number, partOffset: number, item: T): void {
  let parts = map.get(noteOffset);
  if (!parts) map.set(noteOffset, (parts = new Map()));
  if (!parts.has(partOffset)) parts.set(partOffset, item);
}

/** One pass over the records: the decoded parts of every note, keyed by note offset. */
function collectParts(records: RawRecord[], v: RecordView, s: StringSource): NoteParts {
  const parts: NoteParts = { abiTags: new Map(), ldcaches: new Map(), properties: new Map(), entries: new Map() };
  for (const record of records) {
    const f = record.fields;
    switch (record.tag) {
      case RecordTag.NoteAbiTag: parts.abiTags.set(v.field(f, 0), record); break;
      case RecordTag.Ldcache: parts.ldcaches.set(v.field(f, 0), record); break;
      case RecordTag.NoteProperty: {
        const type = v.field(f, 2);
        const value = v.isNone(v.at(f, 5)) ? null : v.field(f, 5);
        addPart(parts.properties, v.field(f, 0), v.field(f, 1), {
          type, typeName: gnuPropertyName(type), dataSize: v.field(f, 3),
          value: value === null ? null : v.hexField(f, 5), text: gnuPropertyText(type, value),
        });
        break;
      }
      case RecordTag.LdcacheEntry: {
        const soname = s.ref(v, v.at(f, 1), v.at(f, 2))!;
        const pathList = s.ref(v, v.at(f, 3), v.at(f, 4))!;
        addPart(parts.entries, v.field(f, 0), soname.offset, { soname, pathList, elements: splitPathList(pathList.text) });
        break;
      }
      default: break;
    }
  }
  return parts;
}

export function decodeNotes(records: RawRecord[], v: RecordView, s: StringSource): Note[] {
  const parts = collectParts(records, v, s);
  const notes: Note[] = [];
  for (const { tag, fields: f } of records) {
    if (tag !== RecordTag.Note) continue;
    const owner = s.text(v.field(f, 6), v.field(f, 7));
    const type = v.field(f, 5);
    const note: Note = {
      source: v.field(f, 0) === 0 ? 'segment' : 'section', sourceIndex: v.field(f, 1),
      offset: v.field(f, 2), owner, type, typeName: noteTypeName(owner, type),
      nameSize: v.field(f, 3), descSize: v.field(f, 4), descOffset: v.field(f, 8),
      align: v.field(f, 9), decoded: null,
    };
    note.decoded = decodeOne(note, v, s, parts);
    notes.push(note);
  }
  return notes;
}

function decodeOne(note: Note, v: RecordView, s: StringSource, parts: NoteParts): NoteDecoded | null {
  if (note.owner === 'GNU') {
    if (note.type === NT_GNU_BUILD_ID) return { kind: 'gnu-build-id', buildId: hexOf(s.bytes(note.descOffset, note.descSize)) };
    const abi = parts.abiTags.get(note.offset);
    if (abi) {
      const n = (i: number) => v.field(abi.fields, i);
      return { kind: 'gnu-abi-tag', os: abiTagOs(n(1)), version: `${n(2)}.${n(3)}.${n(4)}` };
    }
    const properties = parts.properties.get(note.offset);
    if (properties) return { kind: 'gnu-properties', properties: [...properties.values()] };
    if (note.type === NT_GNU_GOLD_VERSION) {
      return { kind: 'gnu-gold-version', text: s.text(note.descOffset, note.descSize).replace(/\0+$/, '') };
    }
  }
  const ldcache = parts.ldcaches.get(note.offset);
  if (ldcache) {
    const status = v.field(ldcache.fields, 1);
    return {
      kind: 'nixos-ldcache', valid: status === 0,
      problem: status === 0 ? null : describeProblem(codeOfStatus(status), v.field(ldcache.fields, 2)),
      entries: [...(parts.entries.get(note.offset)?.values() ?? [])],
    };
  }
  return null;
}
