/**
 * The store: what the search keeps per distinct state. Fingerprints live in a
 * {@link FingerprintSet} (open addressing over one interleaved Uint32Array, 8
 * bytes a slot, nothing on the JS heap); for each state, in discovery order
 * (its id), {@link ParentLinks} keeps the id of its parent and the index of the
 * parent's transition that led to it (4 + 2 bytes). No state itself is kept:
 * traces are rebuilt by replaying the transition indices (trace.ts).
 *
 * Every structure here is a typed array indexed by state id or by slot, so
 * that a later multi-worker search can place them in SharedArrayBuffers.
 */

/**
 * A set of 64-bit fingerprints with linear probing. The all-zero fingerprint
 * marks an empty slot, so a real zero fingerprint is stored as 1. Optionally
 * keeps, per slot, the id (discovery number) of the state, for the graph
 * checks that need to name the target of an edge.
 */
export class FingerprintSet {
  /** Slot i holds the fingerprint in t[2i] (high) and t[2i+1] (low): one cache line per probe. */
  private t: Uint32Array;
  private ids: Uint32Array | undefined;
  private mask: number;
  size = 0;

  constructor(withIds = false, initialBits = 16) {
    const cap = 1 << initialBits;
    this.t = new Uint32Array(cap * 2);
    this.ids = withIds ? new Uint32Array(cap) : undefined;
    this.mask = cap - 1;
  }

  get capacity(): number {
    return this.mask + 1;
  }
  get bytes(): number {
    return this.capacity * (this.ids ? 12 : 8);
  }

  /**
   * Inserts the fingerprint; returns -1 if it was new (and stores `id` with
   * it), otherwise the stored id (or 0 when ids are not kept).
   */
  insert(h: number, l: number, id: number): number {
    if (h === 0 && l === 0) l = 1;
    const t = this.t;
    const mask = this.mask;
    let i = (l ^ Math.imul(h, 0x9e3779b1)) & mask;
    for (;;) {
      const a = t[2 * i]!;
      const b = t[2 * i + 1]!;
      if (a === 0 && b === 0) break;
      if (a === h && b === l) return this.ids ? this.ids[i]! : 0;
      i = (i + 1) & mask;
    }
    t[2 * i] = h;
    t[2 * i + 1] = l;
    if (this.ids) this.ids[i] = id;
    if (++this.size * 4 > this.capacity * 3) this.grow();
    return -1;
  }

  /** The stored id of a fingerprint, or -1. */
  lookup(h: number, l: number): number {
    if (h === 0 && l === 0) l = 1;
    const t = this.t;
    let i = (l ^ Math.imul(h, 0x9e3779b1)) & this.mask;
    for (;;) {
      const a = t[2 * i]!;
      const b = t[2 * i + 1]!;
      if (a === 0 && b === 0) return -1;
      if (a === h && b === l) return this.ids ? this.ids[i]! : 0;
      i = (i + 1) & this.mask;
    }
  }

  private grow(): void {
    const ot = this.t;
    const oi = this.ids;
    const oldCap = this.capacity;
    const cap = oldCap * 2;
    const t = new Uint32Array(cap * 2);
    const ids = oi ? new Uint32Array(cap) : undefined;
    const mask = cap - 1;
    for (let j = 0; j < oldCap; j++) {
      const h = ot[2 * j]!;
      const l = ot[2 * j + 1]!;
      if (h === 0 && l === 0) continue;
      let i = (l ^ Math.imul(h, 0x9e3779b1)) & mask;
      while (t[2 * i] !== 0 || t[2 * i + 1] !== 0) i = (i + 1) & mask;
      t[2 * i] = h;
      t[2 * i + 1] = l;
      if (ids) ids[i] = oi![j]!;
    }
    this.t = t;
    this.ids = ids;
    this.mask = mask;
  }
}


/** A growable Uint32Array. */
export class Grow {
  a: Uint32Array;
  n = 0;
  constructor(cap = 1 << 16) {
    this.a = new Uint32Array(cap);
  }
  push(v: number): void {
    if (this.n === this.a.length) {
      const b = new Uint32Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = v;
  }
}

/** A growable Uint16Array. */
export class Grow16 {
  a: Uint16Array;
  n = 0;
  constructor(cap = 1 << 16) {
    this.a = new Uint16Array(cap);
  }
  push(v: number): void {
    if (this.n === this.a.length) {
      const b = new Uint16Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = v;
  }
}

/** The parent of an initial state. */
export const NO_PARENT = 0xffffffff;

/**
 * Per state id: its parent's id ({@link NO_PARENT} for an initial state) and
 * the index of the transition of the parent that produced it (for an initial
 * state: its index in the system's `init`).
 */
export class ParentLinks {
  readonly parent = new Grow();
  readonly via = new Grow16();
  /** Distinct states so far (the next id). */
  get size(): number {
    return this.parent.n;
  }
  add(parent: number, k: number): void {
    this.parent.push(parent);
    this.via.push(k);
  }
  get bytes(): number {
    return this.parent.a.byteLength + this.via.a.byteLength;
  }
}
