// Everything one simulated process carries (glibc-loader-search.md §1.1): the object list, the
// directory table, the cache state, the calls made so far, and the lookups that made them.
import type { FileId, Vfs } from '../vfs/types.ts';
import type { ElfFacts, ObjectFacts } from './elf-facts.ts';
import { DirectoryTable, type SearchDir } from './directories.ts';
import type { DstContext } from './dst.ts';
import { decomposeSearchPath, RPATH_SEPARATORS } from './search-list.ts';
import type { LoaderProfile } from './profile.ts';
import { Syscalls } from './syscalls.ts';
import type { LoadedObject, LookupRecord } from './trace-types.ts';
import type { CacheState } from './cache-state.ts';

export class ObjectState {
  private rpathList: SearchDir[] | null = null;
  private runpathList: SearchDir[] | null = null;
  sonameAdded = false;
  /** Unloaded again by a failed dlopen: no longer matched by name or identity. */
  removed = false;

  constructor(
    readonly record: LoadedObject,
    /** (st_dev, st_ino); null for the program and ld.so, which are never fstat'ed (§1.1). */
    readonly id: FileId | null,
    readonly facts: ObjectFacts | null,
    /** $ORIGIN: the directory of l_name (of the symlink-free path for the program). */
    readonly origin: string | null,
  ) {}

  get isMain(): boolean {
    return this.record.kind === 'program';
  }

  /** The object's DT_RPATH list, decomposed on first use as glibc does (cache_rpath). */
  rpath(state: LoaderState): SearchDir[] {
    this.rpathList ??= this.facts?.rpath ? decomposeSearchPath(this.facts.rpath, RPATH_SEPARATORS, state.dstContext(this), state.directories) : [];
    return this.rpathList;
  }

  runpath(state: LoaderState): SearchDir[] {
    this.runpathList ??= this.facts?.runpath ? decomposeSearchPath(this.facts.runpath, RPATH_SEPARATORS, state.dstContext(this), state.directories) : [];
    return this.runpathList;
  }

  get hasRunpath(): boolean {
    return this.facts?.runpath != null;
  }
}

export interface ProcessSettings {
  profile: LoaderProfile;
  vfs: Vfs;
  facts: ElfFacts;
  caps: string[];
  cwd: string;
  secure: boolean;
}

export class LoaderState {
  readonly objects: ObjectState[] = [];
  readonly directories: DirectoryTable;
  readonly calls: Syscalls;
  readonly lookups: LookupRecord[] = [];
  readonly warnings: string[] = [];
  /** LD_LIBRARY_PATH as a search list (empty when unset, or in secure mode). */
  libraryPath: SearchDir[] = [];

  constructor(readonly settings: ProcessSettings, readonly cache: CacheState) {
    this.directories = new DirectoryTable(settings.caps.length);
    this.calls = new Syscalls(settings.vfs, settings.cwd, settings.profile.glibcMinor);
  }

  get profile(): LoaderProfile {
    return this.settings.profile;
  }

  get main(): ObjectState {
    return this.objects[0]!;
  }

  dstContext(object: ObjectState): DstContext {
    return { origin: object.origin, isMain: object.isMain, secure: this.settings.secure, profile: this.profile };
  }

  addObject(fields: Omit<LoadedObject, 'index'>, id: FileId | null, facts: ObjectFacts | null, origin: string | null): ObjectState {
    const object = new ObjectState({ ...fields, index: this.objects.length }, id, facts, origin);
    this.objects.push(object);
    return object;
  }
}
