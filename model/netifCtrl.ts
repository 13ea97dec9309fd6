/**
 * netif-ctrl: netif.h's control ring (`ctrl-ring-ref`, `event-channel-ctrl`)
 * as Linux netback serves it: `xenvif_ctrl_action` / `process_ctrl_request`
 * (drivers/net/xen-netback/netback.c) and the hash configuration of hash.c
 * (`xenvif_set_hash_alg`, `xenvif_get_hash_flags`, `xenvif_set_hash_flags`,
 * `xenvif_set_hash_key`, `xenvif_set_hash_mapping_size`,
 * `xenvif_set_hash_mapping`), against a frontend that sends any request of
 * netif.h's `XEN_NETIF_CTRL_TYPE_*`, with field values chosen at the
 * boundaries of every check (the guest is untrusted: Windows PV drivers are
 * the control ring's users, but any guest can write it).
 *
 * The hash mapping table is `u32 mapping[2][XEN_NETBK_MAX_HASH_MAPPING_SIZE]`
 * (double-buffered: a new sub-table is copied into the inactive table,
 * validated, then `mapping_sel` flips), scaled to `maxMappingSize` entries;
 * every index into it is computed in u32 arithmetic from the request's
 * `data[]` exactly as hash.c does, and one that falls outside the array sets
 * the ghost `oob` (XSA-270). Mapping entries hold queue numbers; the grant
 * copy source (the guest's table page) holds one value for the whole
 * sub-table, chosen by the guest: a valid queue or `num_queues` (one too far).
 * The static grant messages (`GET_GREF_MAPPING_SIZE`, `ADD_GREF_MAPPING`,
 * `DEL_GREF_MAPPING`) are answered `XEN_NETIF_CTRL_STATUS_NOT_SUPPORTED`, as
 * netback does (its switch has no case for them).
 *
 * Memory is sequentially consistent; the backend runs when it has work.
 *
 * @see xen/include/public/io/netif.h (Control messages, struct xen_netif_ctrl_request/response)
 * @see drivers/net/xen-netback/netback.c (xenvif_ctrl_action, process_ctrl_request, make_ctrl_response)
 * @see drivers/net/xen-netback/hash.c, common.h (XEN_NETBK_MAX_HASH_KEY_SIZE 40, XEN_NETBK_MAX_HASH_MAPPING_SIZE 128)
 * @see drivers/net/xen-netback/interface.c (xenvif_connect_ctrl: BACK_RING_ATTACH, req_prod - rsp_prod > RING_SIZE)
 * @see docs/models/netif-ctrl.md
 */
import { defineParams, intParam, boolParam, isPowerOfTwo, perParams } from './params.js';
import type { Invariant, Model, Rule } from './core.js';
import { RING_FULL, idxAdd, idxSub } from './idx32.js';
import { array, bool, int, nullable, oneOf, record, union, type Shape } from './shape.js';
import { netifCtrlViews } from './views/drivers.js';

export const XEN_NETIF_CTRL_TYPE_INVALID = 0;
export const XEN_NETIF_CTRL_TYPE_GET_HASH_FLAGS = 1;
export const XEN_NETIF_CTRL_TYPE_SET_HASH_FLAGS = 2;
export const XEN_NETIF_CTRL_TYPE_SET_HASH_KEY = 3;
export const XEN_NETIF_CTRL_TYPE_GET_HASH_MAPPING_SIZE = 4;
export const XEN_NETIF_CTRL_TYPE_SET_HASH_MAPPING_SIZE = 5;
export const XEN_NETIF_CTRL_TYPE_SET_HASH_MAPPING = 6;
export const XEN_NETIF_CTRL_TYPE_SET_HASH_ALGORITHM = 7;
export const XEN_NETIF_CTRL_TYPE_GET_GREF_MAPPING_SIZE = 8;
export const XEN_NETIF_CTRL_TYPE_ADD_GREF_MAPPING = 9;
export const XEN_NETIF_CTRL_TYPE_DEL_GREF_MAPPING = 10;

