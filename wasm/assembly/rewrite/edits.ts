// The single-file edits. Each starts from a fresh parse of the whole input (index.ts), plans its
// changes on the models (state.ts), and lets finish() (layout.ts) lay out and write the output.
// Edits that change the run path or a DT_NEEDED remove the resolution note, as patchelf does
// (resolution-note.md §2.4): its entries were resolved against the old values and would be stale.
import { Status } from '../status';
import { NONE } from '../out/records';
import { u8At } from '../bytes/reader';
import { DYN_SIZE } from '../elf/layout';
import { argumentBase } from './buffers';
import { IN_FILE, IN_NEW_STRTAB, OP_U32, OP_ZERO, addOp, resetOps } from './ops';
import { checkNoteArgument, findNotes, noteAt, removeNotes, sameNoteAlready } from './notes';
import {
  DT_NULL, REF_VERNEED_FILE, dynCapacity, dynCount, dynOffset, dynSegment, dynTag, dynVal,
  dynamicString, fail, findDynamic, loadState, markDynamicDirty, problemIn, problemOffset, refExcluded,
  refKey, refKind, refLength, refStart, setDynCount, strOffset,
} from './state';
import { finish, planMovedDynamic, planNote, resetLayout, unchanged } from './layout';
import { appendString, inTable, referencesKnown, replaceInPlace, resetStrings, stringOverlaps } from './strings';
import { DT_NEEDED, DT_RPATH, DT_RUNPATH, DT_STRSZ, DT_STRTAB } from '../elf/dynamic';


function begin(): Status {
  resetOps();
  resetStrings();
  resetLayout();
  return loadState();
}

/**
 * Places the resolution note given as the argument (`length` bytes, §2.1) in a new SHT_NOTE
 * section `.note.nixos.ldcache`, a new PT_NOTE and a new read-only PT_LOAD. The same note already
 * present leaves the file unchanged; a different one is refused (WriteNoteExists) unless `replace`,
 * which first removes every resolution note in the file.
 */
export function embedNote(length: u64, replace: bool): Status {
  let status = begin();
  if (status != Status.Ok) return status;
  status = checkNoteArgument(length);
  if (status != Status.Ok) return status;
  if (findNotes() > 0) {
    if (sameNoteAlready(length)) return unchanged();
    if (!replace) return fail(Status.WriteNoteExists, noteAt[0]);
    removeNotes();
  }
  planNote(length);
  return finish();
}

/** Removes every resolution note (zeroed, its PT_NOTE/PT_LOAD and section dropped). */
export function removeNote(): Status {
  const status = begin();
  if (status != Status.Ok) return status;
  if (findNotes() == 0) return unchanged();
  removeNotes();
  return finish();
}

/** The dynamic table and its string table must be whole for string edits. */
function requireDynamic(): Status {
  let p = problemIn(<u32>Status.DynamicOutOfBounds, <u32>Status.DynStrtabOutOfBounds);
  if (p < 0) p = problemIn(<u32>Status.DynamicMultiple, <u32>Status.DynamicMultiple);
  if (p >= 0) return fail(Status.WriteInputDamaged, problemOffset[p]);
  if (dynSegment < 0 || dynCount == 0 || strOffset == NONE || findDynamic(DT_STRTAB) < 0 || findDynamic(DT_STRSZ) < 0) {
    return fail(Status.WriteNoDynamic, dynSegment >= 0 ? dynOffset : 0);
  }
  return Status.Ok;
}

/** A name or path from the argument: no NUL inside, and not empty unless `allowEmpty`. */
function checkString(source: u64, length: u64, allowEmpty: bool): Status {
  if (length == 0 && !allowEmpty) return fail(Status.WriteBadString, source);
  for (let i: u64 = 0; i < length; i++) {
    if (load<u8>(argumentBase + <usize>(source + i)) == 0) return fail(Status.WriteBadString, source + i);
  }
  return Status.Ok;
}

/** Whether the argument bytes [source, source+length) equal the input's string at `at`. */
function sameString(source: u64, length: u64, at: u64, atLength: u64): bool {
  if (length != atLength) return false;
  for (let i: u64 = 0; i < length; i++) {
    if (<u32>load<u8>(argumentBase + <usize>(source + i)) != u8At(at + i)) return false;
  }
  return true;
}

/**
 * Sets DT_RUNPATH to the argument (`length` bytes). Like patchelf --set-rpath without
 * --force-rpath: an existing DT_RUNPATH is edited; else a DT_RPATH becomes DT_RUNPATH; else a new
 * entry takes the first spare DT_NULL slot after the terminator (GNU ld leaves some), or the
 * dynamic table moves to the new segment with one more entry. The old run path's bytes are
 * zeroed wherever no other reference shares them, so no stale store path stays in the file.
 * An unchanged run path string leaves the file unchanged (a DT_RPATH then stays a DT_RPATH).
 */
