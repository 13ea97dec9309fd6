// The names of the tests a test file declares one by one, for bin/run-tests.mjs (its slowest tests)
// and bin/mutants.mjs (--which: the test that killed a mutant). One reader where each had its own
// (session 32, D4); the scratch trees of the runner's tests copy it with the runner's other files
// (test/support/runnerTree.ts RUNNER_FILES).
import { readFileSync } from 'node:fs';

/**
 * The names of the tests of the file at `path`, in order, when its text declares exactly `n`
 * (`test('name', ...` at the start of a line; a name cut to 60 characters); undefined when it
 * declares another number (tests made in a loop) or cannot be read.
 */
export function testNames(path, n) {
  let text;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  const names = [...text.matchAll(/^test\((['"`])((?:\\.|(?!\1).)*)\1/gm)].map((m) => (m[2].length > 60 ? m[2].slice(0, 57) + '...' : m[2]));
  return names.length === n ? names : undefined;
}
