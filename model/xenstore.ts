/**
 * A reusable xenstore, as plain JSON data, for protocol models: a tree of
 * string nodes, transactions that fail with EAGAIN on a conflict, and watches
 * held as data (registered, pending), with the semantics xenstored gives them
 * (xen docs/misc/xenstore.txt; Linux drivers/xen/xenbus/xenbus_xs.c):
 *
 * - A node is a path (`backend/vif/1/0/state`, relative to `/local/domain/<id>`
 *   of its owner in real xenstore) with a string value. Writing a node creates
 *   it; `rm` deletes a node and everything below it. A missing node reads as
 *   `undefined` (ENOENT).
 * - A watch on path W fires on every write of W or of a node below W, and on
 *   the removal of W, of an ancestor of W or of a node below W. Writing the
 *   same value again still fires it. "When a watch is first set up it is
 *   triggered once straight away." "Watches may be triggered spuriously" (a
 *   model rule may call {@link xsFireSpurious}).
 * - Delivery order: each domain's kernel runs every watch handler on one
 *   thread (Linux xenwatch), in the order xenstored sent the events, so each
 *   watch has an owner (the domain) and each owner a FIFO queue of tokens.
 * - Dropped events: each watch has a drop rule, as the kernel that registered
 *   it has one ({@link XsDrop}). Linux (xenbus_xs.c `xs_watch_msg`) queues every
 *   event of a watch without `will_handle` (`none`: netfront's otherend watch,
 *   netback's hotplug-status watch); the backend bus gives its otherend watches
 *   `frontend_will_handle`, which drops an event whenever one of the same watch
 *   is pending (`pending`, `nr_pending == 0`). `last` (drop only right behind
 *   an undelivered event of the same watch) is kept for variants. Every
 *   handler re-reads the node when it runs, so intermediate values can be
 *   missed either way: this is how a model finds "missed the backend's Closing
 *   state" bugs.
 * - Transactions: `xsTxnStart` opens one per owner, writes and removals are
 *   buffered, `xsTxnEnd` commits them atomically or fails with EAGAIN when a
 *   conflicting change was committed meanwhile. `conflicts: 'node'` is C
 *   xenstored since Xen 4.9 (a change to a node the transaction wrote or read
 *   with {@link xsTxnRead});
 *   `'any'` is the older, stricter xenstored and oxenstored under load (any
 *   committed change conflicts). The caller retries on EAGAIN, as Linux does.
 *
 * Every function that changes the store takes a mutable store (an immer draft
 * in a rule's `then`) and returns nothing or a status; read functions take the
 * frozen state.
 *
 * @see xen docs/misc/xenstore.txt; xen/include/public/io/xs_wire.h
 */
import type { Draft } from 'immer';

/**
 * When the kernel drops an event of a watch instead of queueing it: `none`
 * (queue every event: a Linux watch without will_handle), `pending` (drop when
 * an event of this watch is still queued: Linux's frontend_will_handle, the
 * backend bus's otherend watches), `last` (drop only right behind an
 * undelivered event of this watch).
 */
export type XsDrop = 'none' | 'pending' | 'last';

/** A registered watch (xs_watch): its token, the watched path, the domain whose handler thread runs it, its drop rule. */
export interface XsWatch {
  readonly token: string;
  readonly path: string;
  readonly owner: string;
  readonly drop?: XsDrop;
  /**
   * Which changes the kernel's handler acts on, when a model splits one
   * xenstored watch in two by the event's path (Linux's bus watches, whose
   * handler `xenbus_dev_changed` probes on a write below the watched path and
   * cleans up devices on the removal of a device directory): `write` (writes
   * at or below the path), `rm` (removal of the path or of an ancestor; a
   * removal below it is a no-op for this handler and is not queued). Default:
   * every change.
   */
  readonly fires?: 'write' | 'rm';
}

/** An open transaction: buffered writes (`null` = rm), the nodes it read, and whether it already conflicts. */
export interface XsTxn {
  readonly writes: Readonly<Record<string, string | null | undefined>>;
  /** Nodes read inside the transaction ({@link xsTxnRead}): C xenstored conflicts on them too. */
  readonly reads?: readonly string[];
  readonly conflict: boolean;
}

export interface Xenstore {
  /** path -> value. */
  readonly nodes: Readonly<Record<string, string | undefined>>;
  /** Registered watches, in registration order (tokens are unique). */
  readonly watches: readonly XsWatch[];
  /** Per owner, the tokens of the watch events not yet delivered, oldest first. */
  readonly events: Readonly<Record<string, readonly string[] | undefined>>;
  /** Open transactions by owner. */
  readonly txns: Readonly<Record<string, XsTxn | undefined>>;
  /**
   * The nodes whose permissions were set with XS_SET_PERMS ({@link xsSetPermsAs}),
   * in xenstored's form ({@link xsParsePerms}: `nguest,rbackend-domain`); any
   * other node has the toolstack's ({@link XsPermTable}). Absent: none set.
   */
  readonly perms?: Readonly<Record<string, string>>;
  /**
   * Ghost (XSA-115): set when a watch event was queued for a domain that may
   * not read the node it names (xenstored without the fix); never set by
   * C xenstored since the fix.
   */
  readonly leaked?: boolean;
}

