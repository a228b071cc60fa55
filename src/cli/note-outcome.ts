// What `stormglass note` says about each file, and the error that makes it stop with status 2.
import { formatProblem } from '../core/elf/errors.ts';
import type { NoteOutcome } from '../core/note/apply.ts';

/** Bad usage or an input that cannot be used: printed as "stormglass note: …", exit status 2. */
export class NoteUsageError extends Error {}

export function describeOutcome(file: string, outcome: NoteOutcome): string {
  switch (outcome.kind) {
    case 'written': return `${file}: resolution note with ${outcome.entries} entr${outcome.entries === 1 ? 'y' : 'ies'} written`;
    case 'unchanged': return `${file}: unchanged: ${outcome.reason}`;
    case 'refused': return `${file}: refused: ${outcome.error ? formatProblem(outcome.error) : outcome.reason}`;
  }
}