export const XEN_NETIF_CTRL_STATUS_SUCCESS = 0;
export const XEN_NETIF_CTRL_STATUS_NOT_SUPPORTED = 1;
export const XEN_NETIF_CTRL_STATUS_INVALID_PARAMETER = 2;
export const XEN_NETIF_CTRL_STATUS_BUFFER_OVERFLOW = 3;

export const XEN_NETIF_CTRL_HASH_ALGORITHM_NONE = 0;
export const XEN_NETIF_CTRL_HASH_ALGORITHM_TOEPLITZ = 1;
/** IPV4 | IPV4_TCP | IPV6 | IPV6_TCP */
export const XEN_NETIF_CTRL_HASH_TYPES = 0xf;
export const XEN_NETBK_MAX_HASH_KEY_SIZE = 40;
export const XEN_PAGE_SIZE = 4096;

export interface CtrlRequest {
  readonly id: number;
  readonly type: number;
  readonly data: readonly [number, number, number];
  /** The guest's page behind a gref in data[] (SET_HASH_MAPPING): the queue number every entry of its sub-table holds. */
  readonly table: number;
}
export interface CtrlResponse {
  readonly id: number;
  readonly type: number;
  readonly status: number;
  readonly data: number;
}
/** A slot: a request, or a response written over one (`d2`: the request's data[2], bytes 12..15, which the shorter response leaves). */
export type CtrlSlot = { readonly req: CtrlRequest } | { readonly rsp: CtrlResponse; readonly d2: number } | null;

/** What RING_COPY_REQUEST reads from a slot: a response's bytes read as a request (id, type; status and data as data[0], data[1]). */
export function slotAsRequest(slot: CtrlSlot): CtrlRequest {
  if (slot === null) return { id: 0, type: XEN_NETIF_CTRL_TYPE_INVALID, data: [0, 0, 0], table: 0 };
  if ('req' in slot) return slot.req;
  return { id: slot.rsp.id, type: slot.rsp.type, data: [slot.rsp.status, slot.rsp.data, slot.d2], table: 0 };
}

export interface HashState {
  readonly alg: number;
  readonly flags: number;
  readonly keyLen: number;
  /** vif->hash.size */
  readonly size: number;
  /** vif->hash.mapping[2][...], scaled to maxMappingSize entries. */
  readonly mapping: readonly (readonly number[])[];
  readonly sel: number;
}

export interface CtrlState {
  readonly req_prod: number;
  readonly rsp_prod: number;
  readonly req_event: number;
  readonly ring: readonly CtrlSlot[];
  readonly front: { readonly req_prod_pvt: number; readonly rsp_cons: number; readonly sent: number };
  /** netback: req_cons, rsp_prod_pvt, the req_prod it read for this pass (or -1 between passes) and the requests it consumed in this pass. */
  readonly back: { readonly req_cons: number; readonly rsp_prod_pvt: number; readonly rp: number; readonly pass: number };
  readonly hash: HashState;
  /** Ghost: the backend indexed its mapping table (or key) out of its array. */
  readonly oob: boolean;
  /** Ghost: a hostile frontend's writes of req_prod left. */
  readonly hostileWrites: number;
  /** netback stopped serving the ring (set only by a variant that declares the frontend broken, as xenvif_fatal_tx_err does for the data rings). */
  readonly disabled: boolean;
}

const params = defineParams(
  {
    ringSize: intParam({ default: 2, min: 1, max: 8, check: isPowerOfTwo, doc: 'RING_SIZE of the control ring (128 in a 4 KiB page; scaled)' }),
    requests: intParam({ default: 4, min: 1, max: 6, doc: 'control requests the frontend sends' }),
    numQueues: intParam({ default: 2, min: 1, max: 4, doc: 'multi-queue-num-queues (vif->num_queues)' }),
    maxMappingSize: intParam({ default: 4, min: 1, max: 8, doc: 'XEN_NETBK_MAX_HASH_MAPPING_SIZE (128; scaled)' }),
    hostileIndex: boolParam({ default: false, doc: 'the frontend may also rewrite req_prod (once) to any value: netback\'s loop trusts it (a finding, docs/models/netif-ctrl.md)' }),
  },
);
export type CtrlParams = typeof params.defaults;

