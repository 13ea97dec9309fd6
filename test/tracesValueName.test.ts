/**
 * A model's `valueName`: `pvcheck show` and the charts print xenbus.h's name
 * beside a XenbusState number (`be.state: 0 (XenbusStateUnknown) -> 2
 * (XenbusStateInitWait)`, a xenstore `state` node's "2"), and nothing beside
 * other fields or values outside the enum. The names are checked against the
 * enum of the real header (libxen-dev's xen/io/xenbus.h, which CI installs);
 * without the header the tests are skipped with one line saying so.
 */
import { test as uvuTest } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import * as E from 'fp-ts/lib/Either.js';
import { defineModel } from '../model/core.js';
import { defineParams } from '../model/params.js';
import { xenbus, xenbusStateLabel } from '../model/xenbus.js';
import { vif } from '../model/vif.js';
import { chartOf, readTraceFile, showTrace, type Trace } from '../traces/index.js';

const HEADER = '/usr/include/xen/io/xenbus.h';
const missing = existsSync(HEADER) ? undefined : `no ${HEADER}`;
if (missing) console.log(`skip: the XenbusState names against the real header: ${missing} (apt-get install -y libxen-dev)`);
const test: typeof uvuTest = missing ? Object.assign((name: string, fn: Parameters<typeof uvuTest>[1]) => uvuTest.skip(name, fn), uvuTest) : uvuTest;

/** number -> name, from the header's `enum xenbus_state`. */
const headerNames = (): Map<number, string> => {
  const text = readFileSync(HEADER, 'utf8');
  const body = /enum\s+xenbus_state\s*\{([\s\S]*?)\}/.exec(text);
  assert.ok(body, `${HEADER} has no enum xenbus_state`);
  const names = new Map<number, string>();
  for (const m of body![1]!.matchAll(/(XenbusState\w+)\s*=\s*(\d+)/g)) names.set(Number(m[2]), m[1]!);
  assert.ok(names.size >= 9, `${HEADER}: ${names.size} XenbusState values read`);
  return names;
};

test('xenbusStateLabel: the header name of every XenbusState, as a number and as a node\'s string; nothing else', () => {
  const names = headerNames();
  for (const [n, name] of names) {
    assert.is(xenbusStateLabel(n), name, `${n}`);
    assert.is(xenbusStateLabel(String(n)), name, `"${n}"`);
  }
  for (const v of [9, -1, 1.5, '9', 'x', '02', ' 2', '', null, undefined, true, [2], { state: 2 }]) assert.is(xenbusStateLabel(v), undefined, JSON.stringify(v));
});

/** `path: a (N) -> b (M)` or `path: a (N)`: the value and the name printed beside it. */
const named = (line: string): { path: string; pairs: [string, string | undefined][] } | undefined => {
  const m = /^ {2}([^ |][^:]*): (.*)$/.exec(line);
  if (!m) return undefined;
  const sides = m[2]!.split(' -> ');
  return {
    path: m[1]!,
    pairs: sides.map((s) => {
      const k = /^(.*?) \((XenbusState\w+)\)$/.exec(s);
      return k ? [k[1]!, k[2]!] : [s, undefined];
    }),
  };
};

