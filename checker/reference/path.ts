/**
 * The reference path: states are frozen plain objects. A rule runs on a
 * copy-on-write draft settled into a frozen successor that shares every
 * unchanged subtree with its parent (copyStep.ts), or through immer's
 * `produce` (`immer: true`, for differential tests). Each node settled by
 * copyStep carries its structural hash, so a successor's fingerprint is read
 * off its root (structural.ts). This is the path of models that declare no
 * packing, and the oracle the packed path is tested against.
 *
 * With symmetry (`canonicalize`), most successors are states met before, so
 * the fingerprint of their representative is remembered in a direct-mapped
 * cache keyed by the state's own hash and checked by exact equality with the
 * state it was computed for (a cache hit never rests on a hash alone).
 */
import type { Level, StatePath } from '../path.js';
import type { System } from '../system.js';
import { copyStep, deepFreeze, sameData } from './copyStep.js';
import { immerApply } from './immer.js';
import { hashValue } from './structural.js';

/** A level of object states. */
class ObjectLevel<S> implements Level<S> {
  private readonly states: S[] = [];
  private readonly ids: number[] = [];
  get length(): number {
    return this.states.length;
  }
  push(s: S, id: number): void {
    this.states.push(s);
    this.ids.push(id);
  }
  state(i: number): S {
    return this.states[i]!;
  }
  id(i: number): number {
    return this.ids[i]!;
  }
  release(i: number): void {
    this.states[i] = undefined as unknown as S;
  }
}

/** Entries of the cache of representatives' fingerprints (symmetry reduction). */
const CANON_SLOTS = 1 << 15;

export class ReferencePath<S> implements StatePath<S> {
  readonly apply: (r: number, s: S, a: unknown) => S;
  /** With symmetry: recent states, their hashes and their representatives' fingerprints. */
  private readonly canon: { states: (S | undefined)[]; key: Uint32Array; fp: Uint32Array } | undefined;

  constructor(
    private readonly sys: System<S>,
    immer: boolean,
  ) {
    const rules = sys.rules;
    this.apply = immer ? immerApply(sys) : (r, s, a) => copyStep(s, (d) => rules[r]!.then(d, s, a), true);
    this.canon = sys.canonicalize
      ? { states: new Array(CANON_SLOTS), key: new Uint32Array(2 * CANON_SLOTS), fp: new Uint32Array(2 * CANON_SLOTS) }
      : undefined;
  }

  newLevel(): Level<S> {
    return new ObjectLevel<S>();
  }

  seed(s: S): S {
    // States are frozen, so a rule that writes its input throws at once
    // (immer froze them on the first step as well).
    return deepFreeze(s);
  }

  fingerprint(s: S, fp: Uint32Array): void {
    const c = this.canon;
    hashValue(s, fp);
    if (c === undefined) return;
    const h = fp[0]!, l = fp[1]!;
    const slot = (l ^ Math.imul(h, 0x9e3779b1)) & (CANON_SLOTS - 1);
    const prev = c.states[slot];
    if (prev !== undefined && c.key[2 * slot] === h && c.key[2 * slot + 1] === l && sameData(prev, s)) {
      fp[0] = c.fp[2 * slot]!;
      fp[1] = c.fp[2 * slot + 1]!;
      return;
    }
    hashValue(this.sys.canonicalize!(s), fp);
    c.states[slot] = s;
    c.key[2 * slot] = h;
    c.key[2 * slot + 1] = l;
    c.fp[2 * slot] = fp[0]!;
    c.fp[2 * slot + 1] = fp[1]!;
  }

  checkInput(): void {
    // Frozen states: a write to `s` already threw.
  }

  keep(s: S): S {
    return s;
  }
}
