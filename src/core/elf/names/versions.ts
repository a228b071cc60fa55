// Symbol version flag names (vd_flags, vna_flags) as readelf -V prints them
// (binutils/readelf.c get_ver_flags): "none", "BASE", "WEAK | INFO", and a single "<unknown>"
// however many other bits are set.
const VER_FLG = ['BASE', 'WEAK', 'INFO'];

export function versionFlagsText(flags: number): string {
  if (flags === 0) return 'none';
  const names = VER_FLG.filter((_, bit) => flags & (1 << bit));
  if (flags >>> VER_FLG.length) names.push('<unknown>');
  return names.join(' | ');
}
