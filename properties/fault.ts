/**
 * An exception thrown by a model's own code (a rule's guard, effect or
 * choices, an invariant, a goal, an observable, isValidEnd, canonicalize),
 * caught where `bind` calls that code so that the error says whose code threw
 * and in which state, instead of a bare "boom" from deep inside the search.
 * The CLI turns it into one line naming the rule or invariant and the file
 * and line of the throw, and a one-step trace file holding the state
 * (cli/fault.ts).
 */

export type FaultSite = 'guard' | 'effect' | 'choices' | 'label' | 'invariant' | 'goal' | 'observable' | 'isValidEnd' | 'canonicalize';

export class ModelFault extends Error {
  /** The model and its parameters (filled in by properties/bind.ts). */
  model?: { readonly name: string };
  params?: object;

  constructor(
    readonly site: FaultSite,
    /** The rule's, invariant's, goal's or observable's name; empty for isValidEnd and canonicalize. */
    readonly owner: string,
    /** A plain copy of the state the code was called with (the state before the step for a rule). */
    readonly state: unknown,
    /** The rule's choice, when it has choices. */
    readonly choice: unknown,
    readonly cause: unknown,
  ) {
    super(`${faultWhat(site, owner)} threw: ${causeLine(cause)}`);
    this.name = 'ModelFault';
  }
}

/** "rule F1's effect", "invariant I4_no_lost_wakeup", "isValidEnd". */
export function faultWhat(site: FaultSite, owner: string): string {
  switch (site) {
    case 'guard':
    case 'effect':
    case 'choices':
      return `rule ${owner}'s ${site === 'guard' ? 'guard (when)' : site === 'effect' ? 'effect (then)' : 'choices'}`;
    case 'label':
      return `rule ${owner}'s showChoice`;
    case 'invariant':
    case 'goal':
    case 'observable':
      return `${site} ${owner}`;
    default:
      return site;
  }
}

function causeLine(e: unknown): string {
  if (e instanceof Error) return `${e.name && e.name !== 'Error' ? `${e.name}: ` : ''}${(e.message ?? '').split('\n')[0]}`;
  let s: string;
  try {
    s = JSON.stringify(e) ?? String(e);
  } catch {
    s = String(e);
  }
  return `${s.slice(0, 200)} (a non-Error value was thrown)`;
}

/** A plain copy of a state for the fault record (the search may reuse the object it passed). */
function copyOf(s: unknown): unknown {
  try {
    return JSON.parse(JSON.stringify(s));
  } catch {
    return s;
  }
}

/**
 * Calls `f`, turning an exception into a ModelFault for `site`/`owner` at
 * state `s` (a ModelFault from nested model code passes through unchanged).
 */
export function fault(site: FaultSite, owner: string, s: unknown, choice: unknown, e: unknown): ModelFault {
  if (e instanceof ModelFault) return e;
  return new ModelFault(site, owner, copyOf(s), choice === undefined ? undefined : copyOf(choice), e);
}

/**
 * The first frame of `stack` in one of `files` (the model's source), else the
 * first frame outside pvcheck's engine (checker/, properties/, traces/, cli/,
 * bin/, node_modules, node internals), as `path:line:column`; undefined when
 * the stack names neither.
 */
export function faultLocation(stack: string | undefined, files: readonly string[], engineRoot: string): string | undefined {
  if (!stack) return undefined;
  const frames: string[] = [];
  for (const line of stack.split('\n')) {
    const m = /^\s+at (?:.*? \()?((?:file:\/\/)?[^()\s]+?):(\d+):(\d+)\)?\s*$/.exec(line);
    if (!m) continue;
    let path = m[1]!;
    if (path.startsWith('file://')) {
      try {
        path = decodeURIComponent(new URL(path).pathname);
      } catch {
        /* keep it */
      }
    }
    frames.push(`${path}:${m[2]}:${m[3]}`);
  }
  const inFiles = frames.find((f) => files.some((file) => f.startsWith(file + ':')));
  if (inFiles) return inFiles;
  const engine = ['checker/', 'properties/', 'traces/', 'cli/', 'bin/'].map((d) => engineRoot.replace(/\/?$/, '/') + d);
  return frames.find((f) => f.startsWith('/') && !f.includes('/node_modules/') && !engine.some((d) => f.startsWith(d)));
}
