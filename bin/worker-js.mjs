// Plain-JavaScript copies of the modules a worker thread runs (checker/parallel.ts), so that a
// worker loads them without TypeScript hooks: with hooks, every worker starts a hooks thread of
// its own (one more V8 isolate) and every module it imports makes a round trip to it.
//
// The copies are the TypeScript hooks' own output (bin/ts-hooks.mjs caches each file's
// transpiled text by a hash of its name and source): starting from the entry modules, each
// module's transpiled text is taken from that cache, its relative imports (as transpiled: type
// imports are gone) followed, and the whole set written under node_modules/.cache/pvcheck-js/,
// in a directory named by a hash of every module's name and source, laid out as the sources
// are, so that the imports between them and of node_modules packages resolve as they do from
// the sources. A module not in the hooks' cache yet (the first run after a change, a module the
// main thread does not load: checker/parallelWorker.ts) is transpiled into it first by the main
// thread's hooks, so that no worker runs the compiler (88 MiB and 2.6 s a worker, measured in
// session 24). If anything goes wrong, there are no copies and the worker uses the hooks. A tree
// keeps the 16 most recently used sets of copies and any used in the last day (`pruneCopies`). A source whose SHA-1 differs from the one the main thread loaded (`expected`, see
// bin/ts-hooks.mjs) throws an error with code PVCHECK_STALE_SOURCE.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { KEEP_MS, cached } from './ts-hooks.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const jsCache = join(root, 'node_modules', '.cache', 'pvcheck-js');
/** Relative module specifiers of static imports and re-exports, and of dynamic imports of a literal. */
const SPEC = /(?:^|[\s;}])(?:import|export)\s*(?:[^'";]*?\sfrom\s*)?['"](\.{1,2}\/[^'"]+)['"]|\bimport\s*\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

/**
 * The transpiled text of `file` (its text: `source`) from the hooks' cache; on a miss, the main
 * thread's hooks transpile it into the cache first (bin/ts-hooks.mjs: an import with the query
 * `pvcheck-transpile` transpiles a module and does not run it), so that a worker never runs the
 * compiler. Undefined if it cannot be had (no hooks in this thread, a syntax error: a worker
 * then meets the error itself, as the main thread would).
 */
async function transpiled(file, source) {
  const hit = cached(file, source);
  if (hit !== undefined) return hit;
  try {
    await import(pathToFileURL(file).href + '?pvcheck-transpile');
  } catch {
    return undefined;
  }
  return cached(file, source);
}

function stale(file) {
  const e = new Error(`${file} changed on disk after this process loaded it: a worker would run other code than the main thread (run the check again)`);
  e.code = 'PVCHECK_STALE_SOURCE';
  return e;
}

/**
 * The TypeScript modules `urls` (file: URLs) and every module of this repository they import
 * (relative imports, as transpiled: type imports are gone; dynamic imports of a literal), each
 * with its text and transpiled text, transpiled into the hooks' cache first when missing
 * (see `transpiled`). `strict`: undefined as soon as one is outside this repository or cannot
 * be transpiled; else such a module is left out (with what it imports).
 */
async function closure(urls, expected, strict) {
  const files = new Map(); // source path -> { source, js }
  const queue = urls.map((u) => fileURLToPath(u));
  while (queue.length > 0) {
    const file = queue.pop();
    if (files.has(file)) continue;
    if (!file.startsWith(root + '/') || file.includes('/node_modules/') || !file.endsWith('.ts')) {
      if (strict) return undefined;
      continue;
    }
    const source = readFileSync(file, 'utf8');
    if (expected[file] !== undefined && createHash('sha1').update(source).digest('hex') !== expected[file]) throw stale(file);
    const js = await transpiled(file, source);
    if (js === undefined) {
      if (strict) return undefined;
      continue;
    }
    files.set(file, { source, js });
    for (const m of js.matchAll(SPEC)) {
      const spec = m[1] ?? m[2];
      let p = resolve(dirname(file), spec);
      if (p.endsWith('.js')) p = p.slice(0, -3) + '.ts';
      else if (!p.endsWith('.ts')) p += '.ts';
      if (!existsSync(p)) {
        if (strict) return undefined;
        continue;
      }
      queue.push(p);
    }
  }
  return files;
}

/**
 * Fills the hooks' cache for the TypeScript modules `urls` and what they import (see
 * `closure`), for workers that run under the hooks (a user's model file): their hooks then find
 * every module of this repository transpiled (and the user's files, which the main thread
 * loaded), and no worker loads the compiler. Never throws but for a stale source.
 */
export async function fillCache(urls, expected = {}) {
  try {
    await closure(urls, expected, false);
  } catch (e) {
    if (e?.code === 'PVCHECK_STALE_SOURCE') throw e;
  }
}

/**
 * The file: URLs of plain-JS copies of the given TypeScript modules (file: URLs, in this
 * repository) and of every module they import, or undefined (then use the hooks).
 */
export async function plainModules(urls, expected = {}) {
  try {
    const files = await closure(urls, expected, true);
    if (!files) return undefined;
    const hash = createHash('sha1');
    for (const [file, { source }] of files) hash.update(file + '\0' + source + '\0');
    const dir = join(jsCache, hash.digest('hex').slice(0, 20));
    const target = (file) => join(dir, relative(root, file)).replace(/\.ts$/, '.js');
    const complete = join(dir, '.complete');
    if (existsSync(complete)) used(complete);
    else {
      pruneCopies();
      const tmp = `${dir}.${process.pid}.tmp`;
      rmSync(tmp, { recursive: true, force: true });
      for (const [file, { js }] of files) {
        const out = join(tmp, relative(root, file)).replace(/\.ts$/, '.js');
        mkdirSync(dirname(out), { recursive: true });
        writeFileSync(out, js);
      }
      writeFileSync(join(tmp, '.complete'), '');
      try {
        renameSync(tmp, dir);
      } catch {
        rmSync(tmp, { recursive: true, force: true }); // another process made it first
        if (!existsSync(join(dir, '.complete'))) return undefined;
      }
    }
    return urls.map((u) => pathToFileURL(target(fileURLToPath(u))).href);
  } catch (e) {
    if (e?.code === 'PVCHECK_STALE_SOURCE') throw e;
    return undefined;
  }
}

/** The most sets of copies a tree keeps (each about 3 MB) beside those used within KEEP_MS. */
const KEEP_SETS = 16;
let prunedCopies = false;

/** A set of copies was used: its `.complete` file's time set to now if older than an hour (the prune's measure of use). */
function used(complete) {
  try {
    const now = Date.now();
    if (now - statSync(complete).mtimeMs > 3600e3) utimesSync(complete, now / 1000, now / 1000);
  } catch {
    /* it may be pruned sooner */
  }
}

/**
 * Before a process makes a new set of copies (once a process): the sets beyond the KEEP_SETS
 * most recently used go, but never one used within KEEP_MS (a kept worker of a running process
 * may still import from it), nor a set being made (a temporary directory younger than that). A
 * set is renamed first, then deleted, so that no process takes a half-deleted set as complete.
 */
export function pruneCopies(dir = jsCache, keep = KEEP_SETS, now = Date.now()) {
  if (prunedCopies && dir === jsCache) return 0;
  if (dir === jsCache) prunedCopies = true;
  let names;
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  const sets = [];
  const gone = [];
  for (const name of names) {
    const d = join(dir, name);
    try {
      if (/^[0-9a-f]+$/.test(name)) sets.push({ d, t: statSync(join(d, '.complete')).mtimeMs });
      else if (now - statSync(d).mtimeMs >= KEEP_MS) gone.push(d); // a temporary or half-deleted set left by a process that died
    } catch {
      /* gone meanwhile */
    }
  }
  sets.sort((a, b) => b.t - a.t);
  for (const [i, s] of sets.entries()) if (i >= keep && now - s.t >= KEEP_MS) gone.push(s.d);
  let removed = 0;
  for (const d of gone) {
    const del = `${d}.${process.pid}.del`;
    try {
      if (!d.endsWith('.del')) renameSync(d, del);
      rmSync(d.endsWith('.del') ? d : del, { recursive: true, force: true });
      removed++;
    } catch {
      /* another process took it */
    }
  }
  return removed;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
/** Per copy: its TypeScript source's path and, per generated line, the segments [column, source line, source column]. */
const maps = new Map();
function lineMap(copy) {
  if (maps.has(copy)) return maps.get(copy);
  let m;
  try {
    const js = readFileSync(copy, 'utf8');
    const data = /\/\/# sourceMappingURL=data:application\/json;base64,([A-Za-z0-9+/=]+)\s*$/.exec(js);
    const map = data && JSON.parse(Buffer.from(data[1], 'base64').toString('utf8'));
    if (map && typeof map.mappings === 'string') {
      const lines = [];
      let srcLine = 0, srcCol = 0, src = 0;
      for (const text of map.mappings.split(';')) {
        const segs = [];
        let col = 0;
        for (const seg of text.split(',')) {
          if (seg === '') continue;
          const v = [];
          for (let i = 0, shift = 0, acc = 0; i < seg.length; i++) {
            const d = B64.indexOf(seg[i]);
            acc += (d & 31) << shift;
            if (d & 32) shift += 5;
            else {
              v.push(acc & 1 ? -(acc >>> 1) : acc >>> 1);
              acc = shift = 0;
            }
          }
          col += v[0];
          if (v.length >= 4) {
            src += v[1];
            srcLine += v[2];
            srcCol += v[3];
            segs.push([col, srcLine, srcCol]);
          }
        }
        lines.push(segs);
      }
      m = lines;
    }
  } catch {
    /* no map: the frame stays as it is */
  }
  maps.set(copy, m);
  return m;
}

/**
 * `stack` with each frame in a plain-JS copy (node_modules/.cache/pvcheck-js/HASH/PATH.js,
 * line and column of the transpiled text) named by its TypeScript source (PATH.ts in the tree
 * the copy was made from) and the line and column there, read from the copy's inline source
 * map. Workers run the copies without source maps (turning them on costs a worker about 40 ms
 * of CPU at start-up, for every module it loads), so the stack of a model's fault in one is
 * mapped here, by the main thread, when it is reported (cli/phaseWorker.ts).
 */
export function sourceStack(stack) {
  if (typeof stack !== 'string') return stack;
  return stack.replace(/(file:\/\/)?(\/[^\s()]*?)\/node_modules\/\.cache\/pvcheck-js\/([0-9a-f]+)\/([^\s()]+?)\.js:(\d+):(\d+)/g, (all, url, tree, hash, rel, line, column) => {
    const path = (p) => (url ? decodeURIComponent(p) : p);
    const copy = `${path(tree)}/node_modules/.cache/pvcheck-js/${hash}/${path(rel)}.js`;
    const segs = lineMap(copy)?.[Number(line) - 1];
    if (!segs || segs.length === 0) return all;
    const col = Number(column) - 1;
    let best = segs[0];
    for (const s of segs) if (s[0] <= col) best = s;
    return `${path(tree)}/${path(rel)}.ts:${best[1] + 1}:${best[2] + 1}`;
  });
}