export type XsConflicts = 'node' | 'any';

/** A store being changed (an immer draft of {@link Xenstore}). */
export type XsDraft = Draft<Xenstore>;

export const emptyXenstore = (): Xenstore => ({ nodes: {}, watches: [], events: {}, txns: {} });

/** `path` is `dir` or lies below it (no string is built: this runs for every node on every existence test). */
const under = (path: string, dir: string): boolean =>
  path === dir || (path.length > dir.length && path.charCodeAt(dir.length) === 47 /* '/' */ && path.startsWith(dir));

const parentOf = (path: string): string => (path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '');

/**
 * XS_READ: the value of a node, or undefined (ENOENT). One keyed load: a node's
 * value is a string, and what a path may find on Object.prototype instead
 * (`constructor`, `toString`, `__proto__`) is not one (a hasOwnProperty test
 * and a second load cost xenbus 5% of its search, measured 2026-12-04 night).
 */
export const xsRead = (xs: Xenstore, path: string): string | undefined => {
  const v = xs.nodes[path];
  return typeof v === 'string' ? v : undefined;
};

/**
 * The nodes that exist (loops that run on every state walk `xs.nodes` in place instead). A node, watch queue or transaction is absent when its
 * key is missing or holds `undefined` (the packed path keeps every declared
 * key, model/xenbus.ts `xenbusShape`): removals assign `undefined` rather than
 * `delete`, which would put the object into V8's slow dictionary mode.
 */
export const xsPaths = (xs: Xenstore): string[] => Object.keys(xs.nodes).filter((k) => xs.nodes[k] !== undefined);
/** The owners with an open transaction. */
export const xsOpenTxns = (xs: Xenstore): string[] => {
  const txns = xs.txns;
  const out: string[] = [];
  for (const k in txns) if (txns[k] !== undefined) out.push(k);
  return out;
};
/** Whether any transaction is open (`xsOpenTxns(xs).length > 0` without the array). */
export const xsAnyTxn = (xs: Xenstore): boolean => {
  const txns = xs.txns;
  for (const k in txns) if (txns[k] !== undefined) return true;
  return false;
};

/**
 * Whether a node exists (xenbus_exists). A directory exists when any node lies below it.
 * The walks over `xs.nodes` read it into a local first: V8 loads `o[k]` in
 * `for (k in o)` from the enum cache only when `o` is the loop's own variable;
 * `xs.nodes[k]` was a generic keyed load, 4-5x slower per node (measured
 * 2026-12-04 night: 0.8 against 0.17 us a walk of xenbus's 60 nodes).
 */
export const xsExists = (xs: Xenstore, path: string): boolean => {
  const nodes = xs.nodes;
  for (const k in nodes) if (nodes[k] !== undefined && under(k, path)) return true;
  return false;
};
/**
 * Removes every node at or below `path` (assigns undefined: see {@link xsPaths});
 * whether there was one. One walk, no array of the removed paths.
 */
function rmUnder(d: XsDraft, path: string): boolean {
  const nodes = d.nodes;
  let any = false;
  for (const k in nodes) if (nodes[k] !== undefined && under(k, path)) { nodes[k] = undefined; any = true; }
  return any;
}

/** `dir + '/state'` by dir: built once (a string built per call is hashed again by every keyed load). */
const stateKeys = new Map<string, string>();
/** Linux `xenbus_read_driver_state`: the `state` node as an integer, XenbusStateUnknown (0) when missing or unparsable. */
export const xsReadState = (xs: Xenstore, dir: string): number => {
  let key = stateKeys.get(dir);
  if (key === undefined) stateKeys.set(dir, (key = dir + '/state'));
  const v = xsRead(xs, key);
  if (v === undefined) return 0;
  const n = Number(v);
  return Number.isInteger(n) && n >= 0 ? n : 0;
};

function queue(d: XsDraft, w: { readonly token: string; readonly owner: string; readonly drop?: XsDrop }): void {
  const q = (d.events[w.owner] ??= []);
  const drop = w.drop ?? 'none';
  if (drop === 'pending' && q.includes(w.token)) return;
  if (drop === 'last' && q[q.length - 1] === w.token) return;
  q.push(w.token);
}
/**
 * XSA-115 (watch.c watch_permitted): an event about `path` goes to a watch's
 * domain only if it may read the node, with its perms now or (`old`, for
 * XS_SET_PERMS) before. Only nodes whose perms were set (`xs.perms`) can
 * deny a watcher here: the toolstack's table gives every watching domain
 * read access to what it watches. `check: false` is xenstored before the fix:
 * the event goes out and the ghost `leaked` records it.
 */
