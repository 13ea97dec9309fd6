/**
 * netback's own packet-format checks against model/netif.ts.
 *
 * At test time `extractNetback` takes `xenvif_count_requests` and
 * `xenvif_get_extras` out of Debian's kernel source
 * (`/usr/src/linux-source-6.12.tar.xz`, drivers/net/xen-netback/netback.c),
 * unmodified, into a cache folder (nothing of the kernel is committed);
 * `buildNetbackHarness` compiles them with harness.c against shim.h and the
 * real xen/io/ring.h and netif.h, with Linux's constants or the model's
 * small ones; `netbackVectors` are the multi-slot packets of the model's
 * `any` frontend at its slot-count, size, page and extra-info boundaries;
 * `compare` runs them through netback's functions and through the model's
 * `countRequests`/`getExtras` and names the first disagreement.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  K_EXTRA, K_REQ, XEN_PAGE_SIZE, countRequests, honestBackend, countedPacket, getExtras, packetSlots, shapes, xenvifGetRequests,
  type BackendCode, type Counted, type GetRequestsEvents, type NetifParams, type Shape, type Slot, type TxReq,
} from '../../model/netif.js';
import { netifParams } from '../../model/netif.js';

export const TARBALL = '/usr/src/linux-source-6.12.tar.xz';
const NETBACK_C = 'linux-source-6.12/drivers/net/xen-netback/netback.c';
const HERE = dirname(fileURLToPath(import.meta.url));

/** netback.c extracted once into a cache folder; undefined without the package. */
export function netbackSource(): string | undefined {
  if (!existsSync(TARBALL)) return undefined;
  const cache = join(tmpdir(), 'pvcheck-netback-6.12');
  const file = join(cache, NETBACK_C);
  if (!existsSync(file)) {
    mkdirSync(cache, { recursive: true });
    // --occurrence=1: stop at the member instead of decompressing the rest of the tarball (6.8 -> 4.2 s CPU)
    execFileSync('tar', ['-xJf', TARBALL, '--occurrence=1', '-C', cache, NETBACK_C]);
  }
  return readFileSync(file, 'utf8');
}

/** One function of a C file, from its `static ... name(` line to the first `}` at column 0. */
export function extractFunction(src: string, name: string): string {
  const lines = src.split('\n');
  const start = lines.findIndex((l) => new RegExp(`^static [^(]*\\b${name}\\(`).test(l));
  if (start < 0) throw new Error(`netback.c has no function ${name}`);
  const end = lines.findIndex((l, i) => i > start && l === '}');
  if (end < 0) throw new Error(`netback.c: ${name} has no closing brace`);
  return lines.slice(start, end + 1).join('\n');
}

/** A function's definition: like extractFunction, but the last `static ... name(` line (netback.c declares make_tx_response before defining it). */
export function extractDefinition(src: string, name: string): string {
  const lines = src.split('\n');
  const re = new RegExp(`^static [^(]*\\b${name}\\(`);
  let start = -1;
  lines.forEach((l, i) => { if (re.test(l)) start = i; });
  if (start < 0) throw new Error(`netback.c has no function ${name}`);
  const end = lines.findIndex((l, i) => i > start && l === '}');
  if (end < 0) throw new Error(`netback.c: ${name} has no closing brace`);
  return lines.slice(start, end + 1).join('\n');
}

/** netback's tx response path, as netback.c has it: _make_tx_response, push_tx_responses, make_tx_response, xenvif_tx_err (for conformance/ring/netif.c). */
export const extractResponsePath = (src: string): string =>
  ['/* extracted unmodified from ' + NETBACK_C + ' by conformance/netback/netback.ts */',
    ...['_make_tx_response', 'push_tx_responses', 'make_tx_response', 'xenvif_tx_err'].map((f) => extractDefinition(src, f)), ''].join('\n\n');

/** The two functions, as netback.c has them. */
export const extractNetback = (src: string): string =>
  ['/* extracted unmodified from ' + NETBACK_C + ' by conformance/netback/netback.ts */',
    extractFunction(src, 'xenvif_count_requests'), '', extractFunction(src, 'xenvif_get_extras'), ''].join('\n');

/** The constants a build uses: Linux's (18, 20, 4096) or the model's. */
export interface Constants { readonly legacySlotsMax: number; readonly fatalSkbSlots: number; readonly pageSize: number }
export const LINUX: Constants = { legacySlotsMax: 18, fatalSkbSlots: 20, pageSize: 4096 };
export const constantsOf = (p: Pick<NetifParams, 'slotsMin' | 'fatalSlots'>): Constants => ({
  legacySlotsMax: p.slotsMin, fatalSkbSlots: Math.max(p.fatalSlots === 0 ? p.slotsMin + 2 : p.fatalSlots, p.slotsMin), pageSize: XEN_PAGE_SIZE,
});

