/**
 * Prototype (not used by the checker): rules compiled to word operations by
 * tracing, measured against today's expansion (docs/perf/2026-12-05c-nested.md,
 * section 3).
 *
 *   N=100000 node --import ./bin/register.mjs bench/traced.ts ring memory=weak frontend=hostile ringSize=2 messages=3
 *   N=20000 node --import ./bin/register.mjs bench/traced.ts xenbus events=4
 *
 * A rule's choices, guard and effect are deterministic functions of the leaves
 * they read. Run once on a recording view (a Proxy per record, array and list,
 * each property mapped to its leaf of the codec's layout), a function gives its
 * read path (the leaves read, in order, with their values) and, for an effect,
 * the leaves it wrote. A trie keyed by the read values then answers later calls
 * on the packed words alone: choices -> how many, guard -> bool, effect -> per
 * word a mask and bits (successor = (parent & ~mask) | bits). A path not in the
 * trie (a miss) runs the function on the recording view again. The first pass
 * compares every successor with today's, word for word and in order. The tries
 * are then also generated as code (one function per rule: a `switch` per trie
 * node), and the three expansions (today, tries walked, tries as code) are
 * timed, alternating.
 */
import { shapeCodec } from '../checker/codec.js';
import { hashWords } from '../checker/hash.js';
import { check } from '../checker/search.js';
import { compileExpand } from '../checker/flatExpand.js';
import { boundShaped } from '../test/support/models.js';

const [m, ...kv] = process.argv.slice(2);
const { sys, piece } = boundShaped(m!, Object.fromEntries(kv.map((x) => x.split('='))));
const N = Number(process.env.N ?? 100000);
const c = shapeCodec<any>(piece, { lazyRoot: false });
const W = c.words;
const leaves = c.leaves;
const leafAt = new Map(leaves.map((l, i) => [l.path, i]));
const lword = Int32Array.from(leaves, (l) => l.word), lshift = Int32Array.from(leaves, (l) => l.shift);
const lmask = Uint32Array.from(leaves, (l) => (l.bits === 32 ? 0xffffffff : 2 ** l.bits - 1));

// ---- subtree leaf ranges (the leaves under a path are contiguous: the layout is depth-first)
const rangeCache = new Map<string, [number, number]>();
function subtree(path: string): [number, number] {
  let r = rangeCache.get(path);
  if (r) return r;
  if (path.endsWith('#')) { const i = leafOf(path); rangeCache.set(path, (r = [i, i + 1])); return r; }
  let lo = -1, hi = -1;
  for (let i = 0; i < leaves.length; i++) {
    const p = leaves[i]!.path;
    if (p === path || p.startsWith(path + '.') || p.startsWith(path + '[') || p === path + '?' || p === path + '#' || p === path + '|' ) {
      if (lo < 0) lo = i;
      hi = i + 1;
    } else if (lo >= 0) break;
  }
  if (lo < 0) throw new Error(`no leaves under ${path}`);
  rangeCache.set(path, (r = [lo, hi]));
  return r;
}

