/**
 * The CLI check that a built-in's word-level fast path (cli/fastPath.ts) gives the user the built-in's own
 * run: `pvcheck check MODEL POINT --json` on the fast path, with `--nested` (the built-in itself), and on 2
 * workers (which load the word-level model from its module): the same JSON report but for what the clock and
 * the workers' shared table change, and the same `--dump-states` bytes. test/fastPath (ring) and
 * test/xenbusFastPath (xenbus) run it; written once here (duplicates D1, session 29's second read).
 */
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { check } from '../../checker/search.js';
import { asBuiltin, fastPathCover, fastPathFor, fastPathLine, type FastPath } from '../../cli/fastPath.js';
import type { Model } from '../../model/core.js';
import { resolveParams } from '../../model/params.js';
import { bind } from '../../properties/bind.js';
import { pvcheck } from './cli.js';
import { scratchDir } from './tmp.js';

/** The JSON report without what the clock and the workers change. */
export const reportOf = (out: string): Record<string, unknown> => {
  const { seconds, statesPerSecond, workers, workersReason, ...rest } = JSON.parse(out) as Record<string, unknown>;
  void seconds, statesPerSecond, workers, workersReason;
  return rest;
};

/**
 * Runs the three checks of `model` at `point` (CLI arguments) and asserts they agree; `states` is the
 * distinct state count the point is chosen for (that the test runs where it says).
 */
export function fastPathMatchesNested(model: string, point: readonly string[], states: number): void {
  const dir = scratchDir(`fastpath-${model}`);
  const flat = pvcheck(['check', model, ...point, '--json', '-w', '1', '--dump-states', join(dir, 'flat.txt')], dir);
  const nested = pvcheck(['check', model, ...point, '--json', '-w', '1', '--dump-states', join(dir, 'nested.txt'), '--nested'], dir);
  const two = pvcheck(['check', model, ...point, '--json', '-w', '2'], dir);
  for (const r of [flat, nested, two]) assert.is(r.code, 0, r.err);
  const want = reportOf(nested.out);
  assert.is(want['distinctStates'], states);
  assert.equal(reportOf(flat.out), want);
  // the workers' shared table is not one thread's: its bytes and collision bound are theirs (the same with --nested)
  const { stateSetSha256, bytesPerState, fingerprintCollisionProbability, ...rest } = want;
  assert.ok(stateSetSha256 && bytesPerState && fingerprintCollisionProbability);
  const { bytesPerState: b2, fingerprintCollisionProbability: c2, ...rest2 } = reportOf(two.out);
  assert.ok(b2 && c2);
  assert.equal(rest2, rest);
  assert.is(JSON.parse(two.out).workers, 2, 'the workers loaded the word-level model');
  assert.is(readFileSync(join(dir, 'flat.txt'), 'utf8'), readFileSync(join(dir, 'nested.txt'), 'utf8'));
}

/**
 * The word-level search's counterexample, replayed on the built-in's rules (cli/fastPath.ts asBuiltin), is
 * byte for byte the built-in search's own: `flatM` and `nestedM` are the word-level model and the built-in
 * with the same added invariant (none of the built-in's fails inside a cover); returns the built-in's trace
 * length for the caller's bound on it.
 */
export function replayedMatchesBuiltin(builtin: Model, params: object, fast: FastPath, flatM: Model, nestedM: Model, property: string): number {
  const run = (m: Model) => {
    const sys = bind(m, params);
    if (E.isLeft(sys)) throw new Error(sys.left);
    return check(sys.right);
  };
  const got = asBuiltin(builtin, params, fast, run(flatM));
  const want = run(nestedM);
  assert.is(want.violation?.property, property);
  assert.is(JSON.stringify(got.violation), JSON.stringify(want.violation));
  return want.violation!.trace.length;
}

/**
 * `pvcheck list MODEL`'s fast-path line (cli/fastPath.ts fastPathLine) says the word-level model's cover as
 * it is: from `base` (a point inside it, as `-p` values), each listed `k=v` is where the fast path runs and
 * every other value of k is refused; each listed range `k ...` refuses k's largest value; every parameter
 * not listed is free (each of its values the built-in accepts keeps the fast path; an integer's least,
 * default and largest). Returns the items checked.
 */
export async function listedCoverIsTheCover(builtin: Model, base: Readonly<Record<string, string>>): Promise<number> {
  const line = fastPathLine(builtin.name);
  const cover = fastPathCover(builtin.name);
  assert.ok(line && cover, `${builtin.name} has a fast path`);
  const listed = pvcheck(['list', builtin.name], scratchDir(`list-${builtin.name}`));
  assert.is(listed.code, 0, listed.err);
  assert.ok(listed.out.split('\n').includes(`  ${line}`), 'pvcheck list prints the fast-path line');
  assert.match(line, new RegExp(`${cover.name}.*--nested runs ${builtin.name} itself`));
  const fastAt = async (ov: Record<string, string>): Promise<boolean | undefined> => {
    const p = resolveParams(builtin.params, { ...base, ...ov });
    if (E.isLeft(p)) return undefined; // not a point of the built-in
    return (await fastPathFor(builtin, p.right as object)) !== undefined;
  };
  assert.is(await fastAt({}), true, 'the base point is inside the cover');
  const valuesOf = (k: string): string[] => {
    const s = builtin.params.specs[k]!;
    if (s.kind === 'enum') return [...s.values];
    if (s.kind === 'bool') return ['true', 'false'];
    return [...new Set([s.min, s.default, s.max])].map(String);
  };
  const named = new Set<string>();
  for (const item of cover.cover) {
    const m = /^(\w+)(?:=(\S+)| (.+))$/.exec(item);
    assert.ok(m && m[1]! in builtin.params.specs, `${item}: a parameter of ${builtin.name}`);
    const k = m![1]!;
    named.add(k);
    if (m![2] !== undefined) {
      assert.is(await fastAt({ [k]: m![2] }), true, item);
      for (const v of valuesOf(k)) {
        const got = v === m![2] ? true : await fastAt({ [k]: v });
        if (got !== undefined) assert.is(got, v === m![2], `${k}=${v} is ${v === m![2] ? 'inside' : 'outside'}`);
      }
    } else {
      const s = builtin.params.specs[k]!;
      assert.ok(s.kind === 'int', `${item}: a range of an integer`);
      if (s.kind === 'int') assert.is(await fastAt({ [k]: String(s.max) }), false, `${k}=${s.max} is outside`);
    }
  }
  for (const k of Object.keys(builtin.params.specs))
    if (!named.has(k)) for (const v of valuesOf(k)) {
      const got = await fastAt({ [k]: v });
      if (got !== undefined) assert.is(got, true, `${k}=${v} is not listed: it must keep the fast path`);
    }
  return cover.cover.length;
}
