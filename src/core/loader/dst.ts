// Dynamic string tokens: $ORIGIN, $PLATFORM, $LIB, braced or not (glibc-loader-search.md §2.3;
// elf/dl-load.c is_dst, _dl_dst_substitute). An unbraced token must not be followed by
// [A-Za-z0-9_]; any other '$…' is copied literally.
import type { LoaderProfile } from './profile.ts';

const TOKENS = ['ORIGIN', 'PLATFORM', 'LIB'] as const;
type Token = (typeof TOKENS)[number];

/** The token starting at `text[at]` (just after '$') and its length, or null (is_dst). */
function tokenAt(text: string, at: number): { token: Token; length: number } | null {
  for (const token of TOKENS) {
    if (text.startsWith(`{${token}}`, at)) return { token, length: token.length + 2 };
    if (text.startsWith(token, at) && !/[A-Za-z0-9_]/.test(text[at + token.length] ?? '')) {
      return { token, length: token.length };
    }
  }
  return null;
}

export function hasDst(text: string): boolean {
  for (let i = text.indexOf('$'); i >= 0; i = text.indexOf('$', i + 1)) if (tokenAt(text, i + 1)) return true;
  return false;
}

export interface DstContext {
  /** The object's $ORIGIN, null when unknown. */
  origin: string | null;
  /** True for the main program: in secure mode its $ORIGIN results must be trusted paths. */
  isMain: boolean;
  secure: boolean;
  profile: LoaderProfile;
}

/** Collapses "/./", "/../" and "//" as is_trusted_path_normalize (elf/dl-load.c) does. */
function normalize(path: string): string {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return '/' + parts.join('/') + (path.endsWith('/') && parts.length ? '/' : '');
}

function isTrusted(path: string, profile: LoaderProfile): boolean {
  const normalized = normalize(path.endsWith('/') ? path : path + '/');
  return profile.systemDirs.some((dir) => normalized.startsWith(dir));
}

/**
 * Substitutes the tokens of one element; null when it must be dropped (an unknown value, or a
 * secure-mode rule): fillin_rpath then skips the element, expand_dst skips the DT_NEEDED entry.
 */
export function substituteDst(element: string, ctx: DstContext): string | null {
  let out = '';
  let checkTrusted = false;
  let i = 0;
  while (i < element.length) {
    const dollar = element.indexOf('$', i);
    if (dollar < 0) { out += element.slice(i); break; }
    out += element.slice(i, dollar);
    const found = tokenAt(element, dollar + 1);
    if (!found) { out += '$'; i = dollar + 1; continue; }
    let value: string | null;
    if (found.token === 'ORIGIN') {
      // Secure mode honours $ORIGIN only at the start of the element and followed by '/' or end.
      const after = element[dollar + 1 + found.length];
      if (ctx.secure && (dollar !== 0 || (after !== undefined && after !== '/'))) value = null;
      else value = ctx.origin;
      checkTrusted = ctx.secure && ctx.isMain;
    } else if (found.token === 'PLATFORM') {
      value = ctx.profile.platform;
    } else {
      value = ctx.profile.dstLib;
    }
    if (value === null) return null;
    out += value;
    i = dollar + 1 + found.length;
  }
  if (checkTrusted && !isTrusted(out, ctx.profile)) return null;
  return out;
}