// ---- the recorder
interface Rec { reads: number[]; readSeen: Uint8Array; written: Uint8Array; untraceable: boolean; words: Uint32Array; off: number }
let rec: Rec;
const leafOf = (path: string): number => {
  const i = leafAt.get(path);
  if (i === undefined) throw new Error(`no leaf ${path}`);
  return i;
};
function read(i: number): void {
  if (rec.written[i] || rec.readSeen[i]) return;
  rec.readSeen[i] = 1;
  rec.reads.push(i);
}
const isIndex = (p: string | symbol): p is string => typeof p === 'string' && /^(0|[1-9]\d*)$/.test(p);
const targets = new WeakMap<object, object>();
const pathOf = new WeakMap<object, string>();
type Piece = any;
const fieldsOf = new WeakMap<Piece, Map<string, Piece>>();
const fieldMap = (p: Piece): Map<string, Piece> => {
  let f = fieldsOf.get(p);
  if (!f) fieldsOf.set(p, (f = new Map(p.fields)));
  return f;
};
/** The path and its ancestors ('a.b[1].c' -> 'a.b[1].c', 'a.b[1]', 'a.b', 'a'), cached. */
const ancestorsCache = new Map<string, string[]>();
const ancestors = (path: string): string[] => {
  let a = ancestorsCache.get(path);
  if (a) return a;
  a = [path];
  for (let i = path.length - 1; i > 0; i--) if (path[i] === '.' || path[i] === '[') a.push(path.slice(0, i));
  ancestorsCache.set(path, a);
  return a;
};
let marked = new Set<string>();
/** Whether the subtree at path was written as a whole (it or an ancestor assigned): its reads are then of values the rule made. */
const writtenUnder = (path: string): boolean => {
  if (marked.size === 0) return false;
  for (const x of ancestors(path)) if (marked.has(x)) return true;
  return false;
};
function markWritten(path: string): void {
  marked.add(path);
  const [lo, hi] = subtree(path);
  for (let i = lo; i < hi; i++) rec.written[i] = 1;
}
function valueAt(v: any, p: Piece, path: string, draft: boolean): any {
  if (draft && writtenUnder(path)) return v;
  switch (p.kind) {
    case 'int':
    case 'enum':
      read(leafOf(path));
      return v;
    case 'optional':
    case 'nullable':
      read(leafOf(path + '?'));
      if (v === undefined || v === null) return v;
      return valueAt(v, p.of, path, draft);
    case 'union': {
      read(leafOf(path + '|'));
      if (typeof v === 'object' && v !== null) return valueAt(v, p.of.find((a: Piece) => a.kind === 'record'), path, draft);
      return valueAt(v, p.of.find((a: Piece) => a.kind !== 'record'), path, draft);
    }
    default:
      return proxyOf(v, p, path, draft);
  }
}
const proxies = new Map<string, any>();
function proxyOf(v: any, p: Piece, path: string, draft: boolean): any {
  const key = `${draft ? 'd' : 's'}:${path}`;
  const hit = proxies.get(key);
  if (hit && targets.get(hit) === v) return hit;
  const px = new Proxy(v, draft ? draftHandler(p, path) : readHandler(p, path));
  targets.set(px, v);
  pathOf.set(px, path);
  proxies.set(key, px);
  return px;
}
function childOf(p: Piece, path: string, prop: string): [Piece, string] | undefined {
  if (p.kind === 'record') {
    const f = fieldMap(p).get(prop);
    return f ? [f, path ? `${path}.${prop}` : prop] : undefined;
  }
  if ((p.kind === 'array' || p.kind === 'list') && isIndex(prop)) return [p.of, `${path}[${prop}]`];
  return undefined;
}
function getTrap(p: Piece, path: string, draft: boolean) {
  return (t: any, prop: string | symbol, r: any) => {
    if (typeof prop === 'symbol') return Reflect.get(t, prop, r);
    if (p.kind === 'list' && (prop === 'length' || isIndex(prop))) {
      if (!(draft && writtenUnder(path))) read(leafOf(path + '#'));
      if (prop === 'length') return t.length;
    }
    const ch = childOf(p, path, prop);
    if (!ch) return Reflect.get(t, prop, r);
    const v = t[prop];
    if (p.kind === 'list' && Number(prop) >= t.length) return v;
    return valueAt(v, ch[0], ch[1], draft);
  };
}
function readHandler(p: Piece, path: string): ProxyHandler<any> {
  return {
    get: getTrap(p, path, false),
    set: () => { throw new Error(`traced: a write to the input state at ${path}`); },
    has: (t, prop) => { presence(p, path, prop, false); return Reflect.has(t, prop); },
    getOwnPropertyDescriptor: (t, prop) => { presence(p, path, prop, false); return Reflect.getOwnPropertyDescriptor(t, prop); },
    ownKeys: (t) => { if (p.kind === 'list') read(leafOf(path + '#')); else if (p.kind === 'record' && p.keys !== 'all') for (const [k, f] of p.fields) if (f.kind === 'optional') read(leafOf(`${path ? path + '.' : ''}${k}?`)); return Reflect.ownKeys(t); },
  };
}
function unwrap(v: any): any {
  if (typeof v !== 'object' || v === null) return v;
  const t = targets.get(v);
  // An object of the draft linked a second time (aliasing, e.g. a store moved from the store buffer
  // to memory): its leaves where it was are read now (their values so far), and written (a write
  // through either link changes both places).
  if (t !== undefined && draftTargets.has(t)) {
    const src = pathOf.get(v)!;
    const [lo, hi] = subtree(src);
    for (let i = lo; i < hi; i++) read(i);
    markWritten(src);
  } else if (t === undefined && !seenPlain.has(v)) {
    // a plain object the rule made: any object of the draft inside it, likewise
    seenPlain.add(v);
    for (const k of Object.keys(v)) unwrap(v[k]);
  }
  // an object of the input state stays behind its proxy: the successor's pack reads its values through it (recorded reads)
  return v;
}
const draftTargets = new WeakSet<object>();
function draftHandler(p: Piece, path: string): ProxyHandler<any> {
  const wpath = (prop: string): string | undefined => {
    const ch = childOf(p, path, prop);
    return ch?.[1];
  };
  return {
    get: getTrap(p, path, true),
    set: (t, prop, v) => {
      if (typeof prop === 'symbol') { rec.untraceable = true; return Reflect.set(t, prop, v); }
      if (p.kind === 'array' && prop === 'length') { rec.untraceable = true; return Reflect.set(t, prop, v); }
      if (p.kind === 'list' && prop === 'length') {
        // the length, and every slot from the new length on (they pack as zeros)
        markWritten(path + '#');
        for (let j = Math.min(Number(v), t.length); j < p.max; j++) markWritten(`${path}[${j}]`);
        return Reflect.set(t, prop, v);
      }
      if (p.kind === 'list' && isIndex(prop) && Number(prop) >= t.length) markWritten(path + '#');
      const u = unwrap(v);
      const w = wpath(prop);
      if (w === undefined) rec.untraceable = true;
      else markWritten(w);
      t[prop] = u;
      return true;
    },
    deleteProperty: (t, prop) => {
      const w = typeof prop === 'string' ? wpath(prop) : undefined;
      if (w === undefined) rec.untraceable = true;
      else markWritten(w);
      return Reflect.deleteProperty(t, prop);
    },
    has: (t, prop) => { presence(p, path, prop, true); return Reflect.has(t, prop); },
    getOwnPropertyDescriptor: (t, prop) => { presence(p, path, prop, true); return Reflect.getOwnPropertyDescriptor(t, prop); },
    ownKeys: (t) => { if (!writtenUnder(path)) { if (p.kind === 'list') read(leafOf(path + '#')); else if (p.kind === 'record' && p.keys !== 'all') for (const [k, f] of p.fields) if (f.kind === 'optional') { const cp = `${path ? path + '.' : ''}${k}`; if (!writtenUnder(cp)) read(leafOf(cp + '?')); } } return Reflect.ownKeys(t); },
  };
}
/** `in`, hasOwnProperty: whether a list has an index (its length), whether an optional field is there (its presence bit). */
function presence(p: Piece, path: string, prop: string | symbol, draft: boolean): void {
  if (typeof prop !== 'string') return;
  if (p.kind === 'list') { if (!(draft && writtenUnder(path))) read(leafOf(path + '#')); return; }
  const ch = childOf(p, path, prop);
  if (ch && (ch[0].kind === 'optional') && !(draft && writtenUnder(ch[1]))) read(leafOf(ch[1] + '?'));
}
let seenPlain = new WeakSet<object>();
function startRec(words: Uint32Array, off: number): void {
  seenPlain = new WeakSet<object>();
  marked = new Set<string>();
  rec = { reads: [], readSeen: new Uint8Array(leaves.length), written: new Uint8Array(leaves.length), untraceable: false, words, off };
  proxies.clear();
}
const leafValue = (w: Uint32Array, off: number, i: number): number => (w[off + lword[i]!]! >>> lshift[i]!) & lmask[i]!;

