/**
 * The lint behind test/suiteHygienePinned.test.ts: no test writes a built-in's
 * default results by hand. The figures of a built-in model at its defaults
 * (states, edges, depth, the declared finding's trace length) and of its
 * check-all rows live in test/pinned.json and are read through
 * test/support/pinnedDefaults.ts; a test that writes one out breaks when a
 * default is raised (session 26: test/cliHardeningB had xenbus F7's 10 steps
 * written in, and failed at the new defaults' 11 in CI, not in land.sh).
 *
 * What counts as a hit, in a test file's code (comments are left out: a
 * comment that restates a figure goes stale, it does not fail):
 *  - a number literal (1234, 1,234 or 1_234) equal to a pinned default's or
 *    check-all row's states or edges: anywhere when it is 10,000 or more, else
 *    with the model's quoted name within NEAR lines;
 *  - a trace length N of a pinned finding (`P in N steps`): `N steps`,
 *    `length - 1, N` or `length, N` within NEAR lines of the property's name,
 *    or of the model's quoted name and `deadlock` for a deadlock;
 *  - a depth N: `depth` then N (`depth: 36`, `depth, 36`) with the model's
 *    quoted name within NEAR lines.
 * Each exception is an allowlist entry with its reason (the test file's).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Lines either side of a figure searched for the model's (or property's) name. */
export const NEAR = 5;

export interface Figure {
  model: string;
  /** What the number is, as a hit names it: `states`, `edges`, `depth`, `trace length of P`, `check-all row X states`. */
  what: string;
  value: number;
  kind: 'count' | 'length' | 'depth';
  /** For a trace length: the property whose trace it is (`deadlock` for a deadlock). */
  property?: string;
}

interface PinnedRow { model: string; states: number; edges: number; depth: number; violation?: string; checkAll?: string }

/** Every figure of test/pinned.json's `defaults` and `checkAll` entries (the `runs` entries name their parameters: not defaults). */
export function pinnedFigures(pinnedJson: string): Figure[] {
  const p = JSON.parse(pinnedJson) as { defaults: PinnedRow[]; checkAll?: PinnedRow[] };
  const out: Figure[] = [];
  const add = (e: PinnedRow, prefix: string) => {
    out.push({ model: e.model, what: `${prefix}states`, value: e.states, kind: 'count' });
    out.push({ model: e.model, what: `${prefix}edges`, value: e.edges, kind: 'count' });
    out.push({ model: e.model, what: `${prefix}depth`, value: e.depth, kind: 'depth' });
    const v = e.violation && /^(\S+) in (\d+) steps?$/.exec(e.violation);
    if (v) out.push({ model: e.model, what: `${prefix}trace length of ${v[1]}`, value: Number(v[2]), kind: 'length', property: v[1] });
  };
  for (const e of p.defaults) add(e, '');
  for (const e of p.checkAll ?? []) add(e, `check-all row ${e.checkAll} `);
  return out;
}