function permitted(d: XsDraft, w: XsWatch, path: string, check: boolean, old?: string): boolean {
  const set = d.perms?.[path];
  if (set === undefined) return true;
  const reads = (perms: string) => mayRead(accessOf(xsParsePerms(perms), w.owner));
  if (reads(set) || (old !== undefined && reads(old))) return true;
  if (check) return false;
  d.leaked = true;
  return true;
}
function fireWrite(d: XsDraft, path: string, check = true, old?: string): void {
  for (const w of d.watches) if (w.fires !== 'rm' && under(path, w.path) && permitted(d, w, path, check, old)) queue(d, w);
}
function fireRm(d: XsDraft, path: string, check = true): void {
  for (const w of d.watches) {
    if (w.fires === 'write') continue;
    if ((under(w.path, path) || (w.fires !== 'rm' && under(path, w.path))) && permitted(d, w, under(w.path, path) ? w.path : path, check)) queue(d, w);
  }
  // the perms set on removed nodes go with them
  if (d.perms) {
    for (const k of Object.keys(d.perms)) if (under(k, path)) delete d.perms[k];
    if (Object.keys(d.perms).length === 0) delete d.perms;
  }
}
/** Whether a transaction wrote or read a node at, above or below `path` (no array is built: this runs on every write). */
function touches(t: XsTxn, path: string): boolean {
  const w = t.writes;
  for (const k in w) if (w[k] !== undefined && (under(k, path) || under(path, k))) return true;
  const r = t.reads;
  if (r !== undefined) for (let i = 0; i < r.length; i++) if (under(r[i]!, path) || under(path, r[i]!)) return true;
  return false;
}
function conflictWith(d: XsDraft, owner: string | null, path: string, mode: XsConflicts): void {
  const txns = d.txns;
  for (const o in txns) {
    const t = txns[o];
    if (t === undefined || o === owner || t.conflict) continue;
    if (mode === 'any' || touches(t as XsTxn, path)) t.conflict = true;
  }
}

/**
 * construct_node ("Inherit permissions"): a new node, and each missing
 * directory above it, takes its parent's perms. Only perms set with
 * XS_SET_PERMS are kept per node (`Xenstore.perms`); a parent without them
 * has the toolstack's ({@link XsPermTable}), which its new child then has
 * too, so only a set parent is copied: walking up from the new node, the
 * first ancestor with set perms is copied down to every node created now,
 * unless an existing node without set perms comes first (that one's perms
 * are the table's). A node created by an unprivileged domain is owned by it
 * (`perms.p[0].id = conn->id`); in the models a domain creates nodes only
 * below nodes it owns, so the copy is exact. Called before the node exists.
 */
function inheritPerms(d: XsDraft, path: string): void {
  const set = d.perms;
  if (!set || set[path] !== undefined) return;
  const created: string[] = [path];
  for (let a = parentOf(path); a !== ''; a = parentOf(a)) {
    const from = set[a];
    if (from !== undefined) { for (const k of created) set[k] = from; return; }
    if (xsExists(d as unknown as Xenstore, a)) return;
    created.push(a);
  }
}

/** XS_WRITE outside a transaction: sets the node, fires watches, makes conflicting transactions fail. */
export function xsWrite(d: XsDraft, path: string, value: string, mode: XsConflicts = 'node', checkWatchPerms = true): void {
  if (d.perms && d.nodes[path] === undefined) inheritPerms(d, path);
  d.nodes[path] = value;
  fireWrite(d, path, checkWatchPerms);
  conflictWith(d, null, path, mode);
}

/** XS_RM outside a transaction: removes the node and every node below it (no-op, no event, when nothing is there). */
export function xsRm(d: XsDraft, path: string, mode: XsConflicts = 'node', checkWatchPerms = true): void {
  if (!rmUnder(d, path)) return;
  fireRm(d, path, checkWatchPerms);
  conflictWith(d, null, path, mode);
}

/**
 * XS_WATCH: registers a watch for `owner`'s handler thread with its drop rule;
 * it fires once straight away (`initial: false`: the model leaves out that
 * first event, for a watch registered at boot before its path exists).
 * Re-registering a token replaces it.
 */
export function xsWatch(d: XsDraft, owner: string, token: string, path: string, drop: XsDrop = 'none', o: { fires?: 'write' | 'rm'; initial?: boolean } = {}): void {
  xsUnwatch(d, token);
  d.watches.push({ token, path, owner, drop: drop === 'none' ? undefined : drop, fires: o.fires });
  if (o.initial !== false) queue(d, { token, owner, drop });
}

/** XS_UNWATCH: drops the watch and the events it still had queued (unregister_xenbus_watch flushes them). */
export function xsUnwatch(d: XsDraft, token: string): void {
  const ws = d.watches;
  let i = 0;
  while (i < ws.length && ws[i]!.token !== token) i++;
  if (i === ws.length) return;
  const owner = ws[i]!.owner;
  ws.splice(i, 1);
  const q = d.events[owner];
  if (!q) return;
  // The queue as it was when none of its tokens is this one and it is not empty (an equal copy was stored before).
  if (q.length > 0 && !q.includes(token)) return;
  const kept = q.filter((t) => t !== token);
  d.events[owner] = kept.length ? kept : undefined;
}

export const xsWatchOf = (xs: Xenstore, token: string): XsWatch | undefined => xs.watches.find((w) => w.token === token);
export const xsWatching = (xs: Xenstore, token: string): boolean => xsWatchOf(xs, token) !== undefined;
/** The token whose event `owner`'s handler thread runs next, if any. */
export const xsNextEvent = (xs: Xenstore, owner: string): string | undefined => xs.events[owner]?.[0];
/** Whether the next event of the watch's owner is this watch's (its handler may run now). */
export const xsPending = (xs: Xenstore, token: string): boolean => {
  const w = xsWatchOf(xs, token);
  return w !== undefined && xsNextEvent(xs, w.owner) === token;
};