// ---- the tries
// one shape for inner nodes and leaves (a monomorphic walk): a leaf has leaf = -1 and its result
interface Node { leaf: number; kids: Map<number, Node> | undefined; arr: (Node | undefined)[] | undefined; result: any }
type Leaf = Node;
const mkLeaf = (result: any): Node => ({ leaf: -1, kids: undefined, arr: undefined, result });
let nodes = 0;
function walk(root: { t: Node | Leaf | undefined }, w: Uint32Array, off: number): Leaf | undefined {
  let n = root.t;
  while (n !== undefined) {
    const l = n.leaf;
    if (l < 0) return n;
    const v = (w[off + lword[l]!]! >>> lshift[l]!) & lmask[l]!;
    n = n.arr !== undefined ? n.arr[v] : n.kids!.get(v);
  }
  return undefined;
}
const ARR_BITS = Number(process.env.ARR_BITS ?? 6);
function mk(leaf: number): Node { nodes++; const b = leaves[leaf]!.bits; return { leaf, kids: new Map(), arr: b <= ARR_BITS ? new Array(1 << b).fill(undefined) : undefined, result: undefined }; }
function insert(root: { t: Node | Leaf | undefined }, reads: number[], w: Uint32Array, off: number, result: any): void {
  if (reads.length === 0) { root.t = mkLeaf(result); return; }
  if (root.t === undefined) root.t = mk(reads[0]!);
  let n = root.t as Node;
  for (let j = 0; j < reads.length; j++) {
    if (n.leaf < 0) throw new Error('traced: a shorter path ends here (the function is not a function of what it read)');
    if (n.leaf !== reads[j]) throw new Error(`traced: read ${leaves[reads[j]!]!.path} where the trie reads ${leaves[n.leaf]!.path} (not deterministic)`);
    const v = leafValue(w, off, n.leaf);
    let k = n.kids!.get(v);
    if (j === reads.length - 1) {
      if (k !== undefined) throw new Error('traced: the path exists');
      n.kids!.set(v, mkLeaf(result));
      if (n.arr) n.arr[v] = n.kids!.get(v);
      return;
    }
    if (k === undefined) { k = mk(reads[j + 1]!); n.kids!.set(v, k); if (n.arr) n.arr[v] = k; }
    n = k as Node;
  }
}