/** The adversarial values of each request's fields: the boundaries of every check in hash.c. */
export function requestChoices(p: CtrlParams): Omit<CtrlRequest, 'id'>[] {
  const r = (type: number, d0 = 0, d1 = 0, d2 = 0, table = 0): Omit<CtrlRequest, 'id'> => ({ type, data: [d0, d1, d2], table });
  const out: Omit<CtrlRequest, 'id'>[] = [r(XEN_NETIF_CTRL_TYPE_INVALID)];
  for (const alg of [XEN_NETIF_CTRL_HASH_ALGORITHM_NONE, XEN_NETIF_CTRL_HASH_ALGORITHM_TOEPLITZ, 2]) out.push(r(XEN_NETIF_CTRL_TYPE_SET_HASH_ALGORITHM, alg));
  out.push(r(XEN_NETIF_CTRL_TYPE_GET_HASH_FLAGS));
  for (const f of [XEN_NETIF_CTRL_HASH_TYPES, 0x10]) out.push(r(XEN_NETIF_CTRL_TYPE_SET_HASH_FLAGS, f));
  for (const len of [0, XEN_NETBK_MAX_HASH_KEY_SIZE, XEN_NETBK_MAX_HASH_KEY_SIZE + 1]) out.push(r(XEN_NETIF_CTRL_TYPE_SET_HASH_KEY, 1, len));
  out.push(r(XEN_NETIF_CTRL_TYPE_GET_HASH_MAPPING_SIZE));
  for (const size of [0, 2, p.maxMappingSize, p.maxMappingSize + 1]) out.push(r(XEN_NETIF_CTRL_TYPE_SET_HASH_MAPPING_SIZE, size));
  // data[0] = gref, data[1] = len (entries), data[2] = off (entries)
  for (const len of [0, 1, 2, 0x4000])
    for (const off of [0, 1, 0xffffffff, 0xffffc000])
      for (const table of [0, p.numQueues]) out.push(r(XEN_NETIF_CTRL_TYPE_SET_HASH_MAPPING, 1, len, off, table));
  out.push(r(XEN_NETIF_CTRL_TYPE_GET_GREF_MAPPING_SIZE), r(XEN_NETIF_CTRL_TYPE_ADD_GREF_MAPPING, 0, 1, 1), r(XEN_NETIF_CTRL_TYPE_DEL_GREF_MAPPING, 0, 1, 1));
  return out;
}

/**
 * The shape of a control-ring state (model/shape.ts), for the packed path.
 * Indices and the data words a hostile frontend chooses are full 32-bit
 * values; a slot is empty (null), a request, or a response written over one.
 */
export const ctrlShape = (p: CtrlParams): Shape<CtrlState> => {
  const u32 = int(0, 0xffffffff);
  const id = int(0, 0xffff);
  const type = int(0, 15);
  const request = record({ id, type, data: array(u32, 3), table: int(0, 15) });
  const response = record({ id, type, status: int(0, 15), data: u32 });
  const state = record({
    req_prod: u32, rsp_prod: u32, req_event: u32,
    ring: array(nullable(union(record({ req: request }), record({ rsp: response, d2: u32 }))), p.ringSize),
    front: record({ req_prod_pvt: u32, rsp_cons: u32, sent: int(0, p.requests) }),
    back: record({ req_cons: u32, rsp_prod_pvt: u32, rp: union(oneOf([-1] as const), u32), pass: int(0, p.ringSize + 1) }),
    hash: record({
      alg: int(0, 7), flags: int(0, 0xff), keyLen: int(0, 64), size: int(0, 2 * p.maxMappingSize + 2),
      mapping: array(array(int(0, 15), p.maxMappingSize), 2), sel: int(0, 1),
    }),
    oob: bool, hostileWrites: int(0, 1), disabled: bool,
  });
  return { state: state as unknown as Shape<CtrlState>['state'] };
};