/** Takes the next event of `owner` (its handler then reads the latest values). */
export function xsDeliver(d: XsDraft, owner: string): void {
  const q = d.events[owner];
  if (!q) return;
  q.shift();
  if (q.length === 0) d.events[owner] = undefined;
}

/** A spurious event on a registered watch ("Watches may be triggered spuriously"). */
export function xsFireSpurious(d: XsDraft, token: string): void {
  const w = d.watches.find((x) => x.token === token);
  if (w) queue(d, w);
}

/** XS_TRANSACTION_START for `owner` (one open transaction per owner). */
export function xsTxnStart(d: XsDraft, owner: string): void {
  d.txns[owner] = { writes: {}, conflict: false };
}

/**
 * XS_READ inside the owner's transaction: its own buffered write if any, else
 * the committed value; the node joins the transaction's read set, so that (in
 * `node` mode, C xenstored) a change committed to it meanwhile makes the
 * commit fail with EAGAIN.
 */
export function xsTxnRead(d: XsDraft, owner: string, path: string): string | undefined {
  const t = d.txns[owner];
  if (!t) throw new Error(`xenstore: ${owner} reads ${path} outside a transaction`);
  if (!(t.reads ?? []).includes(path)) t.reads = [...(t.reads ?? []), path];
  if (t.writes[path] !== undefined) return t.writes[path] ?? undefined;
  return xsRead(d as unknown as Xenstore, path);
}

/** XS_WRITE inside the owner's transaction (buffered: invisible to others until commit). */
export function xsTxnWrite(d: XsDraft, owner: string, path: string, value: string): void {
  const t = d.txns[owner];
  if (!t) throw new Error(`xenstore: ${owner} writes ${path} outside a transaction`);
  t.writes[path] = value;
}

/** XS_RM inside the owner's transaction. */
export function xsTxnRm(d: XsDraft, owner: string, path: string): void {
  const t = d.txns[owner];
  if (!t) throw new Error(`xenstore: ${owner} removes ${path} outside a transaction`);
  t.writes[path] = null;
}

/** Whether committing the owner's transaction now would fail with EAGAIN. */
export const xsTxnWouldConflict = (xs: Xenstore, owner: string): boolean => xs.txns[owner]?.conflict === true;

/**
 * XS_TRANSACTION_END: with `commit`, applies the buffered writes atomically (each
 * fires its watches; other open transactions may now conflict) and returns 'ok',
 * or returns 'EAGAIN' and applies nothing when a conflicting change was committed
 * meanwhile. Without `commit` (abort) applies nothing. The transaction is closed.
 */
export function xsTxnEnd(d: XsDraft, owner: string, commit: boolean, mode: XsConflicts = 'node', checkWatchPerms = true): 'ok' | 'EAGAIN' {
  const t = d.txns[owner];
  if (!t) throw new Error(`xenstore: ${owner} ends no transaction`);
  const writes = { ...t.writes };
  const conflict = t.conflict;
  d.txns[owner] = undefined;
  if (!commit) return 'ok';
  if (conflict) return 'EAGAIN';
  for (const [k, v] of Object.entries(writes)) {
    if (v === undefined) continue;
    if (v === null) {
      if (rmUnder(d, k)) fireRm(d, k, checkWatchPerms);
    } else {
      if (d.perms && d.nodes[k] === undefined) inheritPerms(d, k);
      d.nodes[k] = v;
      fireWrite(d, k, checkWatchPerms);
    }
    conflictWith(d, owner, k, mode);
  }
  return 'ok';
}

// --- permissions and quotas (C xenstored: tools/xenstored/core.c perm_for_conn, create_node,
// do_write, do_rm; transaction.c do_transaction_start; watch.c do_watch; domain.c quotas)

/**
 * A node's permission letters as xenstored stores them (`xenstore-chmod`):
 * `n` none, `r` read, `w` write, `b` both.
 */
export type XsAccess = 'n' | 'r' | 'w' | 'b';

/**
 * A node's permissions: its owner (the first entry of the perms list: the
 * owner may read and write, and its quota is charged for the node), the
 * access of every other domain (the first entry's letter), and per-domain
 * entries (the ACL).
 */
export interface XsPerms {
  readonly owner: string;
  readonly others: XsAccess;
  readonly acl?: Readonly<Record<string, XsAccess>>;
  /** The directory exists whatever lies below it (made when the domain was built); others exist while a node lies below them. */
  readonly fixed?: boolean;
}

/**
 * The permissions of the store's directories, as the toolstack sets them:
 * `[directory, perms]`, a node having the perms of the longest directory
 * at or above it. xenstored gives a new node its parent's perms
 * (construct_node: "Inherit permissions"; an unprivileged domain becomes the
 * owner of what it creates, which in a model where every domain writes only
 * below directories it owns or may not write at all is the same owner); as
 * long as nobody changes a directory's perms after creating nodes below it,
 * a table is the same thing. XS_SET_PERMS on a node overrides the table for
 * that node ({@link xsSetPermsAs}, `Xenstore.perms`).
 */