// ---- per rule: choices trie -> per choice index: guard trie, effect trie
interface ChoiceSet { n: number; guards: { t: Node | Leaf | undefined }[]; effects: { t: Node | Leaf | undefined }[] }
const active = sys.rules.map((r, i) => [r, i] as const).filter(([r]) => !r.inactive);
const choiceRoots = active.map(() => ({ t: undefined as Node | Leaf | undefined }));
const stats = { choiceMiss: 0, guardMiss: 0, effectMiss: 0, untraceable: 0 };
const into = c.unpackReused();
const sPlainOf = (w: Uint32Array, off: number) => c.unpack(w, off);

let missMs = 0;
const cpuNow = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e3; };
const PARENT = new Uint32Array(W), SUCC = new Uint32Array(W);
/** What is done with each successor: copied out (the exactness pass), or hashed (the timed runs). */
let emit: (succ: Uint32Array, k: number, out: Uint32Array) => void = (succ, k, out) => out.set(succ, k * W);
/** The rules of the successors, kept in the exactness pass only. */
let track = true;
/** The successors of the state at w[off], in the order of the compiled expansion, given to `emit`; returns how many. */
function expandTraced(w: Uint32Array, off: number, out: Uint32Array): number {
  let k = 0;
  let haveParent = false;
  let plain: any;
  for (let ri = 0; ri < active.length; ri++) {
    const [rule] = active[ri]!;
    let cl = walk(choiceRoots[ri]!, w, off);
    if (cl === undefined) {
      stats.choiceMiss++; const tm0 = cpuNow();
      startRec(w, off);
      const sp = proxyOf(plain ??= sPlainOf(w, off), piece, '', false);
      const cs = rule.choices ? rule.choices(sp) : [undefined];
      const set: ChoiceSet = { n: cs.length, guards: Array.from({ length: cs.length }, () => ({ t: undefined })), effects: Array.from({ length: cs.length }, () => ({ t: undefined })) };
      insert(choiceRoots[ri]!, rec.reads, w, off, set);
      cl = mkLeaf(set); missMs += cpuNow() - tm0;
    }
    const set = cl.result as ChoiceSet;
    for (let ci = 0; ci < set.n; ci++) {
      let g = walk(set.guards[ci]!, w, off);
      if (g === undefined) {
        stats.guardMiss++; const tm0 = cpuNow();
        const a = rule.choices ? rule.choices(plain ??= sPlainOf(w, off))[ci] : undefined;
        startRec(w, off);
        const ok = rule.when ? !!rule.when(proxyOf(plain ??= sPlainOf(w, off), piece, '', false), a) : true;
        insert(set.guards[ci]!, rec.reads, w, off, ok);
        g = mkLeaf(ok); missMs += cpuNow() - tm0;
      }
      if (!g.result) continue;
      let e = walk(set.effects[ci]!, w, off);
      if (e === undefined) {
        stats.effectMiss++; const tm0 = cpuNow();
        plain ??= sPlainOf(w, off);
        const a = rule.choices ? rule.choices(plain)[ci] : undefined;
        startRec(w, off);
        const d = c.scratch(plain);
        draftTargetsReset(d);
        const dp = proxyOf(d, piece, '', true);
        rule.then(dp, proxyOf(plain, piece, '', false), a);
        const succ = new Uint32Array(W);
        c.packScratch(d, succ);
        if (rec.untraceable) { stats.untraceable++; throw new Error(`untraceable effect ${rule.name}`); }
        const mask = new Uint32Array(W);
        for (let i = 0; i < leaves.length; i++) if (rec.written[i] && leaves[i]!.bits > 0) mask[lword[i]!] = (mask[lword[i]!]! | ((lmask[i]! << lshift[i]!) >>> 0)) >>> 0;
        const ws: number[] = [], ms: number[] = [], bs: number[] = [];
        for (let j = 0; j < W; j++) if (mask[j] !== 0) { ws.push(j); ms.push(~mask[j]! >>> 0); bs.push((succ[j]! & mask[j]!) >>> 0); }
        const eff = { ws: Int32Array.from(ws), ms: Uint32Array.from(ms), bs: Uint32Array.from(bs) };
        insert(set.effects[ci]!, rec.reads, w, off, eff);
        e = mkLeaf(eff); missMs += cpuNow() - tm0;
      }
      const eff = e.result as { ws: Int32Array; ms: Uint32Array; bs: Uint32Array };
      if (!haveParent) { for (let j = 0; j < W; j++) PARENT[j] = w[off + j]!; haveParent = true; }
      SUCC.set(PARENT);
      const ews = eff.ws, ems = eff.ms, ebs = eff.bs;
      for (let j = 0; j < ews.length; j++) { const x = ews[j]!; SUCC[x] = (SUCC[x]! & ems[j]!) | ebs[j]!; }
      emit(SUCC, k, out);
      if (track) tracedRules.push(active[ri]![1]);
      k++;
    }
  }
  return k;
}
function draftTargetsReset(d: any): void {
  // every object of the scratch copy is the draft's (aliasing one of them again is untraceable)
  const seen = new Set<object>();
  const walkObj = (x: any) => { if (typeof x !== 'object' || x === null || seen.has(x)) return; seen.add(x); draftTargets.add(x); for (const k of Object.keys(x)) walkObj(x[k]); };
  walkObj(d);
}