const xenbusStatePath = (path: string): boolean => ['fe.dev', 'be.state', 'be.dev'].includes(path) || (path.startsWith('xs.') && /\/state"\]$/.test(path));

test('show of a xenbus finding: every XenbusState field and state node named as the header names it, no other field', () => {
  const names = headerNames();
  for (const id of ['xenbus-F1', 'xenbus-F7', 'xenbus-M1']) {
    const t = readTraceFile(`docs/findings/${id}.trace.json`);
    if (E.isLeft(t)) throw new Error(t.left);
    const text = showTrace(t.right, xenbus);
    let namedSeen = 0;
    let stateLines = 0;
    for (const line of text.split('\n')) {
      const n = named(line);
      if (!n) continue;
      if (!xenbusStatePath(n.path)) {
        assert.ok(n.pairs.every(([, name]) => name === undefined), `${id}: a name beside ${n.path}: ${line}`);
        continue;
      }
      stateLines++;
      for (const [value, name] of n.pairs) {
        if (value === '(absent)') { assert.is(name, undefined, line); continue; }
        const num = Number(JSON.parse(value));
        assert.is(name, names.get(num), `${id}: ${line}`);
        namedSeen++;
      }
    }
    assert.ok(stateLines >= 5 && namedSeen >= 5, `${id}: ${stateLines} XenbusState lines, ${namedSeen} names`);
  }
});

test('a state node holding something that is no XenbusState (a hostile guest\'s write) is shown without a name', () => {
  const st = (v: string) => ({ xs: { nodes: { 'device/vif/0/state': v } }, fe: { dev: 1 } });
  const trace: Trace = {
    format: 'pvcheck-trace', version: 1, model: 'xenbus', params: {}, property: { name: '', kind: 'none' },
    steps: [{ action: 'init', rule: null, state: st('1') }, { action: 'w', rule: null, state: st('x') }, { action: 'w', rule: null, state: st('5') }],
  };
  const text = showTrace(trace, xenbus);
  assert.match(text, 'xs.nodes["device/vif/0/state"]: "1" (XenbusStateInitialising)\n');
  assert.match(text, 'xs.nodes["device/vif/0/state"]: "1" (XenbusStateInitialising) -> "x"\n');
  assert.match(text, 'xs.nodes["device/vif/0/state"]: "x" -> "5" (XenbusStateClosing)\n');
  assert.match(text, 'fe.dev: 1 (XenbusStateInitialising)\n');
});

test('vif: both ends\' XenbusState named, in show and in the charts\' changes', () => {
  const names = headerNames();
  const trace: Trace = {
    format: 'pvcheck-trace', version: 1, model: 'vif', params: {}, property: { name: '', kind: 'none' },
    steps: [
      { action: 'init', rule: null, state: { fe: 1, be: 2, gen: 0 } },
      { action: 'connect', rule: null, state: { fe: 4, be: 2, gen: 0 } },
    ],
  };
  const text = showTrace(trace, vif);
  assert.match(text, `  fe: 1 (${names.get(1)})\n  be: 2 (${names.get(2)})\n  gen: 0\n`);
  assert.match(text, `  fe: 1 (${names.get(1)}) -> 4 (${names.get(4)})\n`);
  assert.equal(chartOf(trace, vif).steps[1]!.changes, [`fe: 1 (${names.get(1)}) -> 4 (${names.get(4)})`]);
});

uvuTest('a valueName that throws or returns no string is shown without a name; a model without one is unchanged', () => {
  const base = { name: 'toy', description: 'toy', params: defineParams({}), init: () => [], rules: [], invariants: [] };
  const trace: Trace = {
    format: 'pvcheck-trace', version: 1, model: 'toy', params: {}, property: { name: '', kind: 'none' },
    steps: [{ action: 'init', rule: null, state: { a: 1, b: 2 } }, { action: 's', rule: null, state: { a: 3, b: 2 } }],
  };
  const plain = showTrace(trace, defineModel<any, any>(base));
  assert.match(plain, '  a: 1\n  b: 2\n');
  assert.match(plain, '  a: 1 -> 3\n');
  const throwing = defineModel<any, any>({ ...base, valueName: (path: readonly (string | number)[]) => { if (path[0] === 'a') throw new Error('boom'); return 7 as any; } });
  assert.is(showTrace(trace, throwing), plain);
  const naming = defineModel<any, any>({ ...base, valueName: (path: readonly (string | number)[], v: unknown) => (path[0] === 'a' ? `A${String(v)}` : '') });
  assert.match(showTrace(trace, naming), '  a: 1 (A1)\n  b: 2\n');
  assert.match(showTrace(trace, naming), '  a: 1 (A1) -> 3 (A3)\n');
});

test.run();