export function ctrlInit(p: CtrlParams): CtrlState {
  return {
    req_prod: 0,
    rsp_prod: 0,
    req_event: 1,
    ring: Array(p.ringSize).fill(null),
    front: { req_prod_pvt: 0, rsp_cons: 0, sent: 0 },
    back: { req_cons: 0, rsp_prod_pvt: 0, rp: -1, pass: 0 },
    hash: { alg: XEN_NETIF_CTRL_HASH_ALGORITHM_NONE, flags: 0, keyLen: 0, size: 0, mapping: [Array(p.maxMappingSize).fill(0), Array(p.maxMappingSize).fill(0)], sel: 0 },
    oob: false,
    hostileWrites: p.hostileIndex ? 1 : 0,
    disabled: false,
  };
}

/** A mutable view of the state a handler changes. */
export interface Vif { hash: { alg: number; flags: number; keyLen: number; size: number; mapping: number[][]; sel: number }; oob: boolean }

/** xenvif_set_hash_alg */
export function setHashAlg(v: Vif, alg: number): number {
  if (alg !== XEN_NETIF_CTRL_HASH_ALGORITHM_NONE && alg !== XEN_NETIF_CTRL_HASH_ALGORITHM_TOEPLITZ) return XEN_NETIF_CTRL_STATUS_INVALID_PARAMETER;
  v.hash.alg = alg;
  return XEN_NETIF_CTRL_STATUS_SUCCESS;
}
/** xenvif_set_hash_flags */
export function setHashFlags(v: Vif, flags: number): number {
  if ((flags & ~XEN_NETIF_CTRL_HASH_TYPES) !== 0) return XEN_NETIF_CTRL_STATUS_INVALID_PARAMETER;
  if (v.hash.alg === XEN_NETIF_CTRL_HASH_ALGORITHM_NONE) return XEN_NETIF_CTRL_STATUS_INVALID_PARAMETER;
  v.hash.flags = flags;
  return XEN_NETIF_CTRL_STATUS_SUCCESS;
}
/** xenvif_set_hash_key: at most XEN_NETBK_MAX_HASH_KEY_SIZE octets copied into `u8 key[40]`, the rest cleared. */
export function setHashKey(v: Vif, _gref: number, len: number): number {
  if (len > XEN_NETBK_MAX_HASH_KEY_SIZE) return XEN_NETIF_CTRL_STATUS_INVALID_PARAMETER;
  v.hash.keyLen = len;
  return XEN_NETIF_CTRL_STATUS_SUCCESS;
}
/** xenvif_set_hash_mapping_size: the active table is zeroed up to `size`. */
export function setHashMappingSize(v: Vif, size: number, max: number): number {
  if (size > max) return XEN_NETIF_CTRL_STATUS_INVALID_PARAMETER;
  v.hash.size = size;
  const m = v.hash.mapping[v.hash.sel]!;
  for (let i = 0; i < size; i++) m[i] = 0;
  return XEN_NETIF_CTRL_STATUS_SUCCESS;
}

/** Writes `val` at index `i` of `table` (u32 index), or records the out-of-bounds access. */
const put = (v: Vif, table: number[], i: number, val: number): boolean => {
  if (i >= table.length) { v.oob = true; return false; }
  table[i] = val;
  return true;
};
const get = (v: Vif, table: readonly number[], i: number): number | undefined => {
  if (i >= table.length) { v.oob = true; return undefined; }
  return table[i];
};

/**
 * xenvif_set_hash_mapping as Linux 6.12 has it (after XSA-270 and the
 * double-buffering fix): bounds `off + len` without u32 overflow against
 * `hash.size` and `len` against a page, copies the active table into the
 * inactive one, grant-copies the guest's sub-table to `[off, off+len)`,
 * validates every new entry against `num_queues`, then flips `mapping_sel`.
 */