export interface Build { readonly ok: boolean; readonly message: string; readonly exe: string }

/** Compiles harness.c with `extract` (the functions' text) and the constants into `dir`. */
export function buildNetbackHarness(extract: string, k: Constants, dir: string): Build {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'netback_extract.c'), extract);
  return gcc(dir, 'netback-harness', 'harness.c',
    [`-DSHIM_LEGACY_SLOTS_MAX=${k.legacySlotsMax}`, `-DSHIM_FATAL_SKB_SLOTS=${k.fatalSkbSlots}`, `-DSHIM_PAGE_SIZE=${k.pageSize}`]);
}

/** Compiles a harness of this folder into `dir/exe` with the extract of `dir` on the include path. */
function gcc(dir: string, exe: string, source: string, defines: readonly string[], extra: readonly string[] = []): Build {
  const out = join(dir, exe);
  const args = ['-std=gnu11', '-O1', '-Wall', '-Wno-unused-function', ...extra, '-I', dir, '-I', HERE, ...defines, '-o', out, join(HERE, source)];
  const r = spawnSync(process.env.CC ?? 'gcc', args, { encoding: 'utf8' });
  if (r.error) return { ok: false, message: `cannot run gcc: ${r.error.message}`, exe: out };
  if (r.status !== 0) return { ok: false, message: `gcc failed: ${(r.stderr || r.stdout).trim()}`, exe: out };
  return { ok: true, message: `built ${out}`, exe: out };
}

/** A vector: which function, req_cons, its arguments and the slots from req_cons on. */
export interface NetbackVector {
  readonly id: string;
  readonly kind: 'count' | 'extras';
  readonly cons: number;
  readonly work_to_do: number;
  readonly extra_count: number;
  readonly first: TxReq;
  readonly slots: readonly Slot[];
}

/** What a function did: its verdict and the values both sides report. */
export interface Observed {
  readonly verdict: 'ok' | 'drop' | 'fatal';
  /** count: fragments (ok) or slots dropped (drop); extras: work_to_do left (ok). */
  readonly n: number;
  /** count: first->size afterwards (ok, drop); extras: extra_count. */
  readonly size: number;
  /** The fatal error's message, else the first one logged, up to its first '%', ':', '(' or ',' ('-' for none). */
  readonly msg: string;
}

