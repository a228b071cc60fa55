// A loader profile: everything about a glibc build and the machine it runs on that changes which
// calls ld.so makes (docs: shared/docs/glibc-loader-search.md §1.2, §1.3, §4, §5). Presets live
// in presets.ts; `auto` reads the program's own interpreter (interpreter.ts), `host` the system
// loader's `ld.so --list-diagnostics` (diagnostics.ts). Plain data: it goes into URLs and JSON.
export type Arch = 'x86_64' | 'aarch64' | 'ppc64le' | 's390x' | 'i686';

export interface LoaderProfile {
  /** 'debian-12', 'debian-13', 'nixos', 'auto', 'host', or 'file:<path>'. */
  id: string;
  /** Where the values came from, in words ("Debian 12 preset", "/lib64/ld-linux-x86-64.so.2 read statically"). */
  source: string;
  /** glibc minor version: 36 for 2.36. Drives the per-version rules of §4. */
  glibcMinor: number;
  arch: Arch;
  /** SYSDIRS in order, each ending in '/' (path.system_dirs). */
  systemDirs: string[];
  /** Value of $LIB (dl_dst_lib). */
  dstLib: string;
  /** Value of $PLATFORM (dl_platform, AT_PLATFORM), null when unknown. */
  platform: string | null;
  /**
   * Active glibc-hwcaps subdirectory names in priority order (the active part of
   * dl_hwcaps_subdirs), e.g. ['x86-64-v4', 'x86-64-v3', 'x86-64-v2']. Set by the CPU setting.
   */
  hwcaps: string[];
  /**
   * glibc ≤ 2.36 only: names of the bits of dl_hwcap & dl_hwcap_important, lowest bit first
   * (x86_64: 'x86_64', and 'avx512_1' on Intel AVX-512), the start of the legacy list of §1.3.
   */
  legacyHwcapNames: string[];
  /** ld.so.cache path, null for none (then no lookup ever opens it). */
  cachePath: string | null;
  /** The preload file (path.sysconfdir + '/ld.so.preload', or /etc/ld-nix.so.preload on Nix). */
  preloadFile: string;
  /** Resolution-note-aware loader (shared/docs/resolution-note.md §4): the patched glibc. */
  noteAware: boolean;
}
