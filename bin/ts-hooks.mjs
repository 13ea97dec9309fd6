// Node module hooks that let pvcheck, its tests and users' model files run as
// TypeScript source with no build step. `.ts` files are transpiled (types
// stripped, no type check) with TypeScript's transpileModule; the output is
// cached on disk by content hash so that TypeScript itself is only loaded when
// a file changed. Type checking is `npm run typecheck` (tsc --noEmit).
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { appendFileSync, closeSync, existsSync, fstatSync, futimesSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { receiveMessageOnPort, threadId } from 'node:worker_threads';
import { basename, dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * The code-version stamp of the multi-worker search (checker/parallel.ts):
 * the main thread's hooks report each .ts source they load, as a SHA-1 of
 * its text (`loaded`, a port: bin/register.mjs, bin/pvcheck.mjs); a
 * worker's hooks (bin/worker.mjs) refuse a source whose hash differs from
 * the one the main thread loaded (`expected`), so that a file changed on
 * disk since the process started is a one-line error instead of a worker
 * running other code than the main thread (whose shared-memory layout may
 * differ: "Invalid atomic access index").
 */
let loaded;
let expected;
/** A kept worker's later stamps (bin/worker.mjs): each message is the main thread's whole stamp as a search starts. */
let stamps;
export function initialize(data) {
  loaded = data?.loaded;
  expected = data?.expected;
  stamps = data?.stamps;
  // a worker thread's hooks (bin/worker.mjs): its expansion is never traced, no recording copy
  if (expected !== undefined) twins = false;
}
// The cache of transpiled modules (the hooks write it; bin/worker-js.mjs reads it on the main
// thread to make the workers' plain-JS copies from it, and fills what is missing).
//
// One file per module, named by a hash of the module's file name (its last path component) and
// text: the transpiled text depends on nothing else (its inline source map names the source by
// that file name, relative to the module's own URL, so a stack trace names the file of the tree
// that loaded it). Any copy of the tree (a worktree, a CI clone, a mutant's directory) hits the
// entries of the files whose text it shares, and a file whose text differs is another entry.
//
// Where: PVCHECK_TS_CACHE; else the user's cache directory ($XDG_CACHE_HOME or ~/.cache, then
// pvcheck/ts), shared by every copy of the tree; else (that cannot be made) this tree's
// node_modules/.cache/pvcheck-ts.
//
// Bounded: a process that writes an entry prunes the directory once (at most once an hour of
// all processes: the file .pruned), when it holds more than PVCHECK_TS_CACHE_MAX bytes (256 MiB):
// the least recently used entries go until it holds 3/4 of that, but never one used in the
// last day. A hit older than an hour has its time set to now, so what a run uses is recent.
// Deleting an entry never races a writer (a writer renames a whole file into place; a reader
// that finds no file transpiles again); a temporary file goes only when a day old.
function chooseDir() {
  if (process.env.PVCHECK_TS_CACHE) return process.env.PVCHECK_TS_CACHE;
  try {
    const dir = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'pvcheck', 'ts');
    mkdirSync(dir, { recursive: true });
    return dir;
  } catch {
    return join(here, '..', 'node_modules', '.cache', 'pvcheck-ts');
  }
}
/** The directory of the transpiled files (see above). */
export const cacheDir = chooseDir();

const HOUR = 3600e3;
/** A hit older than this has its time set to now (the prune's measure of use). */
const REFRESH_MS = HOUR;
/** An entry used within this is never pruned. */
export const KEEP_MS = 24 * HOUR;
/** The most bytes the directory keeps after a prune: PVCHECK_TS_CACHE_MAX, or 256 MiB. */
const maxBytes = () => Number(process.env.PVCHECK_TS_CACHE_MAX) || 256 * 2 ** 20;

/**
 * The version of the TypeScript that transpiles (read from its package.json, not by loading the
 * compiler): in the key, because the cache is shared by every copy of the tree, and two copies may
 * have different compilers (a tree after an upgrade, an old checkout). The compiler options are
 * fixed in this file: change them, change the key's 'v2'.
 */
function compilerVersion() {
  try {
    const require = createRequire(import.meta.url);
    return JSON.parse(readFileSync(require.resolve('typescript/package.json'), 'utf8')).version ?? '?';
  } catch {
    return '?';
  }
}
/** This tree's TypeScript version ({@link compilerVersion}). */
export const tsVersion = compilerVersion();

/** The cache file of a module's transpiled text: by the compiler's version, the file name and the text. */
export function cacheFile(filename, source, version = tsVersion) {
  const key = createHash('sha1').update('v2\0' + version + '\0' + basename(filename) + '\0' + source).digest('hex');
  return join(cacheDir, key + '.js');
}

/** The transpiled text of `filename` whose text is `source`, or undefined (not in the cache). */
export function cached(filename, source) {
  let fd;
  try {
    fd = openSync(cacheFile(filename, source), 'r');
  } catch {
    return undefined;
  }
  try {
    const now = Date.now();
    if (now - fstatSync(fd).mtimeMs > REFRESH_MS) {
      try {
        futimesSync(fd, now / 1000, now / 1000);
      } catch {
        /* not ours to touch: it may be pruned sooner */
      }
    }
    return readFileSync(fd, 'utf8');
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

let pruned = false;

/**
 * Stores a transpiled text. Written to a file of this process and thread, then renamed: a
 * reader (another process, another thread) sees the whole text or no file, and two writers of
 * the same key (two workers' hooks, two processes) never write into one file. The first write
 * of a thread may prune the directory (see above).
 */
export function store(filename, source, js) {
  const file = cacheFile(filename, source);
  try {
    mkdirSync(cacheDir, { recursive: true });
    const tmp = `${file}.${process.pid}-${threadId}.tmp`;
    writeFileSync(tmp, js);
    renameSync(tmp, file);
  } catch {
    /* a read-only directory just means no cache */
    return;
  }
  if (pruned) return;
  pruned = true;
  const mark = join(cacheDir, '.pruned');
  try {
    if (Date.now() - statSync(mark).mtimeMs < HOUR) return;
  } catch {
    /* never pruned */
  }
  try {
    writeFileSync(mark, ''); // the others skip it for an hour
    pruneCache(cacheDir, maxBytes());
  } catch {
    /* no prune: the next writer tries in an hour */
  }
}

/**
 * Deletes the least recently used entries of `dir` while it holds more than `max` bytes, down
 * to 3/4 of `max`; never one used within KEEP_MS of `now` (nor a temporary file younger than
 * that: a writer's). Returns the number of files deleted.
 */
export function pruneCache(dir, max, now = Date.now()) {
  const entries = [];
  let total = 0;
  for (const name of readdirSync(dir)) {
    if (name.startsWith('.')) continue;
    try {
      const st = statSync(join(dir, name));
      if (!st.isFile()) continue;
      total += st.size;
      entries.push({ name, size: st.size, mtime: st.mtimeMs });
    } catch {
      /* gone meanwhile */
    }
  }
  if (total <= max) return 0;
  entries.sort((a, b) => a.mtime - b.mtime);
  let removed = 0;
  for (const e of entries) {
    if (total <= (max * 3) / 4 || now - e.mtime < KEEP_MS) break;
    try {
      unlinkSync(join(dir, e.name));
      removed++;
    } catch {
      /* another process pruned it */
    }
    total -= e.size;
  }
  return removed;
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

const sourceHash = (source) => createHash('sha1').update(source).digest('hex');
let ts;

function transpile(source, filename, who) {
  const hit = cached(filename, source);
  if (hit !== undefined) return hit;
  logTranspile(who ?? (expected !== undefined ? 'worker' : 'main'), filename);
  ts ??= (globalThis.__pvcheckTs ??= loadTs());
  const out = ts.transpileModule(source, {
    fileName: filename,
    reportDiagnostics: true,
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      sourceMap: false,
      inlineSourceMap: true,
      inlineSources: false,
      verbatimModuleSyntax: false,
      isolatedModules: true,
    },
  });
  const errors = (out.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length > 0) {
    const d = errors[0];
    const msg = ts.flattenDiagnosticMessageText(d.messageText, ' ');
    let where = filename;
    if (d.file && d.start !== undefined) {
      const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
      where = `${filename}:${line + 1}:${character + 1}`;
    }
    const e = new SyntaxError(`${where}: ${msg}`);
    e.code = 'PVCHECK_TS_SYNTAX';
    throw e;
  }
  store(filename, source, out.outputText);
  return out.outputText;
}

/**
 * Puts the transpiled text of the file `filename` in the cache unless it is there, as this file's
 * hooks would when they load it (the same compiler options, the same key). For bin/mutants.mjs
 * (session 33): it transpiles the files a mutant edited in the runner's own process, where
 * TypeScript stays loaded from one mutant to the next, before the mutant's test files start; each
 * test process then hits the cache instead of loading TypeScript (~0.3 s of CPU) and transpiling
 * cold (model/blkif.ts: 0.65-1.0 s). `who` names the transpiler in PVCHECK_TS_LOG's lines. A
 * source that does not transpile throws as a load would (PVCHECK_TS_SYNTAX).
 */
export function transpileFile(filename, who) {
  transpile(readFileSync(filename, 'utf8'), filename, who);
}

function loadTs() {
  // typescript is CommonJS; createRequire keeps this file ESM (imported
  // statically: the getBuiltinModule way needs Node 20.16, engines says 20.6).
  return createRequire(import.meta.url)('typescript');
}

/**
 * The recording copy of the models (checker/recording.ts): traced rules
 * (checker/traced.ts) record a rule's reads and writes by running it on
 * Proxies or accessor views, and V8's feedback at the model's call sites then
 * slows the same functions on plain objects for the rest of the process
 * (docs/perf/2026-12-05f-nested.md: netif-ctrl 5.4 s untraced after a traced
 * prefix, 3.9 s without). So each model module is loaded a second time under
 * its URL with the query {@link TWIN} (its own closures, feedback and
 * optimised code), and the recordings run that copy. A module of that copy
 * imports the copy of what it imports from the project (relative paths, and
 * `pvcheck` itself), except the checker (checker/: generic, shared), and
 * packages (node_modules: shared). Each original module of model/ and
 * examples/ gets three lines appended that import its copy and list the pair
 * of namespaces (globalThis[Symbol.for('pvcheck.recordingTwins')]), from
 * which checker/recording.ts pairs each exported object (a model, its rules)
 * with its copy. Only when traced rules may run: PVCHECK_TRACED set (1 or
 * auto), or PVCHECK_TRACE_TWIN=1; PVCHECK_TRACE_TWIN=0 never.
 */
const TWIN = 'pvcheck-record';
const root = pathToFileURL(join(here, '..') + '/').href;
let twins = process.env.PVCHECK_TRACE_TWIN === '1' ||
  (process.env.PVCHECK_TRACE_TWIN !== '0' && (process.env.PVCHECK_TRACED === '1' || process.env.PVCHECK_TRACED === 'auto'));
const isTwin = (url) => url !== undefined && url.endsWith('?' + TWIN);
/** Whether a module resolved from a module of the recording copy is copied too: the project's TypeScript, not the checker's, not a package's. */
const copied = (url) => url.startsWith('file:') && url.endsWith('.ts') && !url.includes('/node_modules/') && !url.startsWith(root + 'checker/');
/** The modules that list their copy: the built-in models and the examples. */
const paired = (url) => !url.endsWith('.test.ts') && (url.startsWith(root + 'model/') || url.startsWith(root + 'examples/'));

export async function resolve(specifier, context, nextResolve) {
  if (isTwin(context.parentURL)) {
    const r = await resolveTs(specifier, { ...context, parentURL: context.parentURL.slice(0, -TWIN.length - 1) }, nextResolve);
    return copied(r.url) ? { ...r, url: r.url + '?' + TWIN } : r;
  }
  return resolveTs(specifier, context, nextResolve);
}

async function resolveTs(specifier, context, nextResolve) {
  // `./foo.js` from a module of ours names `./foo.ts` when there is no foo.js (the catch below
  // says so too): answered first, by two stats, because Node's resolver fails on it by building
  // an ERR_MODULE_NOT_FOUND (with its stack) for every relative import of every .ts file: ~300
  // of them for `import 'pvcheck'`, ~30 ms of the two threads' CPU (docs/perf/2026-12-07h-pool.md).
  if (specifier.endsWith('.js') && /^\.{1,2}\//.test(specifier) && context.parentURL?.startsWith('file:')) {
    const url = new URL(specifier.slice(0, -3) + '.ts', context.parentURL);
    if (existsSync(fileURLToPath(url)) && !existsSync(fileURLToPath(new URL(specifier, context.parentURL)))) {
      return { url: url.href, shortCircuit: true, format: 'module' };
    }
  }
  try {
    return await nextResolve(specifier, context);
  } catch (err) {
    // `./foo.js` written in a .ts file refers to `./foo.ts` (TypeScript's ESM convention).
    if (context.parentURL && /^\.{1,2}\//.test(specifier) && specifier.endsWith('.js')) {
      const url = new URL(specifier.slice(0, -3) + '.ts', context.parentURL);
      if (existsSync(fileURLToPath(url))) return { url: url.href, shortCircuit: true, format: 'module' };
    }
    if (context.parentURL && /^\.{1,2}\//.test(specifier) && !/\.[cm]?[jt]s$/.test(specifier)) {
      const url = new URL(specifier + '.ts', context.parentURL);
      if (existsSync(fileURLToPath(url))) return { url: url.href, shortCircuit: true, format: 'module' };
    }
    // A user's model file outside any project that has pvcheck installed (`node
    // ~/pvcheck/bin/pvcheck.mjs check /tmp/my-change.ts`) imports the pvcheck that
    // runs it: its own package, by the package's self-reference. A project that
    // installs pvcheck keeps its own copy (the first resolution above succeeded).
    if (err?.code === 'ERR_MODULE_NOT_FOUND' && /^pvcheck(\/|$)/.test(specifier) && context.parentURL !== selfParent) {
      return nextResolve(specifier, { ...context, parentURL: selfParent });
    }
    throw err;
  }
}
/** A module inside pvcheck's own package, from which `pvcheck` resolves to that package. */
const selfParent = pathToFileURL(join(here, '..', 'index.ts')).href;

/**
 * `import(FILE_URL + '?' + FILL)` from the main thread (bin/worker-js.mjs `fillCache`): the module
 * is transpiled into the cache and not run (its text is `export {}`), so that the main thread can
 * fill the cache for the workers' modules it does not load itself (checker/parallelWorker.ts
 * listens on parentPort as it loads) and no worker runs the compiler.
 */
const FILL = 'pvcheck-transpile';

/**
 * io-ts and fp-ts are CommonJS (TypeScript's output). Node 20 imports a CommonJS file from ESM
 * by lexing its text for the names it exports, and the files that file requires as well, each
 * through the ESM loader: `import * as E from 'fp-ts/lib/Either.js'` costs ~50 ms of CPU even
 * when Either.js is already required, ~100 ms for the first import of io-ts and fp-ts (every
 * test file, every CLI command, `import 'pvcheck'`). So the hooks answer an import of a file of
 * theirs ({@link cjsFacade}) with a small ES module that `require`s it (Node's CommonJS loader,
 * which lexes nothing) and exports what Node would: `default` (module.exports) and each name the
 * file assigns on `exports`. The same module instance as a `require` of it (one require cache).
 * Only these two packages: their files are TypeScript's emit, whose exports are all of the form
 * `exports.NAME = ...` (and `Object.defineProperty(exports, "NAME"`); a file that re-exports
 * (`__exportStar`) or assigns module.exports goes Node's way.
 */
const cjsFacaded = /\/node_modules\/(?:fp-ts|io-ts)\/lib\/[^/]+\.js$/;

/** The ES module that stands for the CommonJS file `url` ({@link cjsFacaded}), or undefined (Node's way). */
export function cjsFacade(url) {
  const file = fileURLToPath(url);
  const text = readFileSync(file, 'utf8');
  if (/__exportStar|\bmodule\.exports\s*=/.test(text)) return undefined;
  const names = new Set();
  for (const m of text.matchAll(/\bexports\.([A-Za-z_$][\w$]*)\s*=(?!=)/g)) names.add(m[1]);
  for (const m of text.matchAll(/Object\.defineProperty\(exports,\s*["']([^"']+)["']/g)) names.add(m[1]);
  names.delete('default');
  const list = [...names];
  // bound to locals first: a name may be a reserved word (io-ts exports `null`, `undefined`, `void`)
  return `import { createRequire } from 'node:module';\n` +
    `const m = createRequire(import.meta.url)(${JSON.stringify(file)});\n` +
    `export default m;\n` +
    (list.length ? `const ${list.map((n, i) => `_${i} = m[${JSON.stringify(n)}]`).join(', ')};\n` +
      `export { ${list.map((n, i) => `_${i} as ${JSON.stringify(n)}`).join(', ')} };\n` : '');
}

export async function load(url, context, nextLoad) {
  if (url.startsWith('file:') && cjsFacaded.test(url)) {
    const source = cjsFacade(url);
    if (source !== undefined) return { format: 'module', source, shortCircuit: true };
  }
  if (url.startsWith('file:') && url.endsWith('.ts?' + FILL)) {
    const filename = fileURLToPath(url.slice(0, -FILL.length - 1));
    transpile(readFileSync(filename, 'utf8'), filename);
    return { format: 'module', source: 'export {};', shortCircuit: true };
  }
  const twin = isTwin(url);
  if (twin) url = url.slice(0, -TWIN.length - 1);
  if (url.startsWith('file:') && url.endsWith('.ts')) {
    const filename = fileURLToPath(url);
    const source = readFileSync(filename, 'utf8');
    if (stamps) for (let m = receiveMessageOnPort(stamps); m; m = receiveMessageOnPort(stamps)) expected = m.message;
    if (loaded || expected) {
      const h = sourceHash(source);
      loaded?.postMessage([filename, h]);
      if (expected?.[filename] !== undefined && expected[filename] !== h) {
        const e = new Error(`${filename} changed on disk after this process loaded it: a worker would run other code than the main thread (run the check again)`);
        e.code = 'PVCHECK_STALE_SOURCE';
        throw e;
      }
    }
    let out = transpile(source, filename);
    if (twins && !twin && paired(url)) {
      const u = JSON.stringify(url), t = JSON.stringify(url + '?' + TWIN);
      out += `\nimport * as __pvcheckSelf from ${u};\nimport * as __pvcheckTwin from ${t};\n(globalThis[Symbol.for('pvcheck.recordingTwins')] ??= []).push([__pvcheckSelf, __pvcheckTwin]);\n`;
    }
    return { format: 'module', source: out, shortCircuit: true };
  }
  return nextLoad(twin ? url + '?' + TWIN : url, context);
}
