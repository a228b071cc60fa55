// Program header type names and flag letters as readelf -l prints them
// (binutils/readelf.c get_segment_type; flags column "RWE" with spaces for unset bits).
const SEGMENT_TYPES: Record<number, string> = {
  0: 'NULL', 1: 'LOAD', 2: 'DYNAMIC', 3: 'INTERP', 4: 'NOTE', 5: 'SHLIB', 6: 'PHDR', 7: 'TLS',
  0x6474e550: 'GNU_EH_FRAME', 0x6474e551: 'GNU_STACK', 0x6474e552: 'GNU_RELRO',
  0x6474e553: 'GNU_PROPERTY', 0x6474e554: 'GNU_SFRAME',
};

const PT_LOOS = 0x60000000;
const PT_HIOS = 0x6fffffff;
const PT_LOPROC = 0x70000000;
const PT_HIPROC = 0x7fffffff;

export function segmentTypeName(type: number): string {
  const known = SEGMENT_TYPES[type];
  if (known) return known;
  if (type >= PT_LOPROC && type <= PT_HIPROC) return `LOPROC+0x${(type - PT_LOPROC).toString(16)}`;
  if (type >= PT_LOOS && type <= PT_HIOS) return `LOOS+0x${(type - PT_LOOS).toString(16)}`;
  return `<unknown>: 0x${type.toString(16)}`;
}

export function segmentFlagsText(flags: number): string {
  return (flags & 4 ? 'R' : ' ') + (flags & 2 ? 'W' : ' ') + (flags & 1 ? 'E' : ' ');
}
