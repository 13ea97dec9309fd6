/**
 * Fingerprints of packed states: a 64-bit hash of a run of 32-bit words, as two
 * independent 32-bit lanes. As in TLC, two distinct states with equal
 * fingerprints would make the checker miss one of them; the report states the
 * probability of that ({@link collisionProbability}).
 */

/** Two independent 32-bit lanes over 32-bit words: murmur3-style mixing with different seeds. */
export function hashWords(w: Uint32Array, n: number, out: Uint32Array): void {
  let h1 = 0x9747b28c | 0;
  let h2 = 0x2545f491 | 0;
  for (let i = 0; i < n; i++) {
    let k = w[i]! | 0;
    let k1 = Math.imul(k, 0xcc9e2d51);
    k1 = (k1 << 15) | (k1 >>> 17);
    k1 = Math.imul(k1, 0x1b873593);
    h1 ^= k1;
    h1 = (h1 << 13) | (h1 >>> 19);
    h1 = (Math.imul(h1, 5) + 0xe6546b64) | 0;
    let k2 = Math.imul(k ^ 0x5bd1e995, 0x85ebca6b);
    k2 = (k2 << 16) | (k2 >>> 16);
    k2 = Math.imul(k2, 0xc2b2ae35);
    h2 ^= k2;
    h2 = (h2 << 11) | (h2 >>> 21);
    h2 = (Math.imul(h2, 9) + 0x52dce729) | 0;
  }
  h1 ^= n;
  h2 ^= n * 7;
  h1 = fmix(h1);
  h2 = fmix(h2 ^ h1);
  out[0] = h1 >>> 0;
  out[1] = h2 >>> 0;
}

export function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

/** Fingerprint of a string (the canonical encoding of a non-flat state). */
export function hashString(s: string, out: Uint32Array): void {
  const n = s.length;
  const words = scratchFor(((n + 1) >>> 1) + 1);
  let j = 0;
  for (let i = 0; i < n; i += 2) words[j++] = s.charCodeAt(i) | ((i + 1 < n ? s.charCodeAt(i + 1) : 0) << 16);
  hashWords(words, j, out);
}
let scratch = new Uint32Array(64);
function scratchFor(n: number): Uint32Array {
  if (scratch.length < n) scratch = new Uint32Array(Math.max(n, scratch.length * 2));
  return scratch;
}

/**
 * Probability that two of `distinct` states share a 64-bit fingerprint, so
 * that one of them was never explored (birthday bound, d(d-1)/2^65).
 */
export function collisionProbability(distinct: number): number {
  return Math.min(1, (distinct * (distinct - 1)) / 2 ** 65);
}