export function setRunpath(length: u64): Status {
  let status = begin();
  if (status != Status.Ok) return status;
  status = checkString(0, length, true);
  if (status != Status.Ok) return status;
  status = requireDynamic();
  if (status != Status.Ok) return status;

  const runpath = findDynamic(DT_RUNPATH);
  const rpath = findDynamic(DT_RPATH);
  const target = runpath >= 0 ? runpath : rpath;
  if (target >= 0) {
    const r = dynamicString(<u64>target);
    if (r < 0) return fail(Status.WriteInputDamaged, dynOffset + <u64>target * DYN_SIZE());
    const at = refStart[r];
    const old = refLength[r];
    // patchelf's modifyRPath returns before converting anything when the string is unchanged.
    if (sameString(0, length, at, old)) return unchanged();
    if (runpath < 0) {
      dynTag[target] = DT_RUNPATH;
      markDynamicDirty();
    }
    refExcluded[r] = true;
    const shared = !referencesKnown() || stringOverlaps(at, old);
    if (length <= old && !shared) {
      replaceInPlace(at, old, 0, length);
    } else {
      dynVal[target] = appendString(0, length);
      markDynamicDirty();
      // The old table is no longer referenced once the copy replaces it: zero the old run path
      // there, and in the copy unless other strings share its bytes.
      addOp(OP_ZERO, IN_FILE, at, 0, old);
      if (!shared) addOp(OP_ZERO, IN_NEW_STRTAB, at - strOffset, 0, old);
    }
  } else {
    // No run path yet: a new DT_RUNPATH entry.
    const value = appendString(0, length);
    const last = <i32>dynCount - 1;
    if (dynCount < dynCapacity) {
      dynTag[last] = DT_RUNPATH;
      dynVal[last] = value;
      dynTag[last + 1] = DT_NULL;
      dynVal[last + 1] = 0;
      setDynCount(dynCount + 1);
      markDynamicDirty();
    } else {
      dynTag.length = <i32>dynCount;
      dynVal.length = <i32>dynCount;
      dynTag[last] = DT_RUNPATH;
      dynVal[last] = value;
      dynTag.push(DT_NULL);
      dynVal.push(0);
      setDynCount(dynCount + 1);
      planMovedDynamic();
    }
  }
  if (findNotes() > 0) removeNotes();
  return finish();
}

const matched = new Array<i32>(0);

/**
 * Replaces every DT_NEEDED equal to the argument's first `fromLength` bytes with the next
 * `toLength` bytes, and the file name (vn_file) of every `.gnu.version_r` entry that named the old
 * library, as patchelf --replace-needed does, so symbol versions stay bound to the new name.
 */
export function replaceNeeded(fromLength: u64, toLength: u64): Status {
  let status = begin();
  if (status != Status.Ok) return status;
  status = checkString(0, fromLength, false);
  if (status == Status.Ok) status = checkString(fromLength, toLength, false);
  if (status != Status.Ok) return status;
  status = requireDynamic();
  if (status != Status.Ok) return status;

  matched.length = 0;
  let sharedAt = NONE;
  let oneString = true;
  for (let i: u64 = 0; i + 1 < dynCount; i++) {
    if (dynTag[<i32>i] != DT_NEEDED) continue;
    const r = dynamicString(i);
    if (r < 0 || !sameString(0, fromLength, refStart[r], refLength[r])) continue;
    matched.push(<i32>i);
    refExcluded[r] = true;
    if (sharedAt == NONE) sharedAt = refStart[r];
    else if (sharedAt != refStart[r]) oneString = false;
  }
  if (matched.length == 0) return fail(Status.WriteNeededNotFound, dynOffset);
  if (sameString(fromLength, toLength, sharedAt, fromLength)) return unchanged();

  for (let r = 0; r < refKind.length; r++) {
    if (refKind[r] != REF_VERNEED_FILE || !sameString(0, fromLength, refStart[r], refLength[r])) continue;
    // vn_file is an offset into .gnu.version_r's sh_link table: it must be the dynamic one.
    if (!inTable(refStart[r], refLength[r])) return fail(Status.WriteUnsupportedLayout, refKey[r] + 4);
    refExcluded[r] = true;
    if (refStart[r] != sharedAt) oneString = false;
  }

  if (oneString && toLength <= fromLength && referencesKnown() && !stringOverlaps(sharedAt, fromLength)) {
    replaceInPlace(sharedAt, fromLength, fromLength, toLength);
  } else {
    const value = appendString(fromLength, toLength);
    for (let k = 0; k < matched.length; k++) dynVal[matched[k]] = value;
    markDynamicDirty();
    for (let r = 0; r < refKind.length; r++) {
      if (refKind[r] == REF_VERNEED_FILE && refExcluded[r]) addOp(OP_U32, IN_FILE, refKey[r] + 4, value, 0);
    }
  }
  if (findNotes() > 0) removeNotes();
  return finish();
}
