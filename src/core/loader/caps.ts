// The hwcaps subdirectory list CAPS: every directory of every search list is probed as
// dir + CAPS[i] + name (glibc-loader-search.md §1.3; glibc elf/dl-hwcaps.c _dl_important_hwcaps).
import type { LoaderProfile } from './profile.ts';

/**
 * glibc-hwcaps/<name>/ for each active subdir, then on glibc ≤ 2.36 the legacy power set of
 * [hwcap bit names…, PLATFORM, "tls"] (from the full set down to the empty string), and on
 * ≥ 2.37 just "" (legacy hwcaps removed, glibc commit 6099908fb8). Duplicates are kept: each
 * index has its own status slot in the directory table.
 */
export function capsList(profile: LoaderProfile): string[] {
  const caps = profile.hwcaps.map((name) => `glibc-hwcaps/${name}/`);
  if (profile.glibcMinor >= 37) return [...caps, ''];
  const temp = [...profile.legacyHwcapNames, ...(profile.platform ? [profile.platform] : []), 'tls'];
  for (let mask = (1 << temp.length) - 1; mask >= 0; mask--) {
    let entry = '';
    for (let n = temp.length - 1; n >= 0; n--) if (mask & (1 << n)) entry += `${temp[n]}/`;
    caps.push(entry);
  }
  return caps;
}
