// The loader's directory table (GL(dl_all_dirs), elf/dl-load.c fillin_rpath): one entry per
// distinct directory string, shared by every search list, each with one status per CAPS index.
// It is what makes a directory's second visit cheap and a missing directory free after the first.
export type SlotStatus = 'unknown' | 'existing' | 'nonexisting';

export interface SearchDir {
  /** The directory string, ending in '/' ("" for the current directory). */
  name: string;
  status: SlotStatus[];
}

export class DirectoryTable {
  private readonly dirs = new Map<string, SearchDir>();

  constructor(private readonly capsCount: number) {}

  /**
   * The entry for `name`, created on first use: absolute directories start `unknown` in every
   * slot; relative ones and "" (the cwd) are `existing` forever, "the current directory might
   * change" (dl-load.c fillin_rpath).
   */
  get(name: string): SearchDir {
    let dir = this.dirs.get(name);
    if (!dir) {
      const initial: SlotStatus = name.startsWith('/') ? 'unknown' : 'existing';
      dir = { name, status: new Array<SlotStatus>(this.capsCount).fill(initial) };
      this.dirs.set(name, dir);
    }
    return dir;
  }
}