export type XsPermTable = readonly (readonly [string, XsPerms])[];

/**
 * xenstored's per-domain quotas (`xenstored --help`: `-E` nodes per domain,
 * `-W` watches per domain, `-t` transactions per domain, `-S` (today
 * `-Q node-size=`) the size of one node; defaults 1000, 128, 10, 2048).
 * Dom0 (privileged) is exempt from every one.
 */
export interface XsQuota {
  readonly entries: number;
  readonly watches: number;
  readonly transactions: number;
  /**
   * `quota-max-entry-size` (`node-size`): the largest node an unprivileged
   * domain may write, in bytes as xenstored stores the node
   * ({@link xsNodeSize}). Absent: no limit.
   */
  readonly entrySize?: number;
}

/** `struct node_hdr` (tools/xenstored/core.h): generation (uint64_t), num_perms, datalen (uint16_t), childlen (uint32_t). */
export const XS_NODE_HDR_SIZE = 16;
/** `struct xs_permissions` (xs_lib.h): id (unsigned int), perms (enum). */
export const XS_PERM_SIZE = 8;
/** xs_wire.h `XENSTORE_PAYLOAD_MAX`: the longest message body (an XS_WRITE carries the path, a NUL and the value). */
export const XENSTORE_PAYLOAD_MAX = 4096;

/**
 * A value of `n` bytes, as a model writes it: the token `<n bytes>` stands for
 * the bytes (a long string would only be carried around and printed in traces);
 * {@link xsDataLen} gives its length.
 */
export const xsBlob = (n: number): string => `<${n} bytes>`;
/**
 * `cache`'s value for `key`, made by `make` on first use: the results the quota
 * counts ask for on every state (a model has a few dozen values, perms strings
 * and tables, all constant).
 */
function cached<K extends object | string, V>(cache: { get(k: K): V | undefined; set(k: K, v: V): unknown }, key: K, make: () => V): V {
  let v = cache.get(key);
  if (v === undefined) cache.set(key, (v = make()));
  return v;
}
/** The length of a node's data (`datalen`): a {@link xsBlob}'s `n`, else the string's length. */
export const xsDataLen = (v: string): number => {
  // the memo read without a closure: the quota counts ask for every node of every new state
  let n = dataLens.get(v);
  if (n === undefined) {
    const m = /^<(\d+) bytes>$/.exec(v);
    dataLens.set(v, (n = m ? Number(m[1]) : v.length));
  }
  return n;
};
/** {@link xsDataLen} by value (a model writes a few dozen distinct values; the quota counts read every node's on every state). */
const dataLens = new Map<string, number>();

/** A domain's connection to xenstored. */
export interface XsConn {
  readonly dom: string;
  /** dom0 (or the domain `--priv-domid` names): every permission, no quota. */
  readonly privileged?: boolean;
}

/** Which checks xenstored makes (a variant removes one: a defence taken away). */
export interface XsPolicy {
  readonly perms: XsPermTable;
  readonly quota: XsQuota;
  /** The domain a watch or transaction owner name belongs to (the model's owners are names of threads and drivers). */
  readonly domainOf: (owner: string) => string;
  readonly checkPerms?: boolean;
  readonly checkQuota?: boolean;
  /** XSA-115: watch events only for nodes the watcher may read (C xenstored since the fix; false: before it). */
  readonly checkWatchPerms?: boolean;
  /** The node-size quota (`quota.entrySize`; false: a xenstored without it). `checkQuota: false` removes it too. */
  readonly checkNodeSize?: boolean;
}

/** An error xenstored answers with (xs_wire.h `xsd_errors`). */
export type XsError = 'EACCES' | 'ENOSPC' | 'E2BIG' | 'EAGAIN' | 'EPERM' | 'ENOENT';

/**
 * A perms list as XS_SET_PERMS carries it (xs_wire.h; `xenstore-chmod`), with
 * the model's domain names: comma-separated entries letter+domain, the first
 * naming the owner and the access of every domain not listed
 * (`nguest,rbackend-domain`: the guest owns the node, the driver domain may
 * read it, nobody else may do anything).
 */
export function xsParsePerms(s: string): XsPerms {
  return cached(parsedPerms, s, () => parsePerms(s));
}
/** {@link xsParsePerms}'s results by perms string (a model has a handful; read on every node of every quota count). */
const parsedPerms = new Map<string, XsPerms>();
function parsePerms(s: string): XsPerms {
  const [first, ...rest] = s.split(',').map((e) => ({ letter: e[0] as XsAccess, dom: e.slice(1) }));
  return { owner: first!.dom, others: first!.letter, ...(rest.length ? { acl: Object.fromEntries(rest.map((e) => [e.dom, e.letter])) } : {}) };
}
/** The inverse of {@link xsParsePerms}. */
export const xsShowPerms = (p: XsPerms): string =>
  [`${p.others}${p.owner}`, ...Object.entries(p.acl ?? {}).map(([dom, a]) => `${a}${dom}`)].join(',');

