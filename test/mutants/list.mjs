// The mutants of test/mutants/: every *.json file there, in file-name order, each
// `{ "mutants": [ ... ] }` (and an optional "about"), one list (bin/mutants.mjs runs it,
// test/suiteHygiene checks it). Session 29: one file per area, named by the first file a
// mutant edits (areaOf), so that helpers adding mutants to their own code append to
// their own file and trains stop conflicting at the end of one mutants.json; the old
// test/mutants/mutants.json is read too until test/mutants/split.mjs moves its entries to
// their areas' files (no flag day: a branch that appends there still merges and runs).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The one file every mutant may be in (the list before the split), whatever its area. */
export const LEGACY = 'mutants.json';

/**
 * The area of a mutant: the top folder of the first file it edits (checker, cli, bin, test,
 * docs, examples, traces, conformance, bench...), and for model/ the model's file name up to
 * its first capital (model/xenbusFlat.ts: model-xenbus; model/blkif.ts: model-blkif). Its
 * file: test/mutants/AREA.json.
 */
export function areaOf(m) {
  const file = m.edits?.[0]?.file ?? '';
  const [top, name] = file.split('/');
  if (top === 'model' && name) return `model-${/^[a-z0-9]+/.exec(name)?.[0] ?? name.replace(/\.\w+$/, '').toLowerCase()}`;
  return top || 'unknown';
}

/**
 * Every mutant of `dir` (test/mutants), each with `source` (its file's name), in file-name
 * order then file order (`except`: a file name left out). Throws one line on a file that
 * is not JSON or has no `mutants` list, and on an id used twice (naming both files).
 */
export function loadMutants(dir, { except } = {}) {
  const files = readdirSync(dir).filter((f) => f.endsWith('.json') && f !== except).sort();
  const out = [];
  const seen = new Map();
  for (const f of files) {
    let j;
    try {
      j = JSON.parse(readFileSync(join(dir, f), 'utf8'));
    } catch (e) {
      throw new Error(`test/mutants/${f}: not JSON: ${String(e?.message ?? e).split('\n')[0]}`);
    }
    if (!j || !Array.isArray(j.mutants)) throw new Error(`test/mutants/${f}: no "mutants" list`);
    for (const m of j.mutants) {
      if (seen.has(m.id)) throw new Error(`test/mutants/${f}: mutant ${m.id} is in test/mutants/${seen.get(m.id)} too`);
      seen.set(m.id, f);
      out.push({ ...m, source: f });
    }
  }
  return out;
}
