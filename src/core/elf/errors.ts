// Stable snake_case names and plain messages for every code of the core's catalogue
// (wasm/assembly/status.ts). The UI renders by code, tests assert by code: never rename one.
import { Status } from '../../../wasm/assembly/status.ts';

export const ERROR_MESSAGES = {
  elf_empty: 'The file is empty.',
  elf_truncated: 'The file ends before its ELF header does.',
  elf_bad_magic: 'Not an ELF file: it does not start with the bytes 7f 45 4c 46.',
  elf_bad_class: 'Unknown ELF class (EI_CLASS is neither ELFCLASS32 nor ELFCLASS64).',
  elf_bad_data: 'Unknown byte order (EI_DATA is neither little- nor big-endian).',
  phdr_table_out_of_bounds: 'The program header table lies outside the file.',
  phdr_entsize_bad: 'e_phentsize does not match the size of a program header for this class.',
  shdr_table_out_of_bounds: 'The section header table lies outside the file.',
  shdr_entsize_bad: 'e_shentsize does not match the size of a section header for this class.',
  shstrndx_out_of_bounds: 'e_shstrndx names a section that does not exist.',
  section_name_out_of_bounds: 'A section name lies outside the section name table.',
  section_data_out_of_bounds: "A section's data lies outside the file.",
  interp_out_of_bounds: 'The PT_INTERP segment lies outside the file.',
  interp_unterminated: 'The interpreter path has no terminating NUL inside PT_INTERP.',
  dynamic_out_of_bounds: 'The PT_DYNAMIC segment lies outside the file.',
  dynamic_unterminated: 'The dynamic section has no DT_NULL entry before its end.',
  dyn_strtab_unmapped: 'DT_STRTAB points at an address no PT_LOAD segment maps from the file.',
  dyn_strtab_out_of_bounds: 'The dynamic string table (DT_STRTAB, DT_STRSZ) runs past the end of the file.',
  dyn_string_out_of_bounds: 'A dynamic entry names a string past the end of the dynamic string table.',
  dyn_string_unterminated: 'A dynamic string has no terminating NUL inside the string table.',
  dynamic_multiple: 'The file has more than one PT_DYNAMIC segment; the first is used.',
  note_region_out_of_bounds: 'A note segment or section lies outside the file.',
  note_bad_alignment: 'A note segment or section has an alignment other than 4 or 8.',
  note_header_truncated: 'A note region ends in the middle of a note header.',
  note_name_out_of_bounds: "A note's name runs past the end of its region.",
  note_desc_out_of_bounds: "A note's descriptor runs past the end of its region.",
  gnu_property_malformed: 'A GNU property runs past the end of its note.',
  ldcache_desc_too_short: 'The .note.nixos.ldcache descriptor is too short (glibc needs more than 2 bytes).',
  ldcache_desc_unterminated: 'The .note.nixos.ldcache descriptor does not end in two NUL bytes; glibc ignores it.',
  ldcache_empty_pathlist: 'A .note.nixos.ldcache entry has an empty path list; glibc ignores the whole note.',
  ldcache_segment_align: "The PT_NOTE holding .note.nixos.ldcache has p_align other than 4; glibc would misread it.",
  ldcache_bad_name: 'A note of the resolution-cache type is not named exactly "NixOS"; glibc ignores it.',
  dynsym_out_of_bounds: 'The dynamic symbol table runs past the end of the file.',
  dynsym_unmapped: 'DT_SYMTAB points at an address no PT_LOAD segment maps from the file.',
  symbol_name_out_of_bounds: "A symbol's name lies outside its string table.",
  hash_table_out_of_bounds: 'The symbol hash table (DT_HASH or DT_GNU_HASH) lies outside the file.',
  versym_out_of_bounds: 'The symbol version table (.gnu.version) lies outside the file.',
  verneed_out_of_bounds: 'A version-needed record (.gnu.version_r) lies outside the file.',
  verneed_loop: 'Version-needed records overlap or loop back.',
  verdef_out_of_bounds: 'A version-definition record (.gnu.version_d) lies outside the file.',
  verdef_loop: 'Version-definition records overlap or loop back.',
  version_name_out_of_bounds: 'A version name lies outside its string table.',
  input_too_large: 'The file is too large for the WebAssembly core to hold in memory.',
  write_unsupported_file: 'Only executables and shared objects (ET_EXEC, ET_DYN) with program headers and a PT_LOAD can be rewritten.',
  write_input_damaged: 'The file has a problem in a structure the edit must rewrite (see the report at this offset); nothing was written.',
  write_note_exists: 'The file already carries a different .note.nixos.ldcache note; ask to replace it, or start from the unpatched file.',
  write_bad_note: 'The note bytes are not one well-formed NixOS resolution note in the byte order of this file.',
  write_no_dynamic: 'The file has no usable dynamic section and dynamic string table (DT_STRTAB, DT_STRSZ), so it has no run path or DT_NEEDED to edit.',
  write_needed_not_found: 'No DT_NEEDED entry has that name.',
  write_bad_string: 'The new string is empty where a name is required, or contains a NUL byte.',
  write_layout_overflow: 'The rewritten file would not fit: an address or offset exceeds what this ELF class or the WebAssembly memory can hold.',
  write_unsupported_layout: 'The file is laid out in a way the writer does not handle (see the offset); nothing was written.',
  rewrite_check_failed: 'The rewritten file failed the writer\'s checks (listed after this), so it is not offered. For a file the parse reads without problems this is a Stormglass bug.',
  file_unreadable: 'The file could not be read.',
  internal_error: 'The ELF core stopped unexpectedly; this is a Stormglass bug. The core was restarted.',
  archive_unknown_format: 'Not an archive Stormglass reads: expected tar (plain, gzip, xz or zstd), a NAR, or a nix-store --export stream.',
  archive_truncated: 'The archive ends in the middle of a member, or before its end-of-archive marker.',
  archive_bad_checksum: 'A tar header checksum does not match the header: the archive is damaged, or this is not a tar header.',
  archive_bad_header: 'A tar header field is malformed: a number field holds something other than octal digits or a base-256 number.',
  archive_bad_pax: 'A pax extended header record is malformed (it must be "<length> <keyword>=<value>" and a newline).',
  archive_path_escape: 'A member name has a ".." component, which would place it outside the archive; the archive is refused.',
  archive_path_conflict: 'A member lies below an earlier member that is not a directory, or would replace a directory with a non-directory.',
  archive_entry_too_large: 'A member declares a size that no file can have here (negative, or more than 2^53 bytes).',
  archive_link_target_missing: 'A hard link names a member that is not an earlier file of the archive.',
  archive_unsupported_entry: 'The archive uses a tar feature Stormglass does not read (GNU sparse files or multi-volume members).',
  archive_bad_nar: 'The Nix archive (NAR) is malformed: an unexpected tag, a bad entry name, unsorted or duplicate entries, or non-zero padding.',
  archive_bad_export: 'The nix-store --export stream is malformed: bad framing, export magic, store path or signature flag.',
  archive_bad_compression: 'The compressed data is corrupt or ends early; the offset is how many bytes were decompressed before that.',
  archive_too_large: 'The decompressed archive is larger than 4 GiB, more than Stormglass holds in memory.',
  archive_unsupported_compression: 'The xz stream uses an integrity check other than CRC32 or CRC64 (SHA-256), which the decoder cannot verify.',
} as const;

