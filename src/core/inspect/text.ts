// The readable form of `stormglass inspect`: the same facts as the JSON, laid out like readelf
// (-h, -l, -d, -n, -S, -V) so its readers find things where they expect them.
import type { ElfReport, Note } from '../elf/types.ts';
import { dtFlags1Names, dtFlagsNames } from '../elf/names/dynamic.ts';
import { formatProblem } from '../elf/errors.ts';
import { hex } from '../elf/hex.ts';

/** A note's decoded content in readelf -n's words ("Build ID: …"); '' when it was not decoded. */
export function noteDetail(n: Note): string {
  const d = n.decoded;
  if (!d) return '';
  switch (d.kind) {
    case 'gnu-build-id': return `Build ID: ${d.buildId}`;
    case 'gnu-abi-tag': return `OS: ${d.os}, ABI: ${d.version}`;
    case 'gnu-properties': return 'Properties: ' + d.properties.map((p) => `${p.typeName}: ${p.text}`).join('; ');
    case 'gnu-gold-version': return `Version: ${d.text}`;
    case 'nixos-ldcache': {
      const head = d.valid ? 'Resolution cache (valid for glibc):' : `Resolution cache, ignored by glibc: ${d.problem?.code}`;
      return [head, ...d.entries.map((e) => `    ${e.soname.text} => ${e.pathList.text}`)].join('\n');
    }
  }
}

export function inspectText(file: string, r: ElfReport): string {
  const h = r.header;
  const lines: string[] = [`File: ${file}`];
  lines.push(`  ${h.class} ${h.data} ${h.typeName} (${h.machineName}), entry ${h.entry}, ${r.size} bytes`);
  if (r.interpreter) lines.push(`  Interpreter: ${r.interpreter.text}`);
  for (const n of r.needed) lines.push(`  NEEDED   ${n.text}`);
  if (r.soname) lines.push(`  SONAME   ${r.soname.text}`);
  if (r.rpath) lines.push(`  RPATH    ${r.rpath.text}`);
  if (r.runpath) lines.push(`  RUNPATH  ${r.runpath.text}`);
  if (r.flags !== null) lines.push(`  FLAGS    ${dtFlagsNames(r.flags).join(' ')}`);
  if (r.flags1 !== null) lines.push(`  FLAGS_1  ${dtFlags1Names(r.flags1).join(' ')}`);

  lines.push('', 'Program Headers:', '  Type           Offset     VirtAddr           FileSiz    MemSiz     Flg Align');
  for (const s of r.segments) {
    lines.push(`  ${s.typeName.padEnd(14)} ${hex(s.offset, 8)} ${s.vaddr.padEnd(18)} ${hex(s.filesz, 8)} ${hex(s.memsz, 8)} ${s.flagsText} ${hex(s.align)}`);
  }
  if (r.sections.length) {
    lines.push('', 'Section Headers:', '  [Nr] Name                 Type            Offset     Size       Flg Al');
    for (const s of r.sections) {
      lines.push(`  [${String(s.index).padStart(2)}] ${s.name.padEnd(20)} ${s.typeName.padEnd(15)} ${hex(s.offset, 8)} ${hex(s.size, 8)} ${s.flagsText.padStart(3)} ${s.addralign}`);
    }
  }
  if (r.notes.length) {
    lines.push('', 'Notes:');
    for (const n of r.notes) {
      const where = n.source === 'segment' ? `segment ${n.sourceIndex}` : `section ${r.sections[n.sourceIndex]?.name ?? n.sourceIndex}`;
      lines.push(`  ${n.owner.padEnd(8)} ${hex(n.descSize, 8)} ${n.typeName}  [${where}, offset ${hex(n.offset)}]`);
      const detail = noteDetail(n);
      if (detail) lines.push(`    ${detail}`);
    }
  }
  if (r.versionNeeds.length) {
    lines.push('', 'Version needs:');
    for (const v of r.versionNeeds) lines.push(`  ${v.file.text}: ${v.versions.map((a) => a.name.text).join(', ')}`);
  }
  if (r.problems.length) {
    lines.push('', 'Problems:');
    for (const p of r.problems) lines.push(`  ${formatProblem(p)}`);
  }
  return lines.join('\n') + '\n';
}