export function setHashMapping(v: Vif, _gref: number, len: number, off: number, table: number, numQueues: number): number {
  const end = (off + len) >>> 0;
  if (end < off || end > v.hash.size || len > XEN_PAGE_SIZE / 4) return XEN_NETIF_CTRL_STATUS_INVALID_PARAMETER;
  const inactive = v.hash.mapping[1 - v.hash.sel]!;
  const active = v.hash.mapping[v.hash.sel]!;
  for (let i = 0; i < v.hash.size; i++) inactive[i] = active[i]!;
  for (let k = 0; k < len; k++) if (!put(v, inactive, (off + k) >>> 0, table)) return XEN_NETIF_CTRL_STATUS_INVALID_PARAMETER;
  for (let k = 0; k < len; k++) {
    const e = get(v, inactive, (off + k) >>> 0);
    if (e === undefined || e >= numQueues) return XEN_NETIF_CTRL_STATUS_INVALID_PARAMETER;
  }
  v.hash.sel = 1 - v.hash.sel;
  return XEN_NETIF_CTRL_STATUS_SUCCESS;
}

export interface CtrlHandlers {
  readonly setHashMapping: (v: Vif, gref: number, len: number, off: number, table: number, numQueues: number) => number;
}
const builtinHandlers: CtrlHandlers = { setHashMapping };

/** process_ctrl_request: the switch on req->type; returns (status, data). */
export function processCtrlRequest(v: Vif, req: CtrlRequest, p: CtrlParams, h: CtrlHandlers = builtinHandlers): [number, number] {
  switch (req.type) {
    case XEN_NETIF_CTRL_TYPE_SET_HASH_ALGORITHM:
      return [setHashAlg(v, req.data[0]), 0];
    case XEN_NETIF_CTRL_TYPE_GET_HASH_FLAGS:
      return v.hash.alg === XEN_NETIF_CTRL_HASH_ALGORITHM_NONE ? [XEN_NETIF_CTRL_STATUS_NOT_SUPPORTED, 0] : [XEN_NETIF_CTRL_STATUS_SUCCESS, XEN_NETIF_CTRL_HASH_TYPES];
    case XEN_NETIF_CTRL_TYPE_SET_HASH_FLAGS:
      return [setHashFlags(v, req.data[0]), 0];
    case XEN_NETIF_CTRL_TYPE_SET_HASH_KEY:
      return [setHashKey(v, req.data[0], req.data[1]), 0];
    case XEN_NETIF_CTRL_TYPE_GET_HASH_MAPPING_SIZE:
      return [XEN_NETIF_CTRL_STATUS_SUCCESS, p.maxMappingSize];
    case XEN_NETIF_CTRL_TYPE_SET_HASH_MAPPING_SIZE:
      return [setHashMappingSize(v, req.data[0], p.maxMappingSize), 0];
    case XEN_NETIF_CTRL_TYPE_SET_HASH_MAPPING:
      return [h.setHashMapping(v, req.data[0], req.data[1], req.data[2], req.table, p.numQueues), 0];
    default:
      return [XEN_NETIF_CTRL_STATUS_NOT_SUPPORTED, 0];
  }
}

type R = Rule<CtrlState, CtrlParams>;

/**
 * {@link requestChoices}, remembered per parameter record: send_ctrl_request asks for its choices on every
 * state (before its guard, which does not read them), always with the same record; building the ~50
 * requests each time was a sixth of the search's CPU. The choices are only read (the rule copies a
 * request's data into the state).
 */
const requestChoicesOf: (p: CtrlParams) => readonly Omit<CtrlRequest, 'id'>[] = perParams(requestChoices);
const at = (p: CtrlParams, i: number): number => i & (p.ringSize - 1);
const SEE_NB = 'drivers/net/xen-netback/netback.c';