/** The perms of the node at `path` (those of the longest directory of the table at or above it). */
export const xsPermsOf = (table: XsPermTable, path: string): XsPerms | undefined => permsIn(permsMap(table), table, path);
const permsMap = (table: XsPermTable): Map<string, XsPerms | null> => cached(permsByTable, table, () => new Map());
const permsIn = (m: Map<string, XsPerms | null>, table: XsPermTable, path: string): XsPerms | undefined =>
  cached(m, path, () => permsOfPath(table, path) ?? null) ?? undefined;
/**
 * {@link xsPermsOf} by table and path (null: none): a table is a constant of
 * the model, and the quota counts ask for every node's perms on every state.
 */
const permsByTable = new WeakMap<XsPermTable, Map<string, XsPerms | null>>();
function permsOfPath(table: XsPermTable, path: string): XsPerms | undefined {
  let best: readonly [string, XsPerms] | undefined;
  for (const e of table) if (under(path, e[0]) && (!best || e[0].length > best[0].length)) best = e;
  return best?.[1];
}

/** The perms a node has (set with XS_SET_PERMS, else the toolstack's table), or undefined. */
/** `m`: the table's cache ({@link permsMap}), for a caller that asks for many nodes. */
const permsOfNode = (xs: Xenstore, table: XsPermTable, path: string, m = permsMap(table)): XsPerms | undefined => {
  const set = xs.perms?.[path];
  return set !== undefined ? xsParsePerms(set) : permsIn(m, table, path);
};

/** perm_for_conn: a privileged connection may do anything, the owner reads and writes, others get their ACL entry, else the default letter. */
export function xsAccess(table: XsPermTable, c: XsConn, path: string, xs?: Xenstore): XsAccess {
  if (c.privileged) return 'b';
  const p = xs ? permsOfNode(xs, table, path) : xsPermsOf(table, path);
  if (!p) return 'n';
  return accessOf(p, c.dom);
}
const accessOf = (p: XsPerms, dom: string): XsAccess => (p.owner === dom ? 'b' : p.acl?.[dom] ?? p.others);
const mayWrite = (a: XsAccess): boolean => a === 'w' || a === 'b';
const mayRead = (a: XsAccess): boolean => a === 'r' || a === 'b';

/** Whether connection `c` may read the node at `path` (XS_READ; EACCES otherwise). */
export const xsMayRead = (xs: Xenstore, pol: XsPolicy, c: XsConn, path: string): boolean =>
  pol.checkPerms === false || mayRead(xsAccess(pol.perms, c, path, xs));

/**
 * XS_SET_PERMS from connection `c` (core.c do_set_perms): ENOENT when the
 * node does not exist, EACCES without write access to it, EPERM when an
 * unprivileged domain would change the owner ("Unprivileged domains may not
 * change the owner"); otherwise the node's perms are `perms` and its watches
 * fire, for every domain that may read it with the old perms or the new
 * (fire_watches with the old perms).
 */
export function xsSetPermsAs(d: XsDraft, pol: XsPolicy, c: XsConn, path: string, perms: string): 'ok' | XsError {
  // a directory is a node of xenstored too: it exists while a node lies below it
  if (!xsExists(d as unknown as Xenstore, path)) return 'ENOENT';
  const xs = d as unknown as Xenstore;
  if (pol.checkPerms !== false && !mayWrite(xsAccess(pol.perms, c, path, xs))) return 'EACCES';
  const old = d.perms?.[path] ?? xsShowPerms(xsPermsOf(pol.perms, path) ?? { owner: 'dom0', others: 'n' });
  if (!c.privileged && xsParsePerms(perms).owner !== xsParsePerms(old).owner) return 'EPERM';
  (d.perms ??= {})[path] = perms;
  fireWrite(d, path, pol.checkWatchPerms !== false, old);
  return 'ok';
}
/**
 * The node whose perms decide a write of `path` (get_node, errno_from_parents,
 * ask_parents): the node itself if it exists, else its nearest existing
 * ancestor (a removed directory's write goes to the parent's owner).
 */
function decidingNode(xs: Xenstore, table: XsPermTable, path: string): string {
  let p = path;
  while (p !== '' && !xsExists(xs, p) && !table.some(([dir, perms]) => dir === p && perms.fixed)) p = parentOf(p);
  return p;
}

/**
 * What the quota counts need of a node's perms in the toolstack's table: its
 * owner and the bytes of its perms entries ({@link xsNodeSize}), one Map
 * lookup a node (they ran on every node of every new state: four lookups
 * a node before, measured 2026-12-04 night).
 */
interface TablePerms {
  readonly owner: string | undefined;
  readonly permBytes: number;
}
const tablePermsByTable = new WeakMap<XsPermTable, Map<string, TablePerms>>();
const tablePermsMap = (table: XsPermTable): Map<string, TablePerms> => cached(tablePermsByTable, table, () => new Map());
const tablePerms = (m: Map<string, TablePerms>, table: XsPermTable, path: string): TablePerms => {
  let t = m.get(path);
  if (t === undefined) {
    const p = xsPermsOf(table, path);
    m.set(path, (t = { owner: p?.owner, permBytes: nodeSize(p, '') }));
  }
  return t;
};