/** The model's reasons, as netback's messages begin (spaces as '_', up to the first '%', ':', '(' or ','). */
const MESSAGES: Readonly<Record<string, string>> = {
  'Asked for slots but exceeds this limit': 'Asked_for',
  'Malicious frontend': 'Malicious_frontend_using',
  'Too many slots': 'Too_many_slots',
  'Invalid tx request': 'Invalid_tx_request',
  'Cross page boundary': 'Cross_page_boundary',
  'Missing extra info': 'Missing_extra_info',
  'Invalid extra type': 'Invalid_extra_type',
};
const normalize = (m: string): string => m.split(/[%:(,]/)[0]!.replace(/_+$/, '') || '-';

const asTx = (s: Slot): TxReq => (s.k === K_REQ ? { id: s.id, flags: s.flags, size: s.size, offset: s.offset } : { id: 0, flags: 0, size: 0, offset: 0 });

/** The model's answer: model/netif.ts's countRequests / getExtras on the vector's slots (empty beyond them). */
export function modelObserves(v: NetbackVector, k: Constants): Observed {
  const at = (i: number): Slot | undefined => v.slots[i];
  if (v.kind === 'count') {
    const p = { slotsMin: k.legacySlotsMax, fatalSlots: k.fatalSkbSlots };
    // a request slot holding an extra reads as flags 0, size 0, offset = gso type (0 here)
    const r = countRequests((i) => { const s = at(i); return s ? asTx(s) : { id: 0, flags: 0, size: 0, offset: 0 }; }, v.first, v.work_to_do, p, undefined, k.pageSize);
    const msg = r.reason ? MESSAGES[r.reason]! : '-';
    if (r.verdict === 'fatal') return { verdict: 'fatal', n: 0, size: 0, msg };
    return { verdict: r.verdict, n: r.slots, size: r.first.size, msg };
  }
  const r = getExtras((i) => { const s = at(i); return s && s.k === K_EXTRA ? { type: s.etype, flags: s.eflags, size: s.size } : { type: 0, flags: 0, size: 0 }; }, v.work_to_do);
  const msg = r.reason ? MESSAGES[r.reason]! : '-';
  return r.verdict === 'fatal' ? { verdict: 'fatal', n: 0, size: r.extra_count, msg } : { verdict: 'ok', n: r.work_to_do, size: r.extra_count, msg };
}

/** netback's answer, from a harness output line. */
export function parseObserved(kind: NetbackVector['kind'], line: string): Observed {
  const f = Object.fromEntries(line.split(' ').slice(1).map((kv) => kv.split('=') as [string, string]));
  const ret = Number(f.ret), fatal = f.fatal === '1', txErr = f.tx_err === '1';
  const msg = normalize(f.msg ?? '-');
  if (kind === 'count') {
    if (fatal) return { verdict: 'fatal', n: 0, size: 0, msg };
    if (txErr) return { verdict: 'drop', n: Number(f.end), size: Number(f.first_size), msg };
    return { verdict: 'ok', n: ret, size: Number(f.first_size), msg };
  }
  if (fatal) return { verdict: 'fatal', n: 0, size: Number(f.extra_count), msg };
  return { verdict: 'ok', n: ret, size: Number(f.extra_count), msg };
}

export function renderVectors(vs: readonly NetbackVector[]): string {
  const out = ['# pvcheck netif vectors for conformance/netback/harness.c'];
  for (const v of vs) {
    out.push(`V ${v.id} ${v.kind} ${v.cons >>> 0} ${v.work_to_do} ${v.extra_count}`);
    out.push(`F ${v.first.flags} ${v.first.size} ${v.first.offset} ${v.first.id}`);
    for (const s of v.slots)
      out.push(s.k === K_EXTRA ? `X ${s.etype} ${s.eflags} ${s.size}` : `R ${s.flags} ${s.size} ${s.offset} ${s.id}`);
    out.push('E');
  }
  return out.join('\n') + '\n';
}

/** The vectors of one packet: count_requests and (with extras) get_extras, with work_to_do exact, one short and more than enough. */
function packetVectors(tag: string, sh: Shape, cons: number): NetbackVector[] {
  const slots = packetSlots(sh, sh.frags.map((_, i) => i));
  const out: NetbackVector[] = [];
  const first = asTx(slots[0]!);
  const nExtras = slots.filter((s) => s.k === K_EXTRA).length;
  const after = slots.slice(1 + nExtras);
  for (const [w, name] of [[after.length, 'exact'], [after.length - 1, 'short'], [after.length + 2, 'more']] as const) {
    if (w < 0) continue;
    out.push({ id: `${tag}/count/${name}`, kind: 'count', cons, work_to_do: w, extra_count: nExtras, first, slots: after });
  }
  if (first.flags & 8) {
    const rest = slots.slice(1);
    for (const [w, name] of [[rest.length, 'exact'], [0, 'none'], [1, 'one']] as const)
      out.push({ id: `${tag}/extras/${name}`, kind: 'extras', cons, work_to_do: w, extra_count: 0, first, slots: rest });
  }
  return out;
}

/**
 * Vectors at the model's constants (`p`): every packet of the `any` frontend
 * with up to 3 data slots (every size 0/1/PAGE, a size field one short, a
 * fragment at offset 1, every extra kind, an unterminated chain), and packets
 * of 4 .. fatal_skb_slots + 3 data slots (sizes 1, the last 0 or crossing the
 * page), each at req_cons 1 and just below the 2^32 wrap.
 */
export function netbackVectors(p: NetifParams): NetbackVector[] {
  const out: NetbackVector[] = [];
  const small = shapes({ ...p, frontend: 'any', maxSlots: 3 });
  const k = constantsOf(p);
  const long: Shape[] = [];
  for (let n = 4; n <= k.fatalSkbSlots + 3; n++)
    for (const last of [1, 0, 3])
      for (const off of [-1, n - 1])
        long.push({ frags: [1, ...Array.from({ length: n - 2 }, () => 1), last], extra: 'none', offsetSlot: off, unterminated: false });
  [...small, ...long].forEach((sh, i) => {
    for (const cons of [1, 0xfffffffe]) out.push(...packetVectors(`p${i}@${cons}`, sh, cons));
  });
  return out;
}

/** Vectors at Linux's constants: 1 .. 24 data slots (sizes 1, the last 0), an extra or not, at the boundaries 18 .. 22. */
export function linuxVectors(): NetbackVector[] {
  const out: NetbackVector[] = [];
  for (let n = 1; n <= 24; n++)
    for (const last of [1, 0])
      for (const extra of ['none', 'gso'] as const) {
        const sh: Shape = { frags: [2, ...Array.from({ length: n - 1 }, (_, i) => (i === n - 2 ? last : 1))], extra, offsetSlot: -1, unterminated: false };
        out.push(...packetVectors(`linux${n}/${last}/${extra}`, sh, 7));
      }
  return out;
}

export interface Mismatch { readonly id: string; readonly model: Observed; readonly netback: Observed }

/** Runs the vectors through a built harness; the first disagreements with the model (at most `max`). */
export function compare(exe: string, vs: readonly NetbackVector[], k: Constants, dir: string, max = 5): { mismatches: Mismatch[]; ran: number } {
  const input = join(dir, 'vectors.txt');
  writeFileSync(input, renderVectors(vs));
  const r = spawnSync(exe, [input], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`netback harness failed (status ${r.status}): ${r.stderr}`);
  const lines = r.stdout.trim().split('\n');
  if (lines.length !== vs.length) throw new Error(`netback harness printed ${lines.length} lines for ${vs.length} vectors`);
  const mismatches: Mismatch[] = [];
  vs.forEach((v, i) => {
    const got = parseObserved(v.kind, lines[i]!);
    const want = modelObserves(v, k);
    if (mismatches.length < max && JSON.stringify(got) !== JSON.stringify(want)) mismatches.push({ id: v.id, model: want, netback: got });
  });
  return { mismatches, ran: lines.length };
}

export const defaultNetifParams = (): NetifParams => netifParams.defaults;

// --- xenvif_get_requests (conformance/netback/getreq.c)

/** A block of lines of a C file: from the first line matching `from` to the next one matching `to`. */
export function extractLines(src: string, from: RegExp, to: RegExp): string {
  const lines = src.split('\n');
  const start = lines.findIndex((l) => from.test(l));
  if (start < 0) throw new Error(`netback.c has no line matching ${from}`);
  const end = lines.findIndex((l, i) => i >= start && to.test(l));
  if (end < 0) throw new Error(`netback.c: no line matching ${to} after ${from}`);
  return lines.slice(start, end + 1).join('\n');
}

/** xenvif_get_requests with what it uses of netback.c: the callback_param macro, struct xenvif_tx_cb and its accessors, pending_index, frag_set_pending_idx, xenvif_tx_create_map_op. */
export const extractGetRequests = (src: string): string =>
  ['/* extracted unmodified from ' + NETBACK_C + ' by conformance/netback/netback.ts */',
    extractLines(src, /^#define callback_param\(/, /pending_tx_info\[pending_idx\]\.callback_struct\)/),
    extractFunction(src, 'frag_set_pending_idx'),
    extractFunction(src, 'pending_index'),
    extractLines(src, /^struct xenvif_tx_cb \{/, /^#define copy_count\(/),
    extractFunction(src, 'xenvif_tx_create_map_op'),
    extractFunction(src, 'xenvif_get_requests'), ''].join('\n\n');

export interface GetReqConstants { readonly legacySlotsMax: number; readonly maxSkbFrags: number; readonly pageSize: number }

export function buildGetRequestsHarness(extract: string, k: GetReqConstants, dir: string): Build {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'netback_getreq_extract.c'), extract);
  // -Wno-array-bounds: the harness lays sentinels after txfrags[] on purpose (the finding reads them)
  return gcc(dir, 'netback-getreq', 'getreq.c',
    [`-DSHIM_LEGACY_SLOTS_MAX=${k.legacySlotsMax}`, `-DSHIM_MAX_SKB_FRAGS=${k.maxSkbFrags}`, `-DSHIM_PAGE_SIZE=${k.pageSize}`], ['-Wno-array-bounds']);
}

export interface GetReqVector { readonly id: string; readonly counted: Counted }

/** Every packet of `shapeList` that xenvif_tx_build_gops counts (model `p`), as a get_requests vector. */
export function getRequestsVectors(tag: string, shapeList: readonly Shape[], p: NetifParams): GetReqVector[] {
  const out: GetReqVector[] = [];
  shapeList.forEach((sh, i) => {
    const c = countedPacket(sh, p);
    if (c) out.push({ id: `${tag}${i}`, counted: c });
  });
  return out;
}

/** The slots netback reads, as the harness prints them: the model's events, stopping where it reads past the packet. */
export interface GetReqObserved { readonly copies: string; readonly maps: string; readonly resp: string; readonly past: boolean; readonly nullShinfo: boolean }

const fromModel = (e: GetRequestsEvents): GetReqObserved => ({
  copies: e.copies.map(([k, n]) => `${k}:${n}`).join(','), maps: e.maps.join(','), resp: e.resp.join(','), past: e.past, nullShinfo: e.nullShinfo,
});

/** The harness line, cut at the first sentinel (a read past the packet) or at skb_shinfo(NULL). */
export function parseGetRequests(line: string): GetReqObserved {
  const f = Object.fromEntries(line.split(' ').slice(1).map((kv) => kv.split('=') as [string, string]));
  const list = (x: string | undefined) => (x ? x.split(',').filter((y) => y !== '') : []);
  let past = false;
  const cut = <T>(xs: T[], slot: (x: T) => number): T[] => {
    const i = xs.findIndex((x) => slot(x) >= 100);
    if (i >= 0) { past = true; return xs.slice(0, i); }
    return xs;
  };
  const copies = cut(list(f.copies), (x) => Number(x.split(':')[0]));
  let maps = cut(list(f.maps), Number);
  const resp = cut(list(f.resp), Number);
  const nullShinfo = f.null !== '-';
  if (nullShinfo) maps = maps.slice(0, Number(f.null));
  return { copies: copies.join(','), maps: maps.join(','), resp: resp.join(','), past, nullShinfo };
}

export function renderGetRequests(vs: readonly GetReqVector[]): string {
  const out = ['# pvcheck counted packets for conformance/netback/getreq.c'];
  for (const v of vs) {
    out.push(`V ${v.id} ${v.counted.extra_count} ${v.counted.data_len}`);
    out.push(`F ${v.counted.first.size} ${v.counted.first.offset}`);
    for (const t of v.counted.frags) out.push(`R ${t.size} ${t.offset}`);
    out.push('E');
  }
  return out.join('\n') + '\n';
}

export interface GetReqMismatch { readonly id: string; readonly model: GetReqObserved; readonly netback: GetReqObserved }

export function compareGetRequests(exe: string, vs: readonly GetReqVector[], p: NetifParams, dir: string, bc: BackendCode = honestBackend, max = 5): { mismatches: GetReqMismatch[]; results: GetReqObserved[] } {
  const input = join(dir, 'getreq.txt');
  writeFileSync(input, renderGetRequests(vs));
  const r = spawnSync(exe, [input], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`getreq harness failed (status ${r.status}): ${r.stderr}`);
  const lines = r.stdout.trim().split('\n');
  if (lines.length !== vs.length) throw new Error(`getreq harness printed ${lines.length} lines for ${vs.length} vectors`);
  const mismatches: GetReqMismatch[] = [];
  const results: GetReqObserved[] = [];
  vs.forEach((v, i) => {
    const got = parseGetRequests(lines[i]!);
    results.push(got);
    const want = fromModel(xenvifGetRequests(v.counted, p, bc));
    if (mismatches.length < max && JSON.stringify(got) !== JSON.stringify(want)) mismatches.push({ id: v.id, model: want, netback: got });
  });
  return { mismatches, results };
}

/** Linux's slot numbers (XEN_NETBK_LEGACY_SLOTS_MAX 18, MAX_SKB_FRAGS 17, fatal_skb_slots 20), the model's sizes. */
export const linuxSlotParams = (): NetifParams => ({ ...netifParams.defaults, ringSize: 32, slotsMin: 18, fatalSlots: 20 });
export const LINUX_GETREQ: GetReqConstants = { legacySlotsMax: 18, maxSkbFrags: 17, pageSize: XEN_PAGE_SIZE };

/** Packets of 1..19 data slots: the first fragment 1, 2 or PAGE, the others 1, with no, the last, or the one before the last of size 0. */
export function linuxSlotShapes(): Shape[] {
  const out: Shape[] = [];
  for (let n = 1; n <= 19; n++)
    for (const f0 of [1, 2, 3])
      for (const zeroAt of [-1, n - 1, n - 2]) {
        if (zeroAt === 0 || (zeroAt >= 0 && zeroAt < 1)) continue;
        if (n === 1 && zeroAt !== -1) continue;
        out.push({ frags: [f0, ...Array.from({ length: n - 1 }, (_, i) => (i + 1 === zeroAt ? 0 : 1))], extra: 'none', offsetSlot: -1, unterminated: false });
      }
  return out;
}
