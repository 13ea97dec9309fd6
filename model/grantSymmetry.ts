/**
 * Symmetry reduction for models with interchangeable identifiers (grant refs,
 * pages, map handles, ...): a reusable way to write a model's `canonicalize`.
 *
 * A model declares one group of interchangeable identifiers that it permutes
 * by brute force (small: `n!` permutations, e.g. the data grant refs), and
 * relabels every other interchangeable identifier canonically by ORDER OF FIRST
 * USE in a traversal that does not depend on those identifiers' own labels
 * ({@link firstUseRelabeling}). The representative is the candidate with the
 * smallest serialisation (`JSON.stringify`: `rename` must build objects with
 * a fixed key order). Every candidate is the state with its
 * identifiers renamed, so the representative is in the state's orbit (sound:
 * renaming interchangeable identifiers preserves every symmetric invariant and
 * every rule); taking the minimum over the whole permutation group of the first
 * group makes it the same for every state of the orbit whenever the relabeling
 * of the other groups is canonical, which it is when ties are broken by
 * label-free content.
 *
 * Used by model/grant.ts; the test test/grantSymmetry.test.ts checks that
 * reduced and unreduced searches agree on every verdict.
 */

/** All permutations of `0..n-1` (n small), identity first. */
export function permutations(n: number): number[][] {
  if (n <= 0) return [[]];
  const out: number[][] = [];
  const rec = (prefix: number[], rest: number[]): void => {
    if (rest.length === 0) {
      out.push(prefix);
      return;
    }
    for (let i = 0; i < rest.length; i++) rec([...prefix, rest[i]!], [...rest.slice(0, i), ...rest.slice(i + 1)]);
  };
  rec([], Array.from({ length: n }, (_, i) => i));
  return out;
}

/**
 * A relabeling of `n` identifiers (old label -> new label) by order of first
 * use: `uses` lists the labels as a label-independent traversal meets them
 * (negative values = "none", skipped); identifiers never used come last, in
 * the order of `restKey` (a label-free description of the identifier, e.g. its
 * contents), then by old label.
 * `fixed` labels keep their own number (e.g. a reserved page) and are not
 * counted among the relabeled ones.
 */
export function firstUseRelabeling(
  n: number,
  uses: readonly number[],
  restKey: (old: number) => string,
  fixed: readonly number[] = [],
): number[] {
  const map = new Array<number>(n).fill(-1);
  const isFixed = new Set(fixed);
  for (const f of fixed) map[f] = f;
  const free: number[] = [];
  for (let i = 0; i < n; i++) if (!isFixed.has(i)) free.push(i);
  let next = 0;
  for (const u of uses) {
    if (u < 0 || u >= n || map[u] !== -1) continue;
    map[u] = free[next++]!;
  }
  const rest = free.filter((i) => map[i] === -1).map((i) => ({ i, k: restKey(i) }));
  rest.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : a.i - b.i));
  for (const { i } of rest) map[i] = free[next++]!;
  return map;
}

export interface Interchangeable<S, P> {
  /** Size of the brute-forced group (e.g. the number of data grant refs). */
  readonly size: (p: P) => number;
  /** The state with the brute-forced group renamed by `perm` (old label i becomes perm[i]), and every other group relabeled canonically. */
  readonly rename: (s: S, perm: readonly number[], p: P) => S;
}

/**
 * `canonicalize` for a model: the minimum (by `JSON.stringify`) of
 * `rename(s, perm)` over all permutations of the brute-forced group.
 */
export function symmetryCanonicalizer<S, P>(spec: Interchangeable<S, P>): (s: S, p: P) => S {
  const cache = new Map<number, number[][]>();
  return (s, p) => {
    const n = spec.size(p);
    let perms = cache.get(n);
    if (!perms) cache.set(n, (perms = permutations(n)));
    // One candidate (a group of 0 or 1 ids): nothing to compare, no serialisation.
    if (perms.length === 1) return spec.rename(s, perms[0]!, p);
    let best: S | undefined;
    let bestKey = '';
    for (const perm of perms) {
      const c = spec.rename(s, perm, p);
      const k = JSON.stringify(c);
      if (best === undefined || k < bestKey) {
        best = c;
        bestKey = k;
      }
    }
    return best!;
  };
}