export const sendCtrlRequest: R = {
  name: 'send_ctrl_request',
  actor: 'frontend',
  doc: 'the frontend writes a request (any type, fields at the checks\' boundaries) at req_prod_pvt and pushes it (RING_PUSH_REQUESTS)',
  see: 'xen/include/public/io/netif.h struct xen_netif_ctrl_request; xen/include/public/io/ring.h RING_PUSH_REQUESTS',
  choices: (_s, p) => requestChoicesOf(p),
  showChoice: (c: Omit<CtrlRequest, 'id'>) => `type=${c.type} data=[${c.data.map((x) => (x > 0xffff ? '0x' + x.toString(16) : String(x))).join(',')}]${c.type === XEN_NETIF_CTRL_TYPE_SET_HASH_MAPPING ? ` table=${c.table}` : ''}`,
  when: (s, p) => s.front.sent < p.requests && !RING_FULL(p.ringSize, s.front.req_prod_pvt, s.front.rsp_cons),
  then: (d, s, p, c: Omit<CtrlRequest, 'id'>) => {
    d.ring[at(p, s.front.req_prod_pvt)] = { req: { id: s.front.sent, type: c.type, data: [c.data[0], c.data[1], c.data[2]], table: c.table } };
    d.front.req_prod_pvt = idxAdd(s.front.req_prod_pvt, 1);
    d.front.sent = s.front.sent + 1;
    d.req_prod = d.front.req_prod_pvt;
  },
};

export const consumeCtrlResponse: R = {
  name: 'consume_ctrl_response',
  actor: 'frontend',
  doc: 'the frontend reads the response at rsp_cons; rsp_cons++',
  see: 'xen/include/public/io/netif.h struct xen_netif_ctrl_response',
  when: (s) => idxSub(s.rsp_prod, s.front.rsp_cons) > 0 && idxSub(s.rsp_prod, s.front.rsp_cons) <= s.ring.length,
  then: (d, s) => { d.front.rsp_cons = idxAdd(s.front.rsp_cons, 1); },
};

export const hostileReqProd: R = {
  name: 'hostile_req_prod',
  actor: 'frontend',
  doc: 'hostile frontend: req_prod rewritten to req_cons + RING_SIZE + 1, or to req_cons - 1 (2^32 - 1 ahead)',
  see: `${SEE_NB} xenvif_ctrl_action (req_prod read from the shared ring, no bound)`,
  applies: (p) => p.hostileIndex,
  choices: (s, p) => [idxAdd(s.back.req_cons, p.ringSize + 1), idxSub(s.back.req_cons, 1)],
  showChoice: (v: number) => `req_prod=${v}`,
  when: (s) => s.hostileWrites > 0,
  then: (d, s, _p, v: number) => { d.req_prod = v; d.hostileWrites = s.hostileWrites - 1; },
};

export const ctrlReadReqProd: R = {
  name: 'xenvif_ctrl_action',
  actor: 'backend',
  doc: 'netback: req_prod = sring->req_prod; rmb(); if (req_cons == req_prod) { req_event = req_cons + 1; break; } (a new pass)',
  see: `${SEE_NB} xenvif_ctrl_action, xenvif_ctrl_irq_fn (xenvif_ctrl_work_todo: RING_HAS_UNCONSUMED_REQUESTS)`,
  when: (s) => !s.disabled && s.back.rp === -1 && s.req_prod !== s.back.req_cons,
  then: (d, s) => { d.back.rp = s.req_prod; d.back.pass = 0; },
};

/** One iteration of `while (req_cons != req_prod)`; `h` replaces hash.c's handlers in a variant. */
export function processOne(h: CtrlHandlers = builtinHandlers): R {
  return {
    name: 'process_ctrl_request',
    actor: 'backend',
    doc: 'netback: RING_COPY_REQUEST(req_cons); req_cons++; process_ctrl_request (hash.c); make_ctrl_response at rsp_prod_pvt; push_ctrl_response. At the end of the pass: req_event = req_cons + 1',
    see: `${SEE_NB} xenvif_ctrl_action, process_ctrl_request, make_ctrl_response, push_ctrl_response; drivers/net/xen-netback/hash.c`,
    when: (s) => s.back.rp !== -1 && !s.oob,
    then: (d, s, p) => {
      const b = d.back;
      if (s.back.req_cons === s.back.rp) { // the pass is over
        b.rp = -1;
        d.req_event = idxAdd(s.back.req_cons, 1);
        return;
      }
      const req = slotAsRequest(s.ring[at(p, s.back.req_cons)]!);
      b.req_cons = idxAdd(s.back.req_cons, 1);
      b.pass = Math.min(s.back.pass + 1, p.ringSize + 1);
      const [status, data] = processCtrlRequest(d as unknown as Vif, req, p, h);
      const old = slotAsRequest(s.ring[at(p, s.back.rsp_prod_pvt)]!);
      d.ring[at(p, s.back.rsp_prod_pvt)] = { rsp: { id: req.id, type: req.type, status, data }, d2: old.data[2] };
      b.rsp_prod_pvt = idxAdd(s.back.rsp_prod_pvt, 1);
      d.rsp_prod = b.rsp_prod_pvt;
    },
  };
}

