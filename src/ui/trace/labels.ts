// Names and numbers as both trace views print them: counts with thousands separators, and each
// loaded object by the name a user recognises.
import type { Trace } from '../../core/loader/trace-types.ts';

const COUNT = new Intl.NumberFormat('en');

export function formatCount(n: number): string {
  return COUNT.format(n);
}

/**
 * The program by its path (its l_name is ""), anything else by its soname, which is what DT_NEEDED
 * asks for, or by the string it was opened as when it has none.
 */
export function objectLabel(trace: Trace, index: number): string {
  const object = trace.objects[index]!;
  if (object.kind === 'program') return trace.program;
  return object.soname ?? object.name;
}
