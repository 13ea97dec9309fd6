/**
 * One BFS level of packed states (their words and ids), in blocks of 2^14
 * states (2^6 under a tiny threshold). Past a threshold of bytes in memory, further full blocks go to a
 * temporary file (unlinked as soon as it is opened, so nothing is left behind
 * even if the process is killed) and are read back, a block at a time, when
 * the level is expanded: the frontier never bounds how many states a search
 * can hold in memory. A level is written fully, then read in order; reading it
 * to its end closes the file.
 */
import { closeSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';


/** Bytes of a level kept in memory before its blocks spill to a file (PVCHECK_SPILL_BYTES overrides, for tests). */
export const defaultSpillBytes = (): number => Number(process.env.PVCHECK_SPILL_BYTES) || 256 * 1024 * 1024;

let files = 0;
const closer = new FinalizationRegistry<number>((fd) => {
  try {
    closeSync(fd);
  } catch {
    /* already closed */
  }
});

export class WordFrontier {
  /** Per block: its words (W + 1 a state: the words, then the id), or undefined once spilled. */
  private readonly blocks: (Uint32Array | undefined)[] = [];
  /** Per spilled block: its position in the file (in blocks). */
  private readonly filePos: number[] = [];
  private n = 0;
  private fd = -1;
  private spilled = 0;
  /** The block last read back from the file, and its number. */
  private readBuf: Uint32Array | undefined;
  private readBlock = -1;
  private readonly stride: number;
  private readonly maxBlocksInMemory: number;
  /** States a block: 2^14, or 2^6 under a threshold smaller than two such blocks (tests). */
  private readonly bits: number;

  constructor(
    readonly words: number,
    spillBytes = defaultSpillBytes(),
    /** Blocks of this size given back by levels done with them ({@link recycle}), taken before new ones are allocated. */
    private readonly pool?: Uint32Array[],
  ) {
    this.stride = words + 1;
    this.bits = spillBytes < 2 * (1 << 14) * this.stride * 4 ? 6 : 14;
    this.maxBlocksInMemory = Math.max(1, Math.floor(spillBytes / ((1 << this.bits) * this.stride * 4)));
  }

  get length(): number {
    return this.n;
  }
  /** Blocks written to the temporary file so far. */
  get spilledBlocks(): number {
    return this.spilled;
  }

  push(src: Uint32Array, id: number): void {
    const b = this.n >>> this.bits;
    if (b === this.blocks.length) {
      // The previous block is full: past the threshold, it goes to the file.
      if (b >= this.maxBlocksInMemory) this.spill(b - 1);
      const size = (1 << this.bits) * this.stride;
      let blk = this.pool?.pop();
      if (blk === undefined || blk.length !== size) blk = new Uint32Array(size);
      this.blocks.push(blk);
    }
    const o = (this.n & ((1 << this.bits) - 1)) * this.stride;
    const blk = this.blocks[b]!;
    const W = this.words;
    for (let j = 0; j < W; j++) blk[o + j] = src[j]!; // a loop: TypedArray.prototype.set is a builtin call, slower for a few words
    blk[o + W] = id;
    this.n++;
  }

  private spill(b: number): void {
    const blk = this.blocks[b];
    if (!blk) return;
    if (this.fd < 0) {
      const path = join(tmpdir(), `pvcheck-frontier-${process.pid}-${++files}-${Date.now()}`);
      this.fd = openSync(path, 'w+', 0o600);
      unlinkSync(path);
      closer.register(this, this.fd, this);
    }
    const bytes = new Uint8Array(blk.buffer, blk.byteOffset, blk.byteLength);
    let done = 0;
    const at = this.spilled * bytes.byteLength;
    while (done < bytes.byteLength) done += writeSync(this.fd, bytes, done, bytes.byteLength - done, at + done);
    this.filePos[b] = this.spilled++;
    this.blocks[b] = undefined;
  }

  /** The array that holds the state last located (see {@link locate}). */
  arr: Uint32Array = new Uint32Array(0);

  /** Points {@link arr} at the block of state i and returns the offset of its words there (valid until the next call). */
  locate(i: number): number {
    const b = i >>> this.bits;
    const o = (i & ((1 << this.bits) - 1)) * this.stride;
    const blk = this.blocks[b];
    if (blk) {
      this.arr = blk;
      return o;
    }
    if (this.readBlock !== b) {
      this.readBuf ??= new Uint32Array((1 << this.bits) * this.stride);
      const bytes = new Uint8Array(this.readBuf.buffer);
      const at = this.filePos[b]! * bytes.byteLength;
      let done = 0;
      while (done < bytes.byteLength) {
        const r = readSync(this.fd, bytes, done, bytes.byteLength - done, at + done);
        if (r === 0) throw new Error('internal: the frontier file is shorter than written');
        done += r;
      }
      this.readBlock = b;
    }
    this.arr = this.readBuf!;
    return o;
  }

  id(i: number): number {
    const o = this.locate(i);
    return this.arr[o + this.words]!;
  }

  /**
   * Drops the level and gives its blocks in memory to the pool it was made
   * with, for a later level to fill: a level's blocks were new memory every
   * level, each page first touched (and zeroed by the kernel) by `push`.
   * The level must not be read afterwards.
   */
  recycle(): void {
    const pool = this.pool;
    if (pool !== undefined) {
      // what the level filled meanwhile left in the pool is more than it needed: let it go, so the
      // pool holds at most one level's blocks (what the search held before, awaiting collection)
      pool.length = 0;
      for (const b of this.blocks) if (b !== undefined) pool.push(b);
    }
    this.n = 0;
    this.close();
  }

  /** Drops the level: memory and file. */
  close(): void {
    this.blocks.length = 0;
    this.readBuf = undefined;
    if (this.fd >= 0) {
      closer.unregister(this);
      closeSync(this.fd);
      this.fd = -1;
    }
  }
}
