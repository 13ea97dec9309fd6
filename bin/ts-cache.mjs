// The TypeScript hooks' cache of transpiled modules (bin/ts-hooks.mjs writes it; bin/worker-js.mjs
// reads it on the main thread to make the workers' plain-JS copies, and fills what is missing).
// One file per transpiled module, named by a hash of its text (see `cacheKey`), in `cacheDir`
// (PVCHECK_TS_CACHE, or node_modules/.cache/pvcheck-ts of this tree).
import { createHash } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { threadId } from 'node:worker_threads';

const here = dirname(fileURLToPath(import.meta.url));

/** The directory of the transpiled files: PVCHECK_TS_CACHE (tests: an empty directory), else this tree's node_modules/.cache/pvcheck-ts. */
export const cacheDir = process.env.PVCHECK_TS_CACHE || join(here, '..', 'node_modules', '.cache', 'pvcheck-ts');

/** The cache file of a module's transpiled text: by its path and text. */
export function cacheFile(filename, source) {
  const key = createHash('sha1').update('v1\0' + filename + '\0' + source).digest('hex');
  return join(cacheDir, key + '.js');
}

/** The transpiled text of `filename` whose text is `source`, or undefined (not in the cache). */
export function cached(filename, source) {
  try {
    return readFileSync(cacheFile(filename, source), 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Stores a transpiled text. Written to a file of this process and thread, then renamed: a
 * reader (another process, another thread) sees the whole text or no file, and two writers of
 * the same key (two workers' hooks, two processes) never write into one file.
 */
export function store(filename, source, js) {
  const file = cacheFile(filename, source);
  try {
    mkdirSync(cacheDir, { recursive: true });
    const tmp = `${file}.${process.pid}-${threadId}.tmp`;
    writeFileSync(tmp, js);
    renameSync(tmp, file);
  } catch {
    /* a read-only tree just means no cache */
  }
}

/**
 * Tests: PVCHECK_TS_LOG names a file to which each run of the TypeScript compiler appends a
 * line `WHO FILE` (WHO: `main` for the main thread's hooks, `worker` for a worker thread's), so
 * that a test can tell which threads transpiled (test/workersTranspile).
 */
export function logTranspile(who, filename) {
  const log = process.env.PVCHECK_TS_LOG;
  if (!log) return;
  try {
    appendFileSync(log, `${who} ${filename}\n`);
  } catch {
    /* tests only */
  }
}