// ---- states: the first N of the search, packed
const states: Uint32Array[] = [];
check(sys, { maxStates: N, onState: (s) => { const w = new Uint32Array(W); c.pack(s, w); states.push(w); } });
const all = new Uint32Array(W * states.length);
states.forEach((w, i) => all.set(w, i * W));
const S = states.length;
console.log(`${m} ${kv.join(' ')}: ${W} words, ${leaves.length} leaves, ${active.length} active rules, ${S} states`);

// ---- today: the compiled expansion on reused objects, each successor packed (packScratch) and hashed
const fp = new Uint32Array(2);
const todayRules: number[] = [];
const tracedRules: number[] = [];
const succToday = new Uint32Array(W * 4096);
let nk = 0;
const ref = compileExpand<any>(
  { rules: sys.rules, active: Int32Array.from(active.map(([, i]) => i)), fired: new Float64Array(sys.rules.length), apply: () => { throw new Error(); }, edge: (d: any, _f: number, _k: number, r?: number) => { if (track) todayRules.push(r!); c.packScratch(d, succToday.subarray(nk * W, nk * W + W)); hashWords(succToday.subarray(nk * W, nk * W + W), W, fp); nk++; return true; } },
  (s) => c.scratch(s),
);
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e3; };
const outT = new Uint32Array(W * 4096);
// exactness: every state's successors, in order
let edges = 0;
let t0 = cpu();
for (let i = 0; i < S; i++) {
  nk = 0; todayRules.length = 0; tracedRules.length = 0;
  const s = into(all, i * W);
  ref(s, i, true);
  const kt = expandTraced(all, i * W, outT);
  const names = (rs: number[]) => rs.map((r) => sys.rules[r]!.name).join(' ');
  if (kt !== nk) throw new Error(`state ${i}: ${kt} successors traced, ${nk} today (traced: ${names(tracedRules)}; today: ${names(todayRules)})`);
  for (let x = 0; x < nk * W; x++) if (outT[x] !== succToday[x]) throw new Error(`state ${i}: successor ${Math.floor(x / W)} word ${x % W} differs (rule ${sys.rules[todayRules[Math.floor(x / W)]!]!.name})`);
  edges += nk;
}
const cold = cpu() - t0;
console.log(`exact: ${edges} successors equal, word for word, in order. first pass (tries built, both run) ${cold.toFixed(0)} ms; misses`, stats, `trie nodes ${nodes}; the misses took ${missMs.toFixed(0)} ms (${(missMs * 1e3 / (stats.choiceMiss + stats.guardMiss + stats.effectMiss)).toFixed(0)} us each)`);
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
// ---- the tries as code: one generated function for the whole expansion (a `switch` per trie node,
// the rules in order, each choice's guard and effect inline under its choices leaf). A path the
// tries do not have calls `miss` (none after the exactness pass above: the same states).
const R: unknown[] = [];
const constOf = (x: unknown): number => { R.push(x); return R.length - 1; };
function genSwitch(n: Node | undefined, onLeaf: (result: any) => string): string {
  if (n === undefined) return 'miss();\n';
  if (n.leaf < 0) return onLeaf(n.result);
  const l = n.leaf;
  let out = `switch ((w[off + ${lword[l]}] >>> ${lshift[l]}) & ${lmask[l]}) {\n`;
  for (const [v, k] of n.kids!) out += `case ${v}: {\n${genSwitch(k, onLeaf)}break;\n}\n`;
  return out + 'default: miss();\n}\n';
}
// one function per rule (V8 does not optimise a function of more than about 60 KB of bytecode), each called from its own site
let gsrc = '', gfns = '';
for (let ri = 0; ri < active.length; ri++)
  gsrc += `k = r${ri}(w, off, k);\n`, gfns += `function r${ri}(w, off, k) {\n${genSwitch(choiceRoots[ri]!.t, (set: ChoiceSet) => {
    let out = '';
    for (let ci = 0; ci < set.n; ci++)
      out += `{\n${genSwitch(set.guards[ci]!.t, (ok: boolean) => (ok ? genSwitch(set.effects[ci]!.t, (eff) => `k = put(R[${constOf(eff)}], k, w, off);\n`) : ''))}}\n`;
    return out;
  })}return k;\n}\n`;
