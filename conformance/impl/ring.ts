/**
 * A small, independent TypeScript implementation of the io/ring.h API, written
 * from the header for the adapter test (it shares no code with model/ringApi.ts
 * or model/idx32.ts): a shared page as 32-bit words, a front ring and a back
 * ring with the header's private indices, and one method per macro.
 *
 * `bug` seeds a known mistake, so a test can show that a vector catches it:
 * - `notify-le`: the notify test `<=` instead of `<` (a spurious notify when
 *   the peer's event index equals the old producer index);
 * - `final-check-no-event`: RING_FINAL_CHECK_FOR_REQUESTS forgets to set
 *   `req_event` (the classic lost wake-up);
 * - `no-wrap`: indices kept as JavaScript numbers that do not wrap at 2^32;
 * - `wide-diff`: indices stored as 32-bit words, but their differences (the
 *   notify test, RING_FULL, the unconsumed counts) taken in wider integers,
 *   without the header's `(RING_IDX)` casts (a port to a language whose
 *   integers are 64-bit): wrong only where the two values lie on both sides
 *   of 2^32;
 * - `event-step`: the final checks move the event index on by one
 *   (`req_event++`) instead of setting it to `req_cons + 1`: the same while
 *   the event index is one behind, wrong once it is further behind.
 */

export type RingBug = 'none' | 'notify-le' | 'final-check-no-event' | 'no-wrap' | 'wide-diff' | 'event-step';

/** The shared page: req_prod, req_event, rsp_prod, rsp_event, then one 32-bit id per slot. */
export class SharedPage {
  readonly words: Uint32Array | number[];
  constructor(slots: number, wrap: boolean) {
    this.words = wrap ? new Uint32Array(4 + slots) : new Array<number>(4 + slots).fill(0);
  }
  get req_prod(): number { return this.words[0]!; }
  set req_prod(v: number) { this.words[0] = v; }
  get req_event(): number { return this.words[1]!; }
  set req_event(v: number) { this.words[1] = v; }
  get rsp_prod(): number { return this.words[2]!; }
  set rsp_prod(v: number) { this.words[2] = v; }
  get rsp_event(): number { return this.words[3]!; }
  set rsp_event(v: number) { this.words[3] = v; }
  slot(i: number): number { return this.words[4 + i]!; }
  setSlot(i: number, v: number): void { this.words[4 + i] = v; }
}

export class RingImpl {
  readonly page: SharedPage;
  // front_ring
  req_prod_pvt = 0;
  rsp_cons = 0;
  // back_ring
  rsp_prod_pvt = 0;
  req_cons = 0;
  private readonly u: (x: number) => number;
  /** A difference of two indices: RING_IDX (mod 2^32), or with `wide-diff` a plain number. */
  private readonly d: (x: number) => number;

  constructor(readonly size: number, readonly bug: RingBug = 'none') {
    this.page = new SharedPage(size, bug !== 'no-wrap');
    this.u = bug === 'no-wrap' ? (x) => x : (x) => x >>> 0;
    this.d = bug === 'wide-diff' ? (x) => x : this.u;
  }

  /** SHARED_RING_INIT, the page's indices at `start`, FRONT_RING_ATTACH(start). */
  frontInit(start: number): void {
    this.page.req_prod = this.page.rsp_prod = start;
    this.page.req_event = this.page.rsp_event = this.u(start + 1);
    this.req_prod_pvt = this.rsp_cons = start;
  }
  /** BACK_RING_ATTACH(start). */
  backInit(start: number): void {
    this.rsp_prod_pvt = this.req_cons = start;
  }
  private at(idx: number): number {
    return idx & (this.size - 1);
  }
  full(): boolean {
    return this.d(this.size - this.d(this.req_prod_pvt - this.rsp_cons)) === 0;
  }
  produceRequest(id: number): void {
    this.page.setSlot(this.at(this.req_prod_pvt), id);
    this.req_prod_pvt = this.u(this.req_prod_pvt + 1);
  }
  private notify(nw: number, old: number, event: number): boolean {
    const a = this.d(nw - event);
    const b = this.d(nw - old);
    return this.bug === 'notify-le' ? a <= b : a < b;
  }
  pushRequests(): boolean {
    const old = this.page.req_prod;
    const nw = this.req_prod_pvt;
    this.page.req_prod = nw;
    return this.notify(nw, old, this.page.req_event);
  }
  unconsumedRequests(): number {
    const req = this.d(this.page.req_prod - this.req_cons);
    const rsp = this.d(this.size - this.d(this.req_cons - this.rsp_prod_pvt));
    return req < rsp ? req : rsp;
  }
  consumeRequest(): number {
    const id = this.page.slot(this.at(this.req_cons));
    this.req_cons = this.u(this.req_cons + 1);
    return id;
  }
  produceResponse(id: number): void {
    this.page.setSlot(this.at(this.rsp_prod_pvt), id);
    this.rsp_prod_pvt = this.u(this.rsp_prod_pvt + 1);
  }
  pushResponses(): boolean {
    const old = this.page.rsp_prod;
    const nw = this.rsp_prod_pvt;
    this.page.rsp_prod = nw;
    return this.notify(nw, old, this.page.rsp_event);
  }
  unconsumedResponses(): number {
    return this.d(this.page.rsp_prod - this.rsp_cons);
  }
  consumeResponse(): number {
    const id = this.page.slot(this.at(this.rsp_cons));
    this.rsp_cons = this.u(this.rsp_cons + 1);
    return id;
  }
  finalCheckRequests(): number {
    let work = this.unconsumedRequests();
    if (work) return work;
    if (this.bug !== 'final-check-no-event') this.page.req_event = this.u((this.bug === 'event-step' ? this.page.req_event : this.req_cons) + 1);
    work = this.unconsumedRequests();
    return work;
  }
  finalCheckResponses(): number {
    let work = this.unconsumedResponses();
    if (work) return work;
    this.page.rsp_event = this.u((this.bug === 'event-step' ? this.page.rsp_event : this.rsp_cons) + 1);
    work = this.unconsumedResponses();
    return work;
  }
}
