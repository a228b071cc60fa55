// How offsets, sizes and other plain numbers are written wherever the project shows them in hex
// (the `inspect` text, the page's details view): "0x" and lowercase digits, like readelf. One
// formatter, so the CLI and the page spell the same offset the same way. Values that may use all
// 64 bits never reach it: the report already carries those as exact "0x…" strings (types.ts).
export const hex = (n: number, width = 0): string => '0x' + n.toString(16).padStart(width, '0');