const put = (eff: { ws: Int32Array; ms: Uint32Array; bs: Uint32Array }, k: number, w: Uint32Array, off: number): number => {
  if (k === 0) for (let j = 0; j < W; j++) PARENT[j] = w[off + j]!;
  SUCC.set(PARENT);
  const ews = eff.ws, ems = eff.ms, ebs = eff.bs;
  for (let j = 0; j < ews.length; j++) { const x = ews[j]!; SUCC[x] = (SUCC[x]! & ems[j]!) | ebs[j]!; }
  emit(SUCC, k, outT);
  return k + 1;
};
const expandGen = new Function('R', 'put', 'miss', `${gfns}\nreturn function expandGen(w, off) {\nlet k = 0;\n${gsrc}return k;\n};`)(R, put, () => { throw new Error('a path the tries do not have'); }) as (w: Uint32Array, off: number) => number;
console.log(`generated expansion: ${gfns.length} characters of source`);

const A: number[] = [], B: number[] = [], G: number[] = [];
emit = (succ) => { hashWords(succ, W, fp); sink += fp[0]! & 1; };
track = false;
let sink = 0;
for (let r = 0; r < 5; r++) {
  t0 = cpu();
  for (let i = 0; i < S; i++) { nk = 0; ref(into(all, i * W), i, true); sink += nk; }
  A.push(cpu() - t0);
  t0 = cpu();
  for (let i = 0; i < S; i++) sink += expandTraced(all, i * W, outT);
  B.push(cpu() - t0);
  t0 = cpu();
  for (let i = 0; i < S; i++) sink += expandGen(all, i * W);
  G.push(cpu() - t0);
}
console.log(`per state (${(edges / S).toFixed(2)} successors): today (unpackReused + compiled rules + scratch + packScratch + hash) ${(med(A) * 1e3 / S).toFixed(2)} us; traced (tries walked + hash) ${(med(B) * 1e3 / S).toFixed(2)} us, ${(med(A) / med(B)).toFixed(2)}x; traced (tries generated as code + hash) ${(med(G) * 1e3 / S).toFixed(2)} us, ${(med(A) / med(G)).toFixed(2)}x  [runs ${A.map((x) => x.toFixed(0))} / ${B.map((x) => x.toFixed(0))} / ${G.map((x) => x.toFixed(0))} ms]`, sink & 0);
