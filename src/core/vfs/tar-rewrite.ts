// A tar archive with some regular members' contents replaced and everything else byte for byte
// as it was: other members, extension headers, the end-of-archive blocks and whatever follows.
// A replaced member keeps its header but for the size and the checksum (POSIX ustar header:
// size at 124, 12 octal bytes; chksum at 148, computed with the field as spaces).
import { concatBytes } from '../bytes.ts';
import { describeProblem } from '../elf/errors.ts';
import type { Problem } from '../elf/types.ts';
import { splitTreePath } from './memory-tree.ts';
import { BLOCK, TarError, tarMembers } from './tar.ts';

export type RewriteResult = { ok: true; bytes: Uint8Array; replaced: number } | { ok: false; error: Problem };

const MAX_OCTAL_SIZE = 8 ** 11 - 1;

function writeOctal(block: Uint8Array, at: number, digits: number, value: number): void {
  const text = value.toString(8).padStart(digits, '0');
  for (let i = 0; i < digits; i++) block[at + i] = text.charCodeAt(i);
  block[at + digits] = 0;
}

function header(original: Uint8Array, size: number): Uint8Array {
  const h = original.slice();
  writeOctal(h, 124, 11, size);
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of h) sum += byte;
  writeOctal(h, 148, 6, sum);
  h[155] = 0x20;
  return h;
}

/** `replacements` maps member paths (as the tree names them: "/nix/store/…/lib/libfoo.so") to new contents. */
export function rewriteTar(bytes: Uint8Array, replacements: ReadonlyMap<string, Uint8Array>): RewriteResult {
  const pieces: Uint8Array[] = [];
  let replaced = 0;
  try {
    const members = tarMembers(bytes);
    let step = members.next();
    while (!step.done) {
      const m = step.value;
      const content = replacements.get('/' + splitTreePath(m.name).join('/'));
      if (content === undefined || (m.type !== '0' && m.type !== '7')) {
        pieces.push(bytes.subarray(m.start, m.end));
      } else {
        if (m.paxSize || content.length > MAX_OCTAL_SIZE) {
          return { ok: false, error: { ...describeProblem('archive_unsupported_entry', m.header), message: `${m.name}: its size is kept in a pax record; rewriting it is not supported` } };
        }
        pieces.push(bytes.subarray(m.start, m.header), header(bytes.subarray(m.header, m.header + BLOCK), content.length), content);
        pieces.push(new Uint8Array((BLOCK - (content.length % BLOCK)) % BLOCK));
        replaced++;
      }
      step = members.next();
    }
    pieces.push(bytes.subarray(step.value));
  } catch (error) {
    if (error instanceof TarError) return { ok: false, error: describeProblem(error.code, error.offset) };
    throw error;
  }
  return { ok: true, bytes: concatBytes(pieces), replaced };
}
