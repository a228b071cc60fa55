// The ld.so.cache as one process sees it (glibc-loader-search.md §2.8; elf/dl-cache.c): opened
// lazily by the first lookup that reaches it, `failed` for good when it cannot be opened or read,
// unloaded at the end of start-up and of every dlopen, so a later lookup opens it again.
import type { Vfs } from '../vfs/types.ts';
import type { LoaderProfile } from './profile.ts';
import type { Syscalls } from './syscalls.ts';
import { lookupCache, parseLdSoCache, type LdSoCache } from './ld-so-cache.ts';
import { readWhole } from '../engine/engine.ts';

export class CacheState {
  private state: 'unloaded' | 'loaded' | 'failed' = 'unloaded';
  private cache: LdSoCache | null = null;
  /** Parsed caches by file identity: re-opening re-reads nothing that the model would not. */
  private readonly parsed = new Map<string, LdSoCache | null>();

  constructor(private readonly vfs: Vfs, private readonly profile: LoaderProfile) {}

  /** CACHE_LOOKUP(name): the cached path for `name`, or null. */
  lookup(name: string, calls: Syscalls): string | null {
    const path = this.profile.cachePath;
    if (path === null) return null;
    if (this.state === 'unloaded') this.open(path, calls);
    return this.state === 'loaded' && this.cache ? lookupCache(this.cache, name, this.profile) : null;
  }

  private open(path: string, calls: Syscalls): void {
    const opened = calls.openat(path, 'cache');
    if (!opened.ok || opened.stat.kind !== 'file') {
      this.state = 'failed';
      return;
    }
    calls.fstat('cache');
    const key = `${opened.stat.id.dev}:${opened.stat.id.ino}`;
    if (!this.parsed.has(key)) {
      const parsed = parseLdSoCache(readWhole(this.vfs.source(opened.stat.id)), this.profile.arch);
      this.parsed.set(key, parsed.ok ? parsed.cache : null);
    }
    this.cache = this.parsed.get(key) ?? null;
    // An empty or malformed file also leaves the cache failed (dl-cache.c).
    this.state = this.cache ? 'loaded' : 'failed';
  }

  /** _dl_unload_cache: a loaded cache is dropped; a failed one stays failed. */
  unload(): void {
    if (this.state === 'loaded') this.state = 'unloaded';
  }
}
