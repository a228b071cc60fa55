// The `.note.nixos.ldcache` note record around a descriptor (resolution-note.md §1, §2.1): the
// three Elf_Nhdr words in the file's EI_DATA byte order (patchelf's wri()), the owner "NixOS\0"
// padded to 8, the descriptor, NUL padding to a multiple of 4. The same bytes in ELF32 and ELF64
// (both Nhdr types are three 32-bit words). Kept to one small function: the byte work may move
// into the wasm core later.
import type { ElfHeader } from '../elf/types.ts';

/** NT_NIXOS_LD_CACHE (patchelf src/patchelf.cc, glibc elf/elf.h hunk of ldcache.patch). */
export const NT_NIXOS_LD_CACHE = 0x63a86cb6;
/** The note owner; n_namesz counts its NUL, so it is 6. */
export const NIXOS_NOTE_OWNER = 'NixOS';
/** The section patchelf writes the note into, and by which it detects an existing one (§2.4). */
export const LDCACHE_SECTION_NAME = '.note.nixos.ldcache';

/** 20 + roundUp(descsz, 4): sh_size, p_filesz and p_memsz of the note (§2.1). */
export function resolutionNoteSize(descriptorSize: number): number {
  return 20 + ((descriptorSize + 3) & ~3);
}

/** The note bytes for `descriptor`, header words in `byteOrder` (report.header.data). */
export function encodeResolutionNote(descriptor: Uint8Array, byteOrder: ElfHeader['data']): Uint8Array {
  const out = new Uint8Array(resolutionNoteSize(descriptor.length));
  const view = new DataView(out.buffer);
  const little = byteOrder === 'little-endian';
  view.setUint32(0, NIXOS_NOTE_OWNER.length + 1, little); // n_namesz = 6
  view.setUint32(4, descriptor.length, little); // n_descsz, unpadded
  view.setUint32(8, NT_NIXOS_LD_CACHE, little);
  for (let i = 0; i < NIXOS_NOTE_OWNER.length; i++) out[12 + i] = NIXOS_NOTE_OWNER.charCodeAt(i);
  // out[17] is the owner's NUL and out[18..19] its padding to roundUp(6, 4) = 8: already zero.
  out.set(descriptor, 20);
  return out;
}
