// A tree as a GNU tar archive, for closures that did not come as a tar (loose files, a NAR, a
// nix-store --export stream, or an xz/zstd tar the browser cannot recompress): directories,
// regular files (contents read from the tree, mode kept), symlinks and hard links, in the tree's
// byte order, member names relative ("nix/store/…") as GNU tar writes them. Names and link
// targets over 100 bytes use GNU 'L'/'K' long-name records, which tar.ts reads back.
import { concatBytes } from '../bytes.ts';
import { readWhole } from '../engine/engine.ts';
import { BLOCK } from './tar.ts';
import { treeEntries, type TreeVfs } from './resolve.ts';

const utf8 = new TextEncoder();
const NAME_FIELD = 100;

function octal(field: Uint8Array, at: number, width: number, value: number): void {
  field.set(utf8.encode(value.toString(8).padStart(width - 1, '0')), at);
}

function header(name: Uint8Array, type: string, mode: number, size: number, link: Uint8Array): Uint8Array {
  const h = new Uint8Array(BLOCK);
  h.set(name.subarray(0, NAME_FIELD), 0);
  octal(h, 100, 8, mode);
  octal(h, 108, 8, 0);
  octal(h, 116, 8, 0);
  octal(h, 124, 12, size);
  octal(h, 136, 12, 0);
  h[156] = type.charCodeAt(0);
  h.set(link.subarray(0, NAME_FIELD), 157);
  h.set(utf8.encode('ustar  \0'), 257); // GNU magic and version
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  octal(h, 148, 7, sum);
  return h;
}

function padding(size: number): Uint8Array {
  return new Uint8Array((BLOCK - (size % BLOCK)) % BLOCK);
}

/** The archive, and the paths of special files (devices, FIFOs, sockets) it could not carry. */
export function packTar(vfs: TreeVfs<object>): { bytes: Uint8Array; skipped: string[] } {
  const b = vfs.backend;
  const pieces: Uint8Array[] = [];
  const skipped: string[] = [];
  const long = (type: 'L' | 'K', text: Uint8Array) => {
    const data = new Uint8Array(text.length + 1); // NUL-terminated, as GNU tar writes it
    data.set(text);
    pieces.push(header(utf8.encode('././@LongLink'), type, 0o644, data.length, new Uint8Array()), data, padding(data.length));
  };
  const member = (name: Uint8Array, type: string, mode: number, link: Uint8Array, data: Uint8Array | null) => {
    if (name.length > NAME_FIELD) long('L', name);
    if (link.length > NAME_FIELD) long('K', link);
    const size = data?.length ?? 0;
    pieces.push(header(name, type, mode, size, link));
    if (data) pieces.push(data, padding(size));
  };
  for (const { path, node, kind, sameAs } of treeEntries(b)) {
    const name = utf8.encode(path.slice(1));
    if (kind === 'symlink') member(name, '2', 0o777, utf8.encode(b.linkTarget(node)), null);
    else if (kind === 'dir') member(utf8.encode(path.slice(1) + '/'), '5', b.stat(node).mode, new Uint8Array(), null);
    else if (kind === 'other') skipped.push(path); // a device, FIFO or socket: reported, never silently lost
    else if (sameAs !== null) member(name, '1', b.stat(node).mode, utf8.encode(sameAs.slice(1)), null);
    else {
      const stat = b.stat(node);
      member(name, '0', stat.mode, new Uint8Array(), readWhole(b.source(stat.id)));
    }
  }
  pieces.push(new Uint8Array(2 * BLOCK));
  return { bytes: concatBytes(pieces), skipped };
}
