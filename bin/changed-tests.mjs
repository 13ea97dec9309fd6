// The test files a change can break, each with why (`node bin/run-tests.mjs --changed [BASE]`):
//  - a test file that changed;
//  - a test file that depends on a changed file: through its imports (static, dynamic with a literal,
//    `export ... from`), transitively, and through a file it names in a string ('bin/pvcheck.mjs',
//    "test/pinned.json", `examples/x.ts`: a relative path from the naming file, or any path the
//    named one ends with), so that a CLI test reaches cli/ through test/support/cli.ts's bin/pvcheck.mjs;
//  - a file of test/ that lists a directory of the tree (a readdir/opendir/glob call naming it in a
//    string: 'examples', `docs/findings`, '../examples/' from test/, directly, through a declaration of
//    a name in the call, or through the calls of the function whose parameter it is) depends on the files
//    directly in it, so that a new, changed or deleted example selects the tests that run every example;
//  - model/registry.ts is followed only to the built-ins a test names (in a string: 'xenbus',
//    `check xenbus`, in the test or a file of test/ it depends on), or to all of them when the test
//    (or such a file) reads `builtinModels`: a CLI test that runs `check xenbus` depends on
//    model/xenbus.ts (and what it imports), not on every model the registry lists;
//  - the every-model set (EVERY_MODEL) when a file under model/, properties/ or cli/ that was there at
//    BASE changed or went: a file added there alone (a new model) reaches a built-in only through a file
//    that was there (changed too, then) or a test listing its directory (above). Not for examples/
//    (session 32): no test of the set reads an example, and those that run every example (pinned,
//    catalogue) list examples/, which selects them (above);
//  - per example (examplesOnly): a test that only the change's files of examples/ select is told which
//    examples to run (run-tests passes PVCHECK_EXAMPLES; test/support/examplesChosen.ts).
// The changed files are `git diff --name-only BASE` (committed since BASE and not yet committed) and the
// untracked files git does not ignore; BASE defaults to the merge base of HEAD and main.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';

/** Test files that check every built-in model (run when model/, properties/ or cli/ changed). */
export const EVERY_MODEL = ['pinned', 'modelsReference', 'cliCheckAll', 'catalogue', 'shapesDigest', 'findings', 'findingRows', 'defaultsCoverage', 'pinnedDefaults'];
const EVERY_MODEL_DIRS = /^(model|properties|cli)\//;
const CODE = /\.(ts|mts|mjs|js|cjs)$/;
const REGISTRY = 'model/registry.ts';