export type ErrorCode = keyof typeof ERROR_MESSAGES;

/** Status enum member name (ElfBadMagic) to catalogue code (elf_bad_magic). */
function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (c, i: number) => (i === 0 ? '' : '_') + c.toLowerCase());
}

const CODE_BY_STATUS = new Map<number, ErrorCode>();
for (const [name, value] of Object.entries(Status)) {
  if (typeof value !== 'number' || value === Status.Ok) continue;
  const code = snakeCase(name);
  if (!(code in ERROR_MESSAGES)) throw new Error(`status ${name} has no message in errors.ts`);
  CODE_BY_STATUS.set(value, code as ErrorCode);
}

/** The codes the wasm core can report (every Status but Ok), in Status order. */
export function coreErrorCodes(): ErrorCode[] {
  return [...CODE_BY_STATUS.values()];
}

export function codeOfStatus(status: number): ErrorCode {
  return CODE_BY_STATUS.get(status) ?? 'internal_error';
}

export function describeProblem(code: ErrorCode, offset: number) {
  return { code, offset, message: ERROR_MESSAGES[code] };
}

/** "elf_bad_magic at byte 0x0: Not an ELF file ..." */
export function formatProblem(p: { code: ErrorCode; offset: number; message: string }): string {
  return `${p.code} at byte 0x${p.offset.toString(16)} (${p.offset}): ${p.message}`;
}