/** The nodes a domain owns (its quota is charged for them): leaves of the store whose perms name it owner. */
export const xsEntriesOf = (xs: Xenstore, table: XsPermTable, dom: string): number => {
  const m = tablePermsMap(table);
  const nodes = xs.nodes;
  let n = 0;
  for (const k in nodes) if (nodes[k] !== undefined && tablePerms(m, table, k).owner === dom) n++;
  return n;
};

/**
 * The size of the node at `path` holding `value`, as xenstored accounts it
 * (core.c write_node_raw, calc_node_acc_size): `struct node_hdr`, one
 * `struct xs_permissions` per perms entry (the owner's and each ACL entry),
 * the data, the children's names (`childlen`: 0 for the model's nodes, which
 * are leaves; the model does not keep directory nodes).
 */
export const xsNodeSize = (xs: Xenstore, table: XsPermTable, path: string, value: string): number =>
  nodeSize(permsOfNode(xs, table, path), value);
const nodeSize = (p: XsPerms | undefined, value: string): number =>
  XS_NODE_HDR_SIZE + (p ? 1 + aclCount(p) : 1) * XS_PERM_SIZE + xsDataLen(value);
/** The number of ACL entries of a perms (memoised: a model has a handful of perms objects). */
const aclCount = (p: XsPerms): number => cached(aclCounts, p, () => Object.keys(p.acl ?? {}).length);
const aclCounts = new WeakMap<XsPerms, number>();

/** The largest node a domain owns, in bytes ({@link xsNodeSize}; 0 when it owns none). */
export const xsLargestNodeOf = (xs: Xenstore, table: XsPermTable, dom: string): number => {
  const m = tablePermsMap(table);
  const nodes = xs.nodes;
  const set = xs.perms;
  let max = 0;
  for (const k in nodes) {
    const v = nodes[k];
    if (v === undefined) continue;
    const size = ownedSize(set, tablePerms(m, table, k), k, v, dom);
    if (size > max) max = size;
  }
  return max;
};
/**
 * The size of node `k` holding `v` if `dom` owns it, else -1: its perms set with XS_SET_PERMS,
 * else the table's (`t`, its entry: permsOfNode).
 */
const ownedSize = (set: Xenstore['perms'], t: TablePerms, k: string, v: string, dom: string): number => {
  const sp = set === undefined ? undefined : set[k];
  if (sp !== undefined) {
    const p = xsParsePerms(sp);
    return p.owner !== dom ? -1 : nodeSize(p, v);
  }
  return t.owner !== dom ? -1 : t.permBytes + xsDataLen(v);
};

/**
 * Whether a domain owns at most `maxEntries` nodes ({@link xsEntriesOf}), none
 * larger than `maxSize` bytes ({@link xsLargestNodeOf}): both quota counts in
 * one walk of the nodes (an invariant asks on every new state; two walks were
 * 2% of xenbus's search, 2026-12-05e).
 */
export const xsOwnedWithin = (xs: Xenstore, table: XsPermTable, dom: string, maxEntries: number, maxSize: number): boolean => {
  // no node at all: 0 entries, largest 0
  if (maxEntries < 0 || maxSize < 0) return false;
  const m = tablePermsMap(table);
  const nodes = xs.nodes;
  const set = xs.perms;
  let n = 0;
  for (const k in nodes) {
    const v = nodes[k];
    if (v === undefined) continue;
    // xsEntriesOf counts by the table's owner, xsLargestNodeOf sizes by the perms the node has
    const t = tablePerms(m, table, k);
    if (t.owner === dom && ++n > maxEntries) return false;
    const size = ownedSize(set, t, k, v, dom);
    if (size > maxSize) return false;
  }
  return true;
};

/**
 * The node-size quota (write_node_raw: `domain_max_chk(conn, ACC_NODESZ,
 * size)`, which refuses an unprivileged domain's node of more than
 * `quota-max-entry-size` bytes with ENOSPC; before Xen 4.18 the test was
 * `size >= quota_max_entry_size`).
 */
const tooLarge = (xs: Xenstore, pol: XsPolicy, c: XsConn, path: string, value: string): boolean =>
  !c.privileged && pol.checkQuota !== false && pol.checkNodeSize !== false && pol.quota.entrySize !== undefined &&
  xsNodeSize(xs, pol.perms, path, value) > pol.quota.entrySize;

/**
 * XS_WRITE from connection `c`, outside a transaction: EACCES without write
 * access (to the node, or for a new node to its nearest existing ancestor:
 * get_node's errno_from_parents), ENOSPC
 * when an unprivileged domain creating a node already owns `quota.entries`
 * (`domain_nbentry(conn) >= quota_nb_entry_per_domain`), ENOSPC when the
 * node would be larger than `quota.entrySize` (write_node_raw); otherwise
 * {@link xsWrite}. The model counts leaves (intermediate directory nodes are
 * not charged).
 */