const git = (root, args) => execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** BASE as given, else the merge base of HEAD and main; throws with one line when git cannot resolve it. */
export function resolveBase(root, base) {
  const rev = base ?? 'main';
  try {
    const sha = git(root, ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`]).trim();
    return base ? { name: base, sha } : { name: `merge-base HEAD main`, sha: git(root, ['merge-base', 'HEAD', sha]).trim() };
  } catch {
    throw new Error(base ? `--changed ${base}: not a commit git knows here` : '--changed: no branch main to compare with here (name a BASE commit)');
  }
}

/** The files changed since `sha` (committed or not) and the untracked ones, repo-relative, sorted. */
export function changedFiles(root, sha) {
  const diff = git(root, ['diff', '--name-only', sha]).split('\n');
  const untracked = git(root, ['ls-files', '--others', '--exclude-standard']).split('\n');
  return [...new Set([...diff, ...untracked].filter((f) => f && !f.startsWith('.scratch/')))].sort();
}

/** The files of `changedFiles` that were not there at `sha`: added since (committed or not) or untracked. */
export function addedFiles(root, sha) {
  const diff = git(root, ['diff', '--name-only', '--diff-filter=A', sha]).split('\n');
  const untracked = git(root, ['ls-files', '--others', '--exclude-standard']).split('\n');
  return [...new Set([...diff, ...untracked].filter((f) => f && !f.startsWith('.scratch/')))].sort();
}

/** Every file of the tree git knows (tracked, or untracked and not ignored). */
function treeFiles(root) {
  return git(root, ['ls-files', '--cached', '--others', '--exclude-standard']).split('\n').filter((f) => f && !f.startsWith('.scratch/') && existsSync(join(root, f)));
}

/** `text` without its comments (a file a comment names is no dependency); strings kept whole. */
export function stripComments(text) {
  let out = '';
  let quote = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      out += c;
      if (c === '\\') out += text[++i] ?? '';
      else if (c === quote || (c === '\n' && quote !== '`')) quote = null;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 1;
    } else if (c === '/' && text[i + 1] === '/' && !/[=(,:]\s*\/?$/.test(out.slice(-3))) {
      const end = text.indexOf('\n', i);
      i = (end < 0 ? text.length : end) - 1;
    } else {
      if (c === "'" || c === '"' || c === '`') quote = c;
      out += c;
    }
  }
  return out;
}

/** The strings of a file's code (comments stripped) that look like file paths (an extension, no spaces). */
function pathStrings(text) {
  const out = [];
  for (const m of text.matchAll(/(['"`])([^'"`\s$]+\.[A-Za-z][\w.]*)\1/g)) out.push(m[2]);
  return out;
}

/** A call that lists a directory (node:fs readdir, opendir, glob; sync or not). */
const LISTS = /\b(?:readdir|opendir|glob)(?:Sync)?\s*\(/g;

/** The text of the call's arguments whose `(` is at `open` in `code` (to its matching `)`). */
function argsAt(code, open) {
  let depth = 0;
  for (let i = open; i < code.length; i++) {
    if (code[i] === '(') depth++;
    else if (code[i] === ')' && --depth === 0) return code.slice(open + 1, i);
  }
  return code.slice(open + 1);
}

/**
 * The directories a file of test/ lists: each readdir/opendir/glob call's argument, with the
 * declarations (`const dir = join(root, 'docs/findings')`) of the names in it and, for a parameter
 * of a function of the file, the strings its calls pass (`sources(join(root, 'model'))`);
 * a string there that is a directory of the tree (`dirs`: directory -> its files) other than the
 * root, from the root ('examples', 'docs/findings') or relative to `from` ('../examples/').
 */
function listedDirs(from, code, dirs) {
  const out = new Set();
  const seen = new Set();
  const strings = (text, depth) => {
    for (const m of text.matchAll(/(['"`])([^'"`\s$]+)\1/g)) {
      const s = m[2].replace(/\/+$/, '');
      const d = s.startsWith('./') || s.startsWith('../') ? normalize(join(dirname(from), s)) : s;
      if (d && d !== '.' && dirs.has(d)) out.add(d);
    }
    if (depth > 2) return;
    for (const [name] of text.replace(/(['"`])(?:\\.|(?!\1)[^\\])*\1/g, '').matchAll(/\b[A-Za-z_$][\w$]*\b/g)) {
      if (seen.has(name)) continue;
      seen.add(name);
      const decl = new RegExp(`\\b(?:const|let|var)\\s+${name.replace(/\$/g, '\\$')}\\s*=([^;\\n]*)`, 'g');
      for (const m of code.matchAll(decl)) strings(m[1], depth + 1);
      // a parameter of a function of the file: what its calls pass
      const fn = new RegExp(`\\bfunction\\s+([\\w$]+)\\s*\\(([^)]*\\b${name.replace(/\$/g, '\\$')}\\b[^)]*)\\)`, 'g');
      for (const m of code.matchAll(fn)) {
        for (const c of code.matchAll(new RegExp(`\\b${m[1].replace(/\$/g, '\\$')}\\s*\\(`, 'g'))) strings(argsAt(code, c.index + c[0].length - 1), 3);
      }
    }
  };
  for (const m of code.matchAll(LISTS)) strings(argsAt(code, m.index + m[0].length - 1), 0);
  return [...out];
}

/** The dependency graph: file -> the files it imports or names, and the directories it lists (repo-relative). */
export function dependencyGraph(root, files) {
  const set = new Set(files);
  const dirs = new Map(); // directory -> the files directly in it
  for (const f of files) {
    const d = f.includes('/') ? f.slice(0, f.lastIndexOf('/')) : '';
    if (!dirs.has(d)) dirs.set(d, []);
    dirs.get(d).push(f);
  }
  const bySuffix = new Map(); // basename -> files
  for (const f of files) {
    const b = f.slice(f.lastIndexOf('/') + 1);
    if (!bySuffix.has(b)) bySuffix.set(b, []);
    bySuffix.get(b).push(f);
  }
  const resolve = (from, s) => {
    const variants = (p) => (p.endsWith('.js') ? [p, p.slice(0, -3) + '.ts'] : p.endsWith('.mjs') ? [p, p.slice(0, -4) + '.mts'] : [p]);
    if (s.startsWith('./') || s.startsWith('../')) {
      const p = normalize(join(dirname(from), s));
      return variants(p).filter((v) => set.has(v));
    }
    if (s.startsWith('/') || s.includes('://') || s.startsWith('node:')) return [];
    const rel = s.replace(/^\.\//, '');
    const out = [];
    for (const v of variants(rel)) {
      const b = v.slice(v.lastIndexOf('/') + 1);
      const same = bySuffix.get(b) ?? [];
      // a bare name ('pvcheck.mjs') only when one file has it ('index.ts' names none: there are several)
      if (!v.includes('/') && same.length > 1) continue;
      for (const f of same) if (f === v || f.endsWith('/' + v)) out.push(f);
    }
    return out;
  };
  const graph = new Map();
  for (const f of files) {
    if (!CODE.test(f)) continue;
    let text;
    try {
      text = readFileSync(join(root, f), 'utf8');
    } catch {
      continue;
    }
    const deps = new Set();
    const code = stripComments(text);
    const imports = new Set();
    for (const m of code.matchAll(/(?:\bfrom|\bimport)\s*\(?\s*(['"`])([^'"`\s$]+)\1/g)) for (const d of resolve(f, m[2])) imports.add(d);
    const named = new Set();
    for (const s of pathStrings(code)) for (const d of resolve(f, s)) if (d !== f) named.add(d);
    for (const d of [...named, ...imports]) deps.add(d);
    const listed = f.startsWith('test/') ? listedDirs(f, code, dirs) : [];
    const own = [...deps];
    for (const dir of listed) for (const d of dirs.get(dir)) if (d !== f) deps.add(d);
    graph.set(f, { deps: [...deps], own, imports, named, listed, text, code });
  }
  return graph;
}

/** The built-in models the registry lists, by name, with the file that defines each (`name: 'xenbus'`). */
export function modelFiles(graph) {
  const reg = graph.get(REGISTRY);
  const byName = new Map();
  if (!reg) return byName;
  for (const f of reg.deps) {
    for (const m of (graph.get(f)?.text ?? '').matchAll(/^\s*name: '([a-z0-9-]+)',$/gm)) byName.set(m[1], f);
  }
  return byName;
}

/**
 * The files of one or more built-ins, by name: a model's own file and every file of the same name
 * elsewhere (model/xenbus.ts defines xenbus; conformance/xenbus.ts is its vectors' file).
 */
function keyedFiles(graph, models) {
  const base = (f) => f.slice(f.lastIndexOf('/') + 1).replace(/\.[^.]+$/, '');
  const namesOf = new Map();
  for (const [name, f] of models) namesOf.set(base(f), [...(namesOf.get(base(f)) ?? []), name]);
  const keyed = new Map();
  for (const f of graph.keys()) if (!f.startsWith('test/') && namesOf.has(base(f))) keyed.set(f, namesOf.get(base(f)));
  return keyed;
}

/**
 * The tables of built-ins: files that reach TABLE_MODELS or more model files directly (model/registry.ts,
 * model/index.ts, cli/workerSystem.ts's loaders by name, conformance/models.ts): a test depends
 * through one only on the models it names.
 */
const TABLE_MODELS = 4;
function modelTables(graph, keyed) {
  // (a file listing model/ is no table: it reads every file there)
  return new Set([...graph].filter(([f, { own }]) => !keyed.has(f) && own.filter((d) => keyed.has(d)).length >= TABLE_MODELS).map(([f]) => f));
}

/**
 * The tests to run for `changed` (repo-relative paths), each with why, in file order. `tests` are the
 * test files of the tree (repo-relative); `graph`, when given, is dependencyGraph's of `files` and `changed`;
 * `added`, those of `changed` that are new (addedFiles): alone they select no every-model set.
 */
export function selectTests(root, changed, tests, files = treeFiles(root), graph = undefined, added = []) {
  // a deleted file is still a node (its importers name it), with no dependencies of its own;
  // `graph`: dependencyGraph's of these files, when the caller has it (test/suiteHygieneChanged asks many times)
  graph ??= dependencyGraph(root, [...new Set([...files, ...changed])]);
  const models = modelFiles(graph);
  const keyed = keyedFiles(graph, models);
  const tables = modelTables(graph, keyed);
  // a model is named by its name in quotes or `check NAME`, or by importing its export ('netif-tx': netifTx)
  const camel = (n) => n.replace(/-(\w)/g, (_, c) => c.toUpperCase());
  const nameRe = new Map([...models.keys()].map((n) => [n, new RegExp(`['"\`]${n}['"\`]|\\bcheck ${n}(?![\\w-])|\\bimport\\s+(?:type\\s+)?\\{[^}]*\\b${camel(n)}\\b[^}]*\\}`)]));
  const changedSet = new Set(changed);
  const why = new Map();
  for (const t of tests) {
    if (changedSet.has(t)) {
      why.set(t, 'changed');
      continue;
    }
    // breadth first from the test: the shortest chain to a changed file; the registry only to the named models
    const parent = new Map([[t, null]]);
    const queue = [t];
    const named = new Set();
    let all = false;
    let found;
    let viaModel;
    const seen = (f) => parent.has(f);
    const enter = (f, from) => {
      if (!seen(f)) {
        parent.set(f, from);
        queue.push(f);
      }
    };
    // the models the test names: in the test and in the files of test/ it depends on (found as the search goes)
    const readNames = (f) => {
      const node = graph.get(f) ?? { code: '' };
      // once a file (and a graph): the same for every test
      node.names ??= { every: /\bbuiltinModels\b/.test(node.code), here: [...nameRe].filter(([, re]) => re.test(node.code)).map(([name]) => name) };
      const { every, here } = node.names;
      if (every) all = true;
      // a file of test/support/ that names many (test/support/bounds.ts's table of parameters by model) is
      // a table too: the test's own names decide
      if (f === t || here.length < TABLE_MODELS) for (const name of here) named.add(name);
    };
    let registry = false;
    let modelsEntered = false;
    const tableOf = [];
    for (let i = 0; !found; i++) {
      if (i === queue.length) {
        // drained: the registry's models the test names (all of them: builtinModels), then on
        if (!registry || modelsEntered) break;
        modelsEntered = true;
        viaModel = new Map();
        for (const tf of tableOf)
          for (const mf of graph.get(tf).deps) {
            const name = (keyed.get(mf) ?? []).find((n) => all || named.has(n));
            if (name === undefined || seen(mf)) continue;
            viaModel.set(mf, name);
            enter(mf, tf);
          }
        if (i === queue.length) break;
      }
      const f = queue[i];
      if (f === t || (f.startsWith('test/') && !f.endsWith('.test.ts'))) readNames(f);
      if (f !== t && changedSet.has(f)) found = f;
      // a test file another names or lists is read, not run: what it imports is no dependency
      else if (f !== t && f.endsWith('.test.ts')) continue;
      else if (tables.has(f)) {
        // a table's model files are entered once the names are known; its other files now
        registry = true;
        for (const d of graph.get(f)?.deps ?? []) if (!keyed.has(d)) enter(d, f);
        tableOf.push(f);
      } else for (const d of graph.get(f)?.deps ?? []) enter(d, f);
    }
    if (!found) continue;
    const chain = [];
    for (let f = found; f !== null; f = parent.get(f)) chain.unshift(f);
    const model = chain.map((f) => viaModel?.get(f)).find(Boolean);
    why.set(t, model
      ? `${named.has(model) ? `names model ${model}` : `runs every built-in (builtinModels), ${model} among them`} (${chain.slice(1).join(' -> ')})`
      : chain.length === 2
        ? `${graph.get(t)?.imports.has(found) ? 'imports' : graph.get(t)?.named.has(found) ? 'names' : `lists ${found.slice(0, found.lastIndexOf('/'))}/:`} ${found}`
        : `depends on ${found} (${chain.slice(1).join(' -> ')})`);
  }
  const isNew = new Set(added);
  const dirs = [...new Set(changed.filter((f) => EVERY_MODEL_DIRS.test(f) && !isNew.has(f)).map((f) => f.slice(0, f.indexOf('/') + 1)))];
  if (dirs.length) {
    for (const t of tests) {
      if (why.has(t)) continue;
      const b = t.slice(t.lastIndexOf('/') + 1).replace(/\.test\.ts$/, '');
      if (EVERY_MODEL.includes(b)) why.set(t, `every-model set (${dirs.join(', ')} changed)`);
    }
  }
  return tests.filter((t) => why.has(t)).map((t) => ({ file: t, why: why.get(t) }));
}

/** An example: a file directly in examples/. */
const EXAMPLE = /^examples\/[^/]+\.ts$/;

/**
 * Per-example selection (session 31): the tests of `selectTests(changed)` that the change selects only
 * through its examples, each with the examples to run: the tests the change without its files of
 * examples/ would not select (none of the rest reaches them: not through an import, a name, a listed
 * directory or the every-model set). run-tests --changed passes them the list as PVCHECK_EXAMPLES
 * (test/support/examplesChosen.ts), and a test that runs every example one by one runs only those;
 * the full run (CI) and any test selected by the rest of the change run every example. The examples
 * to run: each changed example still there, and each example that depends on one (imports or names it,
 * transitively) or mentions its name (a header's fixed-by, in a comment); a deleted example adds none.
 * Returns a Map test -> example file names (`x.ts`, sorted; may be empty), empty when no example changed.
 */
export function examplesOnly(root, changed, tests, files = treeFiles(root), graph = undefined, added = []) {
  const changedExamples = changed.filter((f) => EXAMPLE.test(f));
  const out = new Map();
  if (changedExamples.length === 0) return out;
  graph ??= dependencyGraph(root, [...new Set([...files, ...changed])]);
  const all = selectTests(root, changed, tests, files, graph, added);
  const rest = new Set(changed.filter((f) => !EXAMPLE.test(f)));
  const byRest = new Set(selectTests(root, [...rest], tests, files, graph, added.filter((f) => rest.has(f))).map((t) => t.file));
  const hit = new Set(changedExamples);
  const stems = changedExamples.map((f) => f.slice(f.lastIndexOf('/') + 1).replace(/\.ts$/, ''));
  const reaches = (f) => {
    const seen = new Set([f]);
    const queue = [f];
    for (let i = 0; i < queue.length; i++) {
      if (hit.has(queue[i])) return true;
      for (const d of graph.get(queue[i])?.deps ?? []) if (!seen.has(d)) { seen.add(d); queue.push(d); }
    }
    return false;
  };
  const chosen = [...graph.keys()].filter((f) => EXAMPLE.test(f) && existsSync(join(root, f)))
    .filter((f) => reaches(f) || stems.some((s) => graph.get(f).text.includes(s)))
    .map((f) => f.slice(f.lastIndexOf('/') + 1)).sort();
  for (const t of all) if (!byRest.has(t.file)) out.set(t.file, chosen);
  return out;
}
