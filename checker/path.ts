/**
 * How the search handles states: a *path* turns a state and a rule into a
 * successor, fingerprints states and keeps the BFS levels. There are two:
 *
 * - packed.ts: states packed into 32-bit words by a codec generated from the
 *   model's declared layout; rules run on a reused scratch copy;
 * - reference/path.ts: states as frozen plain objects, rules on copy-on-write
 *   drafts (or immer), structural hashes; the oracle the packed path is
 *   tested against, and the path of models that declare no layout.
 *
 * The search (search.ts) is the same for both.
 */

/** One BFS level: the states still to expand, with their ids. */
export interface Level<S> {
  readonly length: number;
  /** Appends the state last fingerprinted by the path (its packed words, or `s` itself). */
  push(s: S, id: number): void;
  state(i: number): S;
  id(i: number): number;
  /** Drops the reference to state i (it was expanded). */
  release(i: number): void;
  /** Drops the whole level, every state expanded: its memory may serve a later level (packed.ts). */
  recycle?(): void;
}

export interface StatePath<S> {
  newLevel(): Level<S>;
  /** An initial state as the search expands it (frozen on the reference path). */
  seed(s: S): S;
  /** The successor of `s` by rule `r` with choice `a`; valid until the next call. */
  apply(r: number, s: S, a: unknown): S;
  /** The fingerprint of `s` into fp[0], fp[1] (its representative's under symmetry). */
  fingerprint(s: S, fp: Uint32Array): void;
  /** After state i of `lv` was expanded with at least one transition: throws if a rule wrote its input. */
  checkInput(lv: Level<S>, i: number, s: S): void;
  /** A copy of `s` that the caller may keep (for `onState`). */
  keep(s: S): S;
}
