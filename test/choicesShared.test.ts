/**
 * A rule's `choices` is asked on every state the search expands, before its
 * guard. A choice list that depends only on the parameters must be built once
 * per parameter record (model/params.ts `perParams`, or a module constant) and
 * shared by every state: rebuilt each time it costs the search for nothing
 * (session 25: netif-ctrl's ~50 request records built fresh on each state were
 * 30% of its check-all row's CPU, docs/perf/2026-12-06g-nested.md).
 *
 * For every built-in model at its defaults and at each of its check-all runs'
 * parameters (one parameter record each), a rule with choices that applies is
 * first asked for its list on a state that throws on any read: a rule that
 * reads nothing of the state has a list of the parameters only. Such a rule is
 * then asked on two different reachable states (the first of a breadth-first
 * walk, the rules fired as the search fires them) and fails when the two lists
 * are deep-equal but not the same array. A list that reads the state (a hostile
 * write of what is left, the slots in use) is built per state by its nature and
 * is not asked to be shared: a walk cannot tell such a list, equal on the
 * states it saw, from one of the parameters only (netif-tx's make_tx_response
 * is empty on its first 600 states), the read can.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { produce } from 'immer';
import { isDeepStrictEqual } from 'node:util';
import { builtinModels, findModel } from '../model/registry.js';
import type { Model, Rule } from '../model/core.js';
import { paramsOf } from './support/models.js';

/** States walked per model and parameter record (two different ones are enough; a few more for the self-test). */
const WALK = 40;

const READ = Symbol('the state was read');
/** A state that throws {@link READ} on any read: `choices` on it returns only when it reads nothing of the state. */
const NO_STATE: unknown = new Proxy(
  {},
  {
    get: () => {
      throw READ;
    },
    has: () => {
      throw READ;
    },
    ownKeys: () => {
      throw READ;
    },
    getOwnPropertyDescriptor: () => {
      throw READ;
    },
    getPrototypeOf: () => {
      throw READ;
    },
  },
);

/** Whether rule r's choices at p read the state (else they are of the parameters only). */
function readsState(r: Rule<unknown, unknown, unknown>, p: unknown): boolean {
  try {
    r.choices!(NO_STATE, p);
    return false;
  } catch (e) {
    if (e === READ) return true;
    throw e;
  }
}

/** The first `n` distinct states of `m` at `p`, breadth first (the rules fired as the search fires them, through immer). */
function walk(m: Model, p: unknown, n: number): unknown[] {
  const seen = new Set<string>();
  const states: unknown[] = [];
  const queue: unknown[] = [...m.init(p as never)];
  for (let i = 0; i < queue.length && states.length < n; i++) {
    const s = queue[i];
    const key = JSON.stringify(s);
    if (seen.has(key)) continue;
    seen.add(key);
    states.push(s);
    for (const r of m.rules as readonly Rule<unknown, unknown, unknown>[]) {
      if (r.applies && !r.applies(p)) continue;
      for (const a of r.choices ? r.choices(s, p) : [undefined]) if (!r.when || r.when(s, p, a)) queue.push(produce(s, (d) => r.then(d, s, p, a)));
    }
  }
  return states;
}

interface Finding {
  readonly rule: string;
  /** Its choices read the state. */
  readonly reads: boolean;
  /** Its lists on the first two walked states are deep-equal, and the same array. */
  readonly equal: boolean;
  readonly shared: boolean;
}

/** Per rule with choices that applies at `p`: whether its choices read the state, and its lists on `states`' first two. */
function choiceLists(m: Model, p: unknown, states: readonly unknown[]): Finding[] {
  const out: Finding[] = [];
  for (const r of m.rules as readonly Rule<unknown, unknown, unknown>[]) {
    if (!r.choices || (r.applies && !r.applies(p))) continue;
    const [a, b] = [r.choices(states[0], p), r.choices(states[1], p)];
    out.push({ rule: r.name, reads: readsState(r, p), equal: isDeepStrictEqual(a, b), shared: a === b });
  }
  return out;
}

/** Each model's parameter records: its defaults, then its check-all runs' (as `check-all` resolves them). */
function records(m: Model): { where: string; p: unknown }[] {
  return [{ where: 'defaults', p: paramsOf(m, {}) }, ...(m.checkAll ?? []).map((run) => ({ where: JSON.stringify(run.params), p: paramsOf(m, { ...run.params }) }))];
}

for (const m of builtinModels)
  test(`${m.name}: a choice list that depends only on the parameters is built once per parameter record`, () => {
    const rebuilt: string[] = [];
    for (const { where, p } of records(m)) {
      const states = walk(m, p, 2);
      assert.is(states.length, 2, `${m.name} at ${where} reaches two states`);
      for (const f of choiceLists(m, p, states))
        if (!f.reads && !(f.equal && f.shared))
          rebuilt.push(`${f.rule} at ${where} (its choices read only the parameters, yet two states got ${f.equal ? 'two equal lists' : 'different lists'}: build the list once per parameter record, model/params.ts perParams, or as a constant)`);
    }
    assert.equal(rebuilt, [], `${m.name}: ${rebuilt.join('; ')}`);
  });

test('a list that reads the state is told from one of the parameters (blkif make_response, netif-ctrl send_ctrl_request)', () => {
  const blkif = findModel('blkif')!;
  const pb = paramsOf(blkif, {});
  const states = walk(blkif, pb, WALK);
  const mr = blkif.rules.find((r) => r.name === 'make_response')!;
  assert.ok(readsState(mr as Rule<unknown, unknown, unknown>, pb), 'make_response offers the requests in flight: it reads the state');
  const lists = states.map((s) => mr.choices!(s, pb));
  assert.ok(lists.some((l) => !isDeepStrictEqual(l, lists[0])), `make_response's list changes over ${states.length} states`);
  const ctrl = findModel('netif-ctrl')!;
  const pc = paramsOf(ctrl, {});
  const fc = choiceLists(ctrl, pc, walk(ctrl, pc, 2)).find((f) => f.rule === 'send_ctrl_request');
  assert.equal(fc, { rule: 'send_ctrl_request', reads: false, equal: true, shared: true });
  assert.throws(() => (NO_STATE as { x: unknown }).x, (e: unknown) => e === READ);
});

test.run();