export const ctrlInvariants: readonly Invariant<CtrlState, CtrlParams>[] = [
  {
    name: 'B_hash_mapping_in_bounds',
    description: 'every index netback derives from a control request into its hash mapping table (or key) is inside the array',
    see: 'XSA-270 (CVE-2018-15471); drivers/net/xen-netback/hash.c xenvif_set_hash_mapping',
    holds: (s) => !s.oob,
  },
  {
    name: 'B_hash_mapping_selects_a_queue',
    description: 'every entry of the active mapping table below hash.size is a queue below num_queues (xenvif_select_queue returns it)',
    see: 'xen/include/public/io/netif.h SET_HASH_MAPPING ("each mapping must specify a queue between 0 and multi-queue-num-queues"); drivers/net/xen-netback/interface.c xenvif_select_queue; XSA-270',
    holds: (s, p) => s.hash.mapping[s.hash.sel]!.slice(0, s.hash.size).every((q) => q < p.numQueues),
  },
  {
    name: 'B_hash_size_bounded',
    description: 'hash.size never exceeds XEN_NETBK_MAX_HASH_MAPPING_SIZE',
    see: 'drivers/net/xen-netback/hash.c xenvif_set_hash_mapping_size',
    holds: (s, p) => s.hash.size <= p.maxMappingSize,
  },
  {
    name: 'B_ctrl_pass_bounded',
    description: 'netback consumes at most RING_SIZE control requests per pass of xenvif_ctrl_action (work bounded by the ring, as XSA-39 requires of the data rings)',
    see: `${SEE_NB} xenvif_ctrl_action; compare xenvif_tx_build_gops (XSA-39)`,
    holds: (s, p) => s.back.pass <= p.ringSize,
  },
];

export const netifCtrl: Model<CtrlState, CtrlParams> = {
  views: netifCtrlViews,
  name: 'netif-ctrl',
  description: 'netif.h control ring as netback serves it: hash algorithm, flags, key, mapping size and mapping (XSA-270), static grant messages (not supported), against a frontend sending any request',
  see: 'xen/include/public/io/netif.h; drivers/net/xen-netback/netback.c, hash.c, interface.c; docs/models/netif-ctrl.md',
  params,
  // docs/vectors.md: vectors at the bounds of before 2026-12-05 (the check defaults are requests=4 since: 1,021,173 states)
  vectorParams: { requests: 2 },
  init: (p) => [ctrlInit(p)],
  shape: ctrlShape,
  rules: [sendCtrlRequest, consumeCtrlResponse, hostileReqProd, ctrlReadReqProd, processOne()],
  invariants: ctrlInvariants,
  // A frontend that rewrote req_prod (hostileIndex) has broken its own ring: netback answers the requests it
  // made up, and the guest's honest side may then see more responses than it asked for and stop. netback owes
  // that guest bounded work (B_ctrl_pass_bounded), not progress; its own rules stay enabled while it has work.
  isValidEnd: (s, p) =>
    (s.front.sent === p.requests && s.back.rp === -1 && s.req_prod === s.back.req_cons) || s.oob || s.disabled || (p.hostileIndex && s.hostileWrites === 0),
  view: (s) =>
    `req_prod=${s.req_prod} req_cons=${s.back.req_cons} rsp_prod=${s.rsp_prod} hash: alg=${s.hash.alg} size=${s.hash.size} mapping=[${s.hash.mapping[s.hash.sel]!.join(',')}]${s.oob ? ' OOB' : ''}`,
};
