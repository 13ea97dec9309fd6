/**
 * State identity, as one module for callers outside the checker: word
 * fingerprints (hash.ts), the fingerprint table (store.ts) and the canonical
 * text and structural hash of object states (reference/structural.ts).
 */
export { collisionProbability, hashString, hashWords } from './hash.js';
export { FingerprintSet } from './store.js';
export { canonicalString, hashValue } from './reference/structural.js';
