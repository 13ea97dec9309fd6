/**
 * A scratch tree the mutant runner runs on (test/mutantsRunner, test/mutantsRunnerSlots,
 * test/mutantsRunnerWhich): bin/mutants.mjs, bin/run-tests.mjs and the modules they import as they
 * are in this checkout, test/mutants/list.mjs, and a bin/register.mjs that loads `.ts` files as plain
 * modules (the scratch test files are plain JavaScript: no TypeScript, no transpile cache touched).
 * One list of the runner's files, so a module the runner gains is copied for every such test
 * (test/suiteHygiene, -TestTimes and -MutantLeaks copy it too: {@link copyRunner}).
 */
import { copyFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..', '..');

/** The runner's own files (bin/run-tests.mjs, bin/mutants.mjs and the modules they import), copied into every scratch tree. */
export const RUNNER_FILES = ['bin/mutants.mjs', 'bin/run-tests.mjs', 'bin/proc.mjs', 'bin/testNames.mjs', 'bin/changed-tests.mjs', 'test/mutants/list.mjs'] as const;

/**
 * Copies {@link RUNNER_FILES} into `tree` (bin/ and test/mutants/ made): every scratch tree of the
 * runner's tests (these, test/suiteHygiene, -TestTimes, -MutantLeaks, test/support/changedRepo.ts), so that a module the runner
 * gains is one line here.
 */
export function copyRunner(tree: string): void {
  for (const d of [join(tree, 'bin'), join(tree, 'test', 'mutants')]) mkdirSync(d, { recursive: true });
  for (const f of RUNNER_FILES) copyFileSync(join(root, f), join(tree, f));
}

/**
 * Makes `tree` (with bin/ and test/mutants/) holding the runner; `nodeModules`: this checkout's
 * node_modules linked in (for scratch test files that import uvu).
 */
export function runnerTree(tree: string, opt: { nodeModules?: boolean } = {}): void {
  copyRunner(tree);
  if (opt.nodeModules) symlinkSync(join(root, 'node_modules'), join(tree, 'node_modules'));
  writeFileSync(join(tree, 'bin', 'register.mjs'), `import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(\`
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
export async function load(url, context, next) {
  if (url.endsWith('.ts')) return { format: 'module', source: readFileSync(fileURLToPath(url), 'utf8'), shortCircuit: true };
  return next(url, context);
}\`));
`);
}
