/**
 * The packed path, for models that declare a flat layout: states are packed
 * into 32-bit words by straight-line code generated from the layout (flat.ts),
 * hashed to two 32-bit lanes, and the BFS levels hold the packed words. A rule
 * runs on one reused scratch record, overwritten by every transition: a
 * successor that was already seen allocates nothing; a new one is copied as
 * packed words into the next level.
 */
import { hashWords } from './hash.js';
import { flatCodec, type FlatCodec } from './flat.js';
import type { Level, StatePath } from './path.js';
import { WordFrontier } from './frontier.js';
import type { FlatFields, System } from './system.js';

/** A level of packed states: `words` per state, copied from the path's scratch words (frontier.ts: spills to a file past a threshold). */
class PackedLevel<S> implements Level<S> {
  private readonly f: WordFrontier;
  constructor(
    private readonly codec: FlatCodec<S>,
    private readonly src: Uint32Array,
  ) {
    this.f = new WordFrontier(codec.words);
  }
  get length(): number {
    return this.f.length;
  }
  push(_s: S, id: number): void {
    this.f.push(this.src, id);
  }
  state(i: number): S {
    const o = this.f.locate(i);
    return this.codec.unpack(this.f.arr, o);
  }
  /** Whether `s` still packs to the words stored for state i. */
  unchanged(i: number, s: S, tmp: Uint32Array): boolean {
    this.codec.pack(s, tmp);
    const o = this.f.locate(i);
    const a = this.f.arr;
    for (let j = 0; j < this.codec.words; j++) if (tmp[j] !== a[o + j]) return false;
    return true;
  }
  id(i: number): number {
    return this.f.id(i);
  }
  release(_i: number): void {}
}

export class PackedPath<S> implements StatePath<S> {
  private readonly codec: FlatCodec<S>;
  /** The words of the state last fingerprinted (what a level pushes). */
  readonly words: Uint32Array;
  private readonly tmp: Uint32Array;
  private scratch: S | undefined;

  constructor(
    private readonly sys: System<S>,
    fields: FlatFields,
  ) {
    this.codec = flatCodec<S>(fields);
    this.words = new Uint32Array(this.codec.words);
    this.tmp = new Uint32Array(this.codec.words);
  }

  newLevel(): Level<S> {
    return new PackedLevel(this.codec, this.words);
  }

  seed(s: S): S {
    return s;
  }

  apply(r: number, s: S, a: unknown): S {
    // One scratch state, overwritten by every transition.
    let d = this.scratch;
    if (d === undefined) d = this.scratch = this.codec.clone(s);
    else this.codec.assign(d, s);
    this.sys.rules[r]!.then(d, s, a);
    return d;
  }

  fingerprint(s: S, fp: Uint32Array): void {
    this.codec.pack(s, this.words);
    hashWords(this.words, this.words.length, fp);
  }

  checkInput(lv: Level<S>, i: number, s: S): void {
    // Frozen states catch this on the reference path; here the state is a
    // plain record, so compare it with its packed words.
    if (!(lv as PackedLevel<S>).unchanged(i, s, this.tmp))
      throw new Error(`a rule wrote to its input state instead of the draft (${this.culprit(s)})`);
  }

  keep(s: S): S {
    return this.codec.clone(s);
  }

  /** The name of the first enabled rule that mutates a copy of `s`. */
  private culprit(s: S): string {
    const clone = this.codec.clone;
    for (const rule of this.sys.rules) {
      const probe = clone(s);
      const before = JSON.stringify(probe);
      for (const a of rule.choices ? rule.choices(probe) : [undefined]) {
        if (rule.when && !rule.when(probe, a)) continue;
        rule.then(clone(probe), probe, a);
        if (JSON.stringify(probe) !== before) return `rule ${rule.name}`;
      }
    }
    return 'rule unknown';
  }
}