/** `text` with its comments blanked (same lines): block comments, whole-line and trailing `//` comments outside strings. */
export function codeOnly(text: string): string {
  let out = '';
  let i = 0;
  let quote: string | null = null;
  while (i < text.length) {
    const c = text[i]!;
    if (quote) {
      out += c;
      if (c === '\\') { out += text[i + 1] ?? ''; i += 2; continue; }
      if (c === quote || (c === '\n' && quote !== '`')) quote = null;
      i++;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? text.length : end + 2;
      out += text.slice(i, stop).replace(/[^\n]/g, ' ');
      i = stop;
      continue;
    }
    if (c === '/' && text[i + 1] === '/') {
      const end = text.indexOf('\n', i);
      const stop = end < 0 ? text.length : end;
      out += ' '.repeat(stop - i);
      i = stop;
      continue;
    }
    if (c === "'" || c === '"' || c === '`') quote = c;
    else if (c === '/' && /[(,=:[!&|?{};]\s*$/.test(out.slice(-20))) {
      // a regex literal: copied as it is up to its closing slash (a // inside it is no comment)
      let j = i + 1;
      let cls = false;
      while (j < text.length && text[j] !== '\n') {
        if (text[j] === '\\') { j += 2; continue; }
        if (text[j] === '[') cls = true;
        else if (text[j] === ']') cls = false;
        else if (text[j] === '/' && !cls) break;
        j++;
      }
      out += text.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}

/** A figure written in a test: `model` names every built-in whose figure it equals (`ring-notify|ring`). */
export interface Hit { file: string; line: number; value: number; model: string; what: string; text: string }

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** The model's name as a test writes it: quoted (`'xenbus'`, `"xenbus"`, `` `xenbus` ``). */
const quoted = (model: string) => new RegExp(`['"\`]${esc(model)}['"\`]`);
const NUMBER = /(?<![\w.])\d{1,3}(?:[,_]\d{3})+(?![\w])|(?<![\w.,])\d+(?!\w|[,.]\d)/g;

/** The hits of one file's text (`file` only names them). */
export function lintText(file: string, text: string, figures: readonly Figure[]): Hit[] {
  const lines = codeOnly(text).split('\n');
  const near = (i: number, re: RegExp) => lines.slice(Math.max(0, i - NEAR), i + NEAR + 1).some((l) => re.test(l));
  const hits: Hit[] = [];
  lines.forEach((l, i) => {
    const nums = [...l.matchAll(NUMBER)].map((m) => Number(m[0].replace(/[,_]/g, '')));
    for (const f of figures) {
      let hit = false;
      if (f.kind === 'count') hit = nums.includes(f.value) && (f.value >= 10_000 || near(i, quoted(f.model)));
      else if (f.kind === 'depth') hit = new RegExp(`\\bdepth\\W{1,6}${f.value}(?!\\d)`).test(l) && near(i, quoted(f.model));
      else {
        const n = f.value;
        const form = new RegExp(`(?<![\\d.])${n} steps?\\b|length(?:\\s*-\\s*1)?\\s*,\\s*${n}(?!\\d)`);
        const named = f.property === 'deadlock' ? near(i, quoted(f.model)) && near(i, /deadlock/) : near(i, new RegExp(esc(f.property!)));
        hit = form.test(l) && named;
      }
      if (!hit) continue;
      // ring and ring-notify share their figures: one hit naming both
      const same = hits.find((h) => h.line === i + 1 && h.value === f.value);
      if (same) {
        if (!same.model.split('|').includes(f.model)) same.model += `|${f.model}`;
      } else hits.push({ file, line: i + 1, value: f.value, model: f.model, what: f.what, text: text.split('\n')[i]!.trim() });
    }
  });
  return hits;
}

/**
 * An exception: a figure `file` may write, and why (e.g. the run names its parameters, which equal the
 * defaults today; a recorded profile that is the test's input, not a result). `value` names
 * the figure; `where` is a fragment of the line it stands on.
 */
export interface Allowed { file: string; value: number; where: string; reason: string }

/** The hits `allow` does not excuse, and the entries of `allow` that excuse nothing (stale). */
export function unexcused(hits: readonly Hit[], allow: readonly Allowed[]): { hits: Hit[]; stale: Allowed[] } {
  const used = new Set<Allowed>();
  const left = hits.filter((h) => {
    const a = allow.find((x) => x.file === h.file && x.value === h.value && h.text.includes(x.where));
    if (a) used.add(a);
    return !a;
  });
  return { hits: left, stale: allow.filter((a) => !used.has(a)) };
}

/** The hits of every file under `root`'s test/ (test/*.ts and test/support/*.ts), this lint's own files left out. */
export function lintTree(root: string, files: readonly string[]): Hit[] {
  const figures = pinnedFigures(readFileSync(join(root, 'test/pinned.json'), 'utf8'));
  return files.flatMap((f) => lintText(f, readFileSync(join(root, f), 'utf8'), figures));
}
