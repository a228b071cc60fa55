// The note record around a descriptor (resolution-note.md §2.1), against the worked example of
// §2.2 as the committed fixtures carry it: n_descsz 0x5d, note size 116, header words in the
// file's byte order.
import { describe, expect, it } from 'vitest';
import { encodeResolutionNote, NT_NIXOS_LD_CACHE, resolutionNoteSize } from '../../src/core/note/encode.ts';
import { buildResolutionNote } from '../../src/core/note/build.ts';
import { fixture, parse, tree } from './helpers.ts';

const WORKED_EXAMPLE = 'libbar.so\0=/s/A/lib/libbar.so:?$ORIGIN/../lib\0libfoo.so\0=/s/A/lib/libfoo.so:?$ORIGIN/../lib\0\0';
const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');

describe('encodeResolutionNote', () => {
  const descriptor = new TextEncoder().encode(WORKED_EXAMPLE);

  it('writes the little-endian header of §2.1 and pads the descriptor to 4', () => {
    const note = encodeResolutionNote(descriptor, 'little-endian');
    expect(descriptor.length).toBe(0x5d);
    expect(note.length).toBe(116);
    expect(hex(note.subarray(0, 20))).toBe('06 00 00 00 5d 00 00 00 b6 6c a8 63 4e 69 78 4f 53 00 00 00');
    expect(note.subarray(20, 20 + 0x5d)).toEqual(descriptor);
    expect(Array.from(note.subarray(20 + 0x5d))).toEqual([0, 0, 0]);
  });

  it('writes the header words big-endian for a big-endian file', () => {
    const note = encodeResolutionNote(descriptor, 'big-endian');
    expect(hex(note.subarray(0, 20))).toBe('00 00 00 06 00 00 00 5d 63 a8 6c b6 4e 69 78 4f 53 00 00 00');
    expect(note.subarray(20)).toEqual(encodeResolutionNote(descriptor, 'little-endian').subarray(20));
  });

  it('sizes the note as 20 + roundUp(descsz, 4)', () => {
    expect([3, 4, 5, 8, 93].map(resolutionNoteSize)).toEqual([24, 24, 28, 28, 116]);
    expect(NT_NIXOS_LD_CACHE).toBe(0x63a86cb6);
  });

  for (const [name, data] of [['elf64-le-ldcache', 'little-endian'], ['elf64-be-ldcache', 'big-endian']] as const) {
    it(`rebuilds the note ${name} carries, byte for byte, from a tree and the file's own dynamic section`, async () => {
      const bytes = fixture(`elf/${name}`);
      const report = await parse(bytes);
      expect(report.header.data).toBe(data);
      const vfs = tree({ '/s/A/lib/libfoo.so': 'foo', '/s/A/lib/libbar.so': 'bar' }).vfs();
      const built = buildResolutionNote(report, vfs, { patchelf: '0.19.0' });
      const note = report.notes.find((n) => n.source === 'segment' && n.owner === 'NixOS')!;
      const inFile = bytes.subarray(note.offset, note.offset + 116);
      expect(encodeResolutionNote(built.descriptor!, report.header.data)).toEqual(inFile);
    });
  }
});