export function xsWriteAs(d: XsDraft, pol: XsPolicy, c: XsConn, path: string, value: string, mode: XsConflicts = 'node'): 'ok' | XsError {
  const xs = d as unknown as Xenstore;
  const exists = xsRead(xs, path) !== undefined;
  if (!xsMayWrite(xs, pol, c, path)) return 'EACCES';
  if (!exists && !c.privileged && pol.checkQuota !== false && xsEntriesOf(xs, pol.perms, c.dom) >= pol.quota.entries) return 'ENOSPC';
  if (tooLarge(xs, pol, c, path, value)) return 'ENOSPC';
  xsWrite(d, path, value, mode, pol.checkWatchPerms !== false);
  return 'ok';
}

/** XS_RM from connection `c`: EACCES without write access to the node (or its nearest existing ancestor); otherwise {@link xsRm}. */
export function xsRmAs(d: XsDraft, pol: XsPolicy, c: XsConn, path: string, mode: XsConflicts = 'node'): 'ok' | XsError {
  if (!xsMayWrite(d as unknown as Xenstore, pol, c, path)) return 'EACCES';
  xsRm(d, path, mode, pol.checkWatchPerms !== false);
  return 'ok';
}

/** The watches (or open transactions) a domain holds, by the owners the policy maps to it. */
export const xsWatchesOf = (xs: Xenstore, pol: XsPolicy, dom: string): number => {
  let n = 0;
  for (const w of xs.watches) if (pol.domainOf(w.owner) === dom) n++;
  return n;
};
export const xsTxnsOf = (xs: Xenstore, pol: XsPolicy, dom: string): number => {
  let n = 0;
  const txns = xs.txns; // a local: the loop's loads come from its enum cache (test/forInLoads)
  for (const o in txns) if (txns[o] !== undefined && pol.domainOf(o) === dom) n++;
  return n;
};

/**
 * XS_WATCH from connection `c` (do_watch): E2BIG when an unprivileged domain
 * already holds more than `quota.watches` (`domain_watch(conn) >
 * quota_nb_watch_per_domain`: xenstored admits one watch past the quota);
 * otherwise {@link xsWatch}. No permission is needed to register a watch
 * (events are sent only for nodes the watcher may read: not modelled, every
 * node of the model is readable by the domains that watch it).
 */
export function xsWatchAs(d: XsDraft, pol: XsPolicy, c: XsConn, owner: string, token: string, path: string, drop: XsDrop = 'none'): 'ok' | XsError {
  if (!c.privileged && pol.checkQuota !== false && xsWatchesOf(d as unknown as Xenstore, pol, c.dom) > pol.quota.watches) return 'E2BIG';
  xsWatch(d, owner, token, path, drop);
  return 'ok';
}

/**
 * XS_TRANSACTION_START from connection `c` (do_transaction_start): ENOSPC
 * when an unprivileged domain already has more than `quota.transactions` open
 * (`transaction_started > quota_max_transaction`: one past the quota is
 * admitted); otherwise {@link xsTxnStart}.
 */
export function xsTxnStartAs(d: XsDraft, pol: XsPolicy, c: XsConn, owner: string): 'ok' | XsError {
  if (!c.privileged && pol.checkQuota !== false && xsTxnsOf(d as unknown as Xenstore, pol, c.dom) > pol.quota.transactions) return 'ENOSPC';
  xsTxnStart(d, owner);
  return 'ok';
}

/**
 * XS_WRITE (or XS_RM, `value` null) inside the owner's transaction from
 * connection `c`: EACCES without write access, ENOSPC when an unprivileged
 * domain would own more than `quota.entries` nodes counting the ones the
 * transaction creates (C xenstored accounts a transaction's nodes as it
 * writes them) or when the node would be larger than `quota.entrySize`; otherwise buffered ({@link xsTxnWrite}, {@link xsTxnRm}).
 */
export function xsTxnWriteAs(d: XsDraft, pol: XsPolicy, c: XsConn, owner: string, path: string, value: string | null): 'ok' | XsError {
  const t = d.txns[owner];
  if (!t) throw new Error(`xenstore: ${owner} writes ${path} outside a transaction`);
  const exists = xsRead(d as unknown as Xenstore, path) !== undefined;
  if (!xsMayWrite(d as unknown as Xenstore, pol, c, path)) return 'EACCES';
  if (value === null) { xsTxnRm(d, owner, path); return 'ok'; }
  const created = Object.entries(t.writes).filter(([k, v]) => v !== null && v !== undefined && xsRead(d as unknown as Xenstore, k) === undefined).length;
  if (!exists && t.writes[path] === undefined && !c.privileged && pol.checkQuota !== false &&
    xsEntriesOf(d as unknown as Xenstore, pol.perms, c.dom) + created >= pol.quota.entries) return 'ENOSPC';
  // a transaction's nodes are written (write_node_raw) as the transaction writes them: the size check applies then
  if (tooLarge(d as unknown as Xenstore, pol, c, path, value)) return 'ENOSPC';
  xsTxnWrite(d, owner, path, value);
  return 'ok';
}

/** Whether xenstored would let connection `c` write `path` now (its perms, or its nearest existing ancestor's). */
export const xsMayWrite = (xs: Xenstore, pol: XsPolicy, c: XsConn, path: string): boolean =>
  pol.checkPerms === false || mayWrite(xsAccess(pol.perms, c, decidingNode(xs, pol.perms, path), xs));
