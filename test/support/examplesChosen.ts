/**
 * Per-example selection (session 31): the examples a test that runs every example one by one runs.
 * `node bin/run-tests.mjs --changed` passes PVCHECK_EXAMPLES (comma-separated file names of
 * examples/, `x.ts`; may be empty) to a test that only a change's files of examples/ select
 * (bin/changed-tests.mjs examplesOnly): the changed examples and those depending on them. Unset
 * (a full run, CI, a test file named on the command line): every example. A developer may set it
 * too (`PVCHECK_EXAMPLES=x.ts node bin/run-tests.mjs shapesExamples`); a name that is no file of
 * examples/ is an error naming it (a typo would otherwise check nothing).
 */
import { readdirSync } from 'node:fs';

/** The example file names PVCHECK_EXAMPLES names (a set), or undefined when it is unset: every example. */
export function examplesChosen(examplesDir: string): ReadonlySet<string> | undefined {
  const raw = process.env.PVCHECK_EXAMPLES;
  if (raw === undefined) return undefined;
  const names = raw.split(',').map((s) => s.trim()).filter(Boolean);
  const there = new Set(readdirSync(examplesDir));
  const unknown = names.filter((n) => !there.has(n));
  if (unknown.length) throw new Error(`PVCHECK_EXAMPLES=${raw}: no file ${unknown.join(', ')} in ${examplesDir}`);
  return new Set(names);
}

/** `files` (paths of examples), those PVCHECK_EXAMPLES names when it is set. */
export function chosenOf(files: readonly string[], examplesDir: string): { files: string[]; chosen: ReadonlySet<string> | undefined } {
  const chosen = examplesChosen(examplesDir);
  return { files: chosen ? files.filter((f) => chosen.has(f.slice(f.lastIndexOf('/') + 1))) : [...files], chosen };
}
