// Probes in strace's own syntax (strace 6, `-e trace=openat,newfstatat,fstat,access`), with the
// stat buffer argument written as `_` so traces compare line for line (glibc-loader-search.md §2.11).
import type { Errno } from '../vfs/types.ts';
import type { Probe } from './trace-types.ts';

const ERRNO_TEXT: Record<Errno, string> = {
  ENOENT: 'No such file or directory',
  ENOTDIR: 'Not a directory',
  ELOOP: 'Too many levels of symbolic links',
  EACCES: 'Permission denied',
  ENAMETOOLONG: 'File name too long',
};

/** A C string as strace quotes it: backslash escapes for quotes, backslashes and control bytes. */
export function quote(text: string): string {
  let out = '"';
  for (const byte of new TextEncoder().encode(text)) {
    if (byte === 0x22) out += '\\"';
    else if (byte === 0x5c) out += '\\\\';
    else if (byte === 0x0a) out += '\\n';
    else if (byte === 0x09) out += '\\t';
    else if (byte < 0x20 || byte >= 0x7f) out += '\\' + byte.toString(8);
    else out += String.fromCharCode(byte);
  }
  return out + '"';
}

function result(probe: Probe): string {
  return probe.result >= 0 ? `= ${probe.result}` : `= -1 ${probe.errno} (${ERRNO_TEXT[probe.errno!]})`;
}

export function straceLine(probe: Probe): string {
  switch (probe.call) {
    case 'openat':
      return `openat(AT_FDCWD, ${quote(probe.path!)}, O_RDONLY|O_CLOEXEC) ${result(probe)}`;
    case 'newfstatat':
      return probe.path === null
        ? `newfstatat(${probe.fd}, "", _, AT_EMPTY_PATH) ${result(probe)}`
        : `newfstatat(AT_FDCWD, ${quote(probe.path)}, _, 0) ${result(probe)}`;
    case 'fstat':
      return `fstat(${probe.fd}, _) ${result(probe)}`;
    case 'access':
      return `access(${quote(probe.path!)}, ${probe.purpose === 'preload-file' ? 'R_OK' : 'F_OK'}) ${result(probe)}`;
  }
}

export function straceText(probes: Probe[]): string {
  return probes.map((p) => straceLine(p) + '\n').join('');
}
