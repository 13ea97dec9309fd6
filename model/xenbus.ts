/**
 * `xenbus`: the xenbus handshake of a vif between Linux netfront (the guest's
 * frontend) and Linux netback (the driver domain's backend), the xenstore
 * between them ({@link ./xenstore.ts}) and the toolstack around them (libxl and
 * the vif hotplug script). See docs/models/xenbus.md for the user guide.
 *
 * The state keeps apart what Linux keeps apart: each side's `state` node in
 * xenstore (what the peer can read), the xenbus core's cached `dev->state` (what
 * `xenbus_switch_state` compares with) and netback's own `be->state` (the state
 * `set_backend_state` walks; it differs from the node while the hotplug-status
 * watch defers a write, after Reconfigured and after the toolstack wrote
 * Closing). Watches are data: a delivery reads the latest value, so a side can
 * miss intermediate states. The frontend writes its keys in a transaction that
 * can fail with EAGAIN and is retried. Ring pages and event channels are data:
 * granted / ended (deferred while mapped) by the frontend, mapped / bound by the
 * backend.
 *
 * Lifecycle events are switched on by parameters that bound how often each
 * happens: guest close (`xennet_remove`), reconnect of a new frontend instance,
 * toolstack unplug (with `LIBXL_DESTROY_TIMEOUT` forced removal), live
 * migration (suspend/resume against a fresh backend), backend (driver domain)
 * restart, a fatal error on either side, Reconfiguring/Reconfigured (XDP).
 *
 * @see xen/include/public/io/xenbus.h, xen/include/public/io/netif.h
 * @see Linux drivers/net/xen-netback/xenbus.c (set_backend_state, frontend_changed, connect, hotplug_status_changed, netback_remove)
 * @see Linux drivers/net/xen-netfront.c (netback_changed, talk_to_netback, xennet_connect, xennet_remove, netfront_resume, xennet_xdp_set)
 * @see Linux drivers/xen/xenbus/xenbus_client.c (xenbus_switch_state, xenbus_dev_fatal, xenbus_frontend_closed)
 * @see Linux 7.0 e2dcf9065536 "xen/xenbus: better handle backend crash" (`-p bus=7.0`: __xenbus_switch_state, xenbus_read_driver_state, xenbus_cleanup_devices, xenbus_dev_changed; docs/models/xenbus.md "Linux 7.0's xenbus core")
 * @see xen tools/libxl/libxl_device.c (device add / generic remove, LIBXL_DESTROY_TIMEOUT)
 * @see ../shared/docs/xen-protocols.md §2.5, §2.6, §3
 */
import { xenbusViews } from './views/xenbus.js';
import type { Draft } from 'immer';
import { defineModel, type Goal, type Invariant, type Model, type Observable, type Rule } from './core.js';
import { boolParam, defineParams, enumParam, intParam, type ParamsOfSpace } from './params.js';
import { array, bool, int, list, nullable, oneOf, optional, record, type Bounded, type Shape } from './shape.js';
import {
  type XsWatch, emptyXenstore, xsAnyTxn, xsDeliver, xsExists, xsFireSpurious, xsOpenTxns, xsPending, xsRead, xsReadState, xsRm, xsRmAs, xsTxnEnd, xsTxnStart,
  xsTxnStartAs, xsTxnWrite, xsTxnsOf, xsUnwatch, xsWatch, xsWatchAs, xsWatchesOf, xsWatching, xsWrite, xsWriteAs, type Xenstore, type XsConflicts, type XsConn,
  type XsDrop, type XsPermTable, type XsPolicy, xsMayRead, xsMayWrite, xsSetPermsAs, xsTxnWriteAs, XENSTORE_PAYLOAD_MAX, xsBlob, xsOwnedWithin,
} from './xenstore.js';

// --- XenbusState (xen/include/public/io/xenbus.h, verbatim values)

export const XenbusStateUnknown = 0;
export const XenbusStateInitialising = 1;
export const XenbusStateInitWait = 2;
export const XenbusStateInitialised = 3;
export const XenbusStateConnected = 4;
export const XenbusStateClosing = 5;
export const XenbusStateClosed = 6;
export const XenbusStateReconfiguring = 7;
export const XenbusStateReconfigured = 8;
export const xenbusStateName = ['Unknown', 'Initialising', 'InitWait', 'Initialised', 'Connected', 'Closing', 'Closed', 'Reconfiguring', 'Reconfigured'] as const;

/**
 * xenbus.h's name of a XenbusState, from the number a driver keeps (2) or the
 * string a `state` node holds ("2"): `XenbusStateInitWait`. Undefined for
 * anything else (a hostile guest's "x" or "9" in its node).
 */
export const xenbusStateLabel = (v: unknown): string | undefined => {
  const n = typeof v === 'string' && /^[0-8]$/.test(v) ? Number(v) : v;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 8 ? `XenbusState${xenbusStateName[n]}` : undefined;
};

// --- xenstore paths (relative to /local/domain/<domid> of guest 1 and driver domain 0; netif.h example layout)

/** The frontend directory, `/local/domain/1/device/vif/0`. */
export const FE = 'device/vif/0';
/** The backend directory, `/local/domain/0/backend/vif/1/0`. */
export const BE = 'backend/vif/1/0';
/**
 * Nodes the guards and handlers read on most states, as constants: a path
 * built per call (`${BE}/online`) is a new string that every keyed load hashes
 * again.
 */
const FE_STATE = `${FE}/state`;
const BE_STATE = `${BE}/state`;
const BE_ONLINE = `${BE}/online`;
const BE_HOTPLUG_STATUS = `${BE}/hotplug-status`;

/** Watch tokens: the xenbus core's otherend watches and netback's hotplug-status watch. */
export const W_FE_OTHEREND = 'netfront:otherend';
export const W_BE_OTHEREND = 'netback:otherend';
export const W_BE_HOTPLUG = 'netback:hotplug-status';
/**
 * The bus watches (xenbus_probe_frontend.c `fe_watch` on "device",
 * xenbus_probe_backend.c `be_watch` on "backend"): their handler
 * `xenbus_dev_changed` probes a new device on a write below the path and
 * cleans up the devices under a removed directory. Each is split in two by
 * the event's path (`fires`): writes (probe) and removals of the device
 * directory (cleanup); a removed key is a no-op for the handler and is not
 * queued. Events whose handler can only be a no-op are not queued: the write
 * half is registered while the domain has no device for the vif, the removal
 * half while it has one; each drops an event while one of it is pending.
 * docs/models/xenbus.md "Bus watches" says why this leaves out nothing.
 */
export const W_FE_BUS = 'xenbus_frontend:device';
export const W_FE_BUS_RM = 'xenbus_frontend:device(rm)';
export const W_BE_BUS = 'xenbus_backend:backend';
export const W_BE_BUS_RM = 'xenbus_backend:backend(rm)';
/** Watch owners: the guest kernel's and the driver domain kernel's xenwatch threads. */
export const GUEST = 'guest';
export const DRIVER_DOMAIN = 'backend-domain';
/** Transaction owner of netfront's talk_to_netback. */
export const TXN_FE = 'netfront';

// --- features (netif.h; xen-protocols.md §2.5)

export type Version = 'old' | 'new';
/** The frontend implementation: Linux netfront of a version, or a hostile guest. */
export type FrontendImpl = Version | 'hostile' | 'mirage' | 'dpdk';
/** The Linux xenbus core (drivers/xen/xenbus) both kernels run: 6.12's, or 7.0's with Juergen Gross's e2dcf9065536 (`vanished`). */
export type XenbusCore = '6.12' | '7.0';
/** The backend implementation: Linux netback of a version, or a hostile driver domain. */
export type BackendImpl = Version | 'hostile' | 'dpdk';
/** Whether the backend is Linux netback (its rules exist) rather than a hostile driver domain. */
export const linuxBackend = (p: { backend: BackendImpl }): boolean => p.backend === 'old' || p.backend === 'new';
/** The DPDK xenvirt pairing: the PMD in the guest and DPDK's switching backend in dom0 (both sides, or neither). */
export const dpdkPair = (p: { frontend: FrontendImpl; backend: BackendImpl }): boolean => p.frontend === 'dpdk' && p.backend === 'dpdk';
/** Both ends are Linux: the properties of both sides and the goal X8 apply. */
const bothLinux = (p: { frontend: FrontendImpl; backend: BackendImpl }): boolean => linuxFrontend(p) && linuxBackend(p);
/** Whether the frontend is Linux netfront (its rules exist) rather than a hostile guest. */
export const linuxFrontend = (p: { frontend: FrontendImpl }): boolean => p.frontend === 'old' || p.frontend === 'new';

/**
 * A negotiated feature: the backend advertises `backendKey`; a frontend that
 * knows the feature writes `frontendKey` = 1 in its transaction; each side uses
 * the feature when it knows it and the peer said so (the frontend: the backend
 * advertised it; the backend: the frontend requested it). Adding a feature key
 * to check = adding an entry here (see docs/models/xenbus.md).
 */
export interface FeatureKey {
  /** Short name, as it appears in `fe.features` / `be.features`. */
  readonly name: string;
  readonly backendKey: string;
  readonly frontendKey: string;
  /** Backend versions that advertise (and understand) it. */
  readonly backend: readonly Version[];
  /** Frontend versions that know it. */
  readonly frontend: readonly Version[];
  /** The frontend refuses to connect without it (netfront: "backend does not support copying receive path"). */
  readonly required?: boolean;
  /** When the backend writes `backendKey`: in netback_probe before InitWait (default), or `late`: once hotplug-status read "connected". */
  readonly advertise?: 'probe' | 'late';
  /** When the backend uses it: when the frontend `requested` it (default), or whenever it `advertised` it. */
  readonly backendUses?: 'requested' | 'advertised';
  /**
   * `value`: not a negotiated flag but a value the frontend writes outside its
   * key transaction and the backend reads (xdp-headroom: `talk_to_netback_xdp`,
   * `read_xenbus_frontend_xdp`). The frontend still "uses" it when advertised
   * (netback_has_xdp_headroom); X5 does not compare it.
   */
  readonly kind?: 'flag' | 'value';
}

const isFlag = (f: FeatureKey): boolean => f.kind !== 'value';
/** Whether the frontend (a Linux netfront of version p.frontend) knows the feature. */
const feKnows = (f: FeatureKey, p: { frontend: FrontendImpl }): boolean => (f.frontend as readonly string[]).includes(p.frontend);
const beKnows = (f: FeatureKey, p: { backend: BackendImpl }): boolean => (f.backend as readonly string[]).includes(p.backend);
/** XDP_PACKET_HEADROOM: the value talk_to_netback_xdp writes when a program is attached (0 otherwise). */
export const XDP_PACKET_HEADROOM = 256;

/** The feature keys of Linux netfront/netback the model negotiates (multi-queue and split event channels are handled apart, they change the key layout). */
export const NETIF_FEATURES: readonly FeatureKey[] = [
  { name: 'rx-copy', backendKey: 'feature-rx-copy', frontendKey: 'request-rx-copy', backend: ['old', 'new'], frontend: ['old', 'new'], required: true },
  { name: 'sg', backendKey: 'feature-sg', frontendKey: 'feature-sg', backend: ['old', 'new'], frontend: ['old', 'new'] },
  { name: 'gso-tcpv4', backendKey: 'feature-gso-tcpv4', frontendKey: 'feature-gso-tcpv4', backend: ['old', 'new'], frontend: ['old', 'new'] },
  { name: 'ipv6-csum-offload', backendKey: 'feature-ipv6-csum-offload', frontendKey: 'feature-ipv6-csum-offload', backend: ['new'], frontend: ['new'] },
  { name: 'xdp-headroom', backendKey: 'feature-xdp-headroom', frontendKey: 'xdp-headroom', backend: ['new'], frontend: ['new'], kind: 'value' },
];

// --- parameters

const count = (doc: string, def = 1, max = 3) => intParam({ default: def, min: 0, max, doc });

export const xenbusParams = defineParams({
  frontend: enumParam<FrontendImpl>({ values: ['old', 'new', 'hostile', 'mirage', 'dpdk'], default: 'new', doc: 'the frontend: Linux netfront old = single queue, one event channel, no XDP; new = multi-queue, split event channels, XDP (Reconfiguring); hostile = a guest that writes any XenbusState and any key set of HOSTILE_FRONTEND_WRITES into its own directory at any time (properties are then checked for the honest backend); mirage = MirageOS mirage-net-xen netfront (Netif.plug_frontend: keys in a transaction, then Connected at once, no close path, no suspend); dpdk = the DPDK xenvirt PMD (use with backend=dpdk)' }),
  hostileWrites: intParam({ default: 2, min: 0, max: 6, doc: 'writes a hostile peer makes in one run (each one choice of HOSTILE_FRONTEND_WRITES)' }),
  backend: enumParam<BackendImpl>({ values: ['old', 'new', 'hostile', 'dpdk'], default: 'new', doc: 'the backend: dpdk = DPDK\'s Xen switching backend (use with frontend=dpdk); Linux netback old = no multi-queue-max-queues, no feature-split-event-channels, no Reconfiguring; new = all of them; hostile = a driver domain that writes any XenbusState and key set of HOSTILE_BACKEND_WRITES and maps and unmaps any ref the guest grants, at any time (properties are then checked for the honest frontend)' }),
  frontendQueues: intParam({ default: 2, min: 1, max: 2, doc: 'queues a new netfront wants (xennet_max_queues)' }),
  backendMaxQueues: intParam({ default: 2, min: 1, max: 2, doc: 'multi-queue-max-queues a new netback advertises (xenvif_max_queues)' }),
  guestClose: count('guest-initiated closes (netfront driver unbind: xennet_remove)', 2),
  reconnect: count('new netfront instances after Closed (driver reload, kexec)', 2),
  unplug: count('toolstack unplugs (libxl device remove: online=0, backend state 5)', 1, 1),
  slowFrontend: boolParam({ default: false, doc: 'the frontend may stall inside its key transaction for longer than LIBXL_DESTROY_TIMEOUT (10 s); by default the timeout never fires while that transaction is open' }),
  forcedRemoval: boolParam({ default: true, doc: 'libxl removes the nodes after LIBXL_DESTROY_TIMEOUT when the backend never reaches Closed' }),
  migrate: count('suspend/resume or live migrations (frontend restarts at Initialising against a fresh backend)'),
  backendRestart: count('backend (driver domain) restarts: the driver domain dies, the toolstack re-creates the backend directory (finding F1: default 0)', 0),
  frontendFatal: count('xenbus_dev_fatal on the frontend'),
  backendFatal: count('xenbus_dev_fatal on the backend'),
  reconfigure: count('XDP attaches (xennet_xdp_set: Reconfiguring, xdp-headroom, wait for Reconfigured; findings F2, F3: default 0)', 0),
  spurious: count('spurious watch events ("Watches may be triggered spuriously")'),
  hotplugFail: count('vif hotplug script failures: the script exits with an error (hotplug-status=error) or hangs until libxl kills it after LIBXL_HOTPLUG_TIMEOUT (nothing written); libxl fails the device add and removes the device', 0),
  initTimeout: count('LIBXL_INIT_TIMEOUT expiries: the backend did not reach InitWait within 10 s of the device add (netback slow to probe, not loaded, a driver domain that is not netback); libxl fails the add without running the hotplug script and removes the device (libxl\'s reaction, not counted in events)', 1, 1),
  malformedPacket: count('malformed packets from the frontend: xenvif_fatal_tx_err disables the vif and queue 0\'s guest-rx kthread exits on its own (XSA-374)', 0),
  xmit: boolParam({ default: false, doc: 'the network stack transmits to the guest (xenvif_start_xmit on a queue) concurrently with the xenbus handlers (catalogue B-11)' }),
  events: intParam({ default: 4, min: 0, max: 12, doc: 'at most this many lifecycle events (of all the kinds above, spurious events included) in one run' }),
  backendWatchDrop: enumParam<XsDrop>({ values: ['pending', 'last', 'none'], default: 'pending', doc: "when the driver domain's kernel drops an event of netback's otherend watch: 'pending' (Linux frontend_will_handle: one is already queued), 'last' (right behind one), 'none' (queue every event)" }),
  quotaEntries: intParam({ default: 16, min: 1, max: 24, doc: "xenstored's nodes-per-domain quota (-E, quota-nb-entry-per-domain; 1000 in xenstored, scaled to the model's vif directory: Linux netfront's two-queue key set is 15 nodes)" }),
  quotaWatches: intParam({ default: 2, min: 0, max: 4, doc: "xenstored's watches-per-domain quota (-W, quota_nb_watch_per_domain; 128 in xenstored, scaled down: a Linux guest holds two)" }),
  quotaTransactions: intParam({ default: 1, min: 0, max: 3, doc: "xenstored's open-transactions-per-domain quota (-t, quota_max_transaction; 10 in xenstored, scaled down: Linux netfront opens one)" }),
  quotaEntrySize: intParam({ default: 2048, min: 64, max: 8192, doc: "xenstored's node-size quota in bytes (-S, -Q node-size=, quota-max-entry-size; 2048 in xenstored, kept: sizes are computed, not stored): an unprivileged domain's write of a larger node (node_hdr, perms, data) is refused with ENOSPC" }),
  txnConflicts: enumParam<XsConflicts>({ values: ['any', 'node'], default: 'any', doc: "when a transaction fails with EAGAIN: 'any' committed change meanwhile (old xenstored), or one to a 'node' it touched (xenstored >= 4.9)" }),
  bus: enumParam<XenbusCore>({ values: ['6.12', '7.0'], default: '6.12', doc: "the Linux xenbus core of both kernels: 6.12, or 7.0 (e2dcf9065536 'better handle backend crash'): a device whose directory the toolstack removed, or whose node it reset to Initialising, is `vanished` (xenbus_read_driver_state reads Unknown for it, xenbus_switch_state writes nothing), a switch that finds the node reset to Initialising writes nothing, and the guest's bus re-probes a device whose node reads Initialising again (docs/models/xenbus.md \"Linux 7.0's xenbus core\")" }),
});
export type XenbusParams = ParamsOfSpace<typeof xenbusParams>;
type P = XenbusParams;

// --- state

/** Per-queue resources (queue i of at most 2). */
export interface QueueRes {
  /** Frontend: grant ref of the queue's ring pages it grants now (null: none). `tx-ring-ref` = 2g, `rx-ring-ref` = 2g+1. */
  readonly gref: number | null;
  /** Frontend: a ref it ended while still mapped: the page is held by gnttab's deferred-free list until unmapped. */
  readonly deferred: number | null;
  /** Frontend: event channel allocated (EVTCHNOP_alloc_unbound) for the backend. */
  readonly evt: boolean;
  /** Backend: the ring ref it mapped (GNTTABOP_map_grant_ref), null when none. */
  readonly map: number | null;
  /** Backend: event channel bound (EVTCHNOP_bind_interdomain). */
  readonly bound: boolean;
  /** Frontend: the queue's NAPI instance is registered with the net_device (netif_napi_add; netif_napi_del in xennet_destroy_queues). */
  readonly napi: boolean;
  /** Backend: the queue's guest-rx kthread: `run`, `exited` (on its own, after xenvif_fatal_tx_err; its task_struct still referenced) or `freed` (exited with no reference left). */
  readonly task: 'none' | 'run' | 'exited' | 'freed';
  /** Backend: netback holds a reference on the kthread's task_struct (get_task_struct at connect, the XSA-374 fix). */
  readonly taskRef: boolean;
  /** Backend: xenvif_start_xmit is running on this queue (`yes`), or still running on it after the queue was freed (`stale`). */
  readonly xmit: 'no' | 'yes' | 'stale';
  /** Backend: a freed object of this queue was used (kthread_stop on a freed task, a transmit on a freed queue). */
  readonly uaf: boolean;
}

/** Netfront's XDP state; see {@link FrontendState.xdp}. */
export type XdpPhase = 'off' | 'reconf' | 'wait' | 'on';

/** Netfront's removal path (xennet_remove -> xennet_bus_close). */
export type FeRemove = 'none' | 'closing' | 'closed';

export interface FrontendState {
  /** The xenbus_device exists on the guest's bus (xenbus_probe_node registered it; the cleanup of a removed directory unregisters it). A driver unbind keeps it. */
  readonly bus: boolean;
  /**
   * netfront_probe is inside xennet_create_dev's loop `xenbus_switch_state(Initialising);
   * wait_event_timeout(module_wq, backend not Closed and not Unknown, XENNET_TIMEOUT)`, on the
   * guest's xenwatch thread (a probe from the bus watch: every later xenwatch event of the guest
   * waits) or in the context that bound the driver (`modprobe`: a driver reload).
   */
  readonly probe: 'none' | 'xenwatch' | 'modprobe';
  /** A netfront driver instance is bound to the device. */
  readonly inst: boolean;
  /** The xenbus core's `dev->state`. */
  readonly dev: number;
  /** xennet_connect is between xenbus_transaction_start and xenbus_transaction_end (on the xenwatch thread). */
  readonly txn: boolean;
  /** xennet_remove waiting in xennet_bus_close. */
  readonly remove: FeRemove;
  /** The net_device is registered (register_netdev). */
  readonly netdev: boolean;
  /** Userspace opened the interface (xennet_open). */
  readonly open: boolean;
  /** Queue objects allocated (xennet_create_queues). */
  readonly queues: number;
  /** Negotiated: queues in use, split event channels, features in use. */
  readonly nq: number;
  readonly split: boolean;
  readonly features: readonly string[];
  /**
   * XDP (netfront_xdp_enabled and xennet_xdp_set, which holds rtnl throughout):
   * `off`; `reconf`: switched Reconfiguring, xdp-headroom not yet written;
   * `wait`: wrote xdp-headroom=256 and sleeps in `wait_event(module_wq, backend
   * == Reconfigured)` (no timeout); `on`: enabled (netfront_xdp_enabled).
   */
  readonly xdp: XdpPhase;
  /** module_wq was woken (netback_changed's wake_up_all) since the xdp waiter last slept. */
  readonly wake: boolean;
  /** The guest's xenwatch thread: `run`, or blocked on rtnl inside netback_changed: in `notify_peers` (Connected) or `talk_to_netback` (InitWait). */
  readonly xw: 'run' | 'notify_peers' | 'talk_to_netback';
  /** xennet_open ran with no queues (NULL dereference, f599c64fdf7d). */
  readonly oops: boolean;
  /** DPDK xenvirt PMD: how far the device setup went (`none`, rx and tx vrings published, MAC, vring_flag, `started`). */
  readonly dpdk: 'none' | 'rx' | 'tx' | 'mac' | 'flag' | 'started';
  /** DPDK: packets moved through the vrings since they were set up (their indices are no longer a fresh ring's). */
  readonly ringUsed: boolean;
  /**
   * `-p bus=7.0` only (absent otherwise): the xenbus_device's `vanished` (Linux 7.0, e2dcf9065536),
   * set by the bus watch's handler before a `device_unregister` that waits (for the device lock a
   * probe holds, or for rtnl): xenbus_cleanup_devices (the directory removed) or
   * xenbus_dev_changed (the node reset to Initialising). Reads of the backend state through the
   * device then return Unknown and xenbus_switch_state writes nothing.
   */
  readonly vanished?: true;
}

export interface BackendState {
  readonly inst: boolean;
  /** netback's `be->state`. */
  readonly state: number;
  /** The xenbus core's `dev->state`. */
  readonly dev: number;
  /** hotplug_status_changed read "connected" in this instance. */
  readonly hotplugSeen: boolean;
  /** connect() found every key it needs (multi-queue-num-queues, ring refs, event channels). */
  readonly keysRead: boolean;
  readonly nq: number;
  readonly split: boolean;
  readonly features: readonly string[];
  /** set_backend_state hit a combination its table does not have (BUG()). */
  readonly bug: boolean;
  /** vif->xdp_headroom as read_xenbus_frontend_xdp last read it (0 when missing). */
  readonly headroom: number;
  /** DPDK switching backend: it mapped the vrings while they were fresh (its ring indices agree with the guest's). */
  readonly ringSync: boolean;
}

/** Toolstack: 'none' before device add, 'plugged', 'unplugging' (waiting for backend Closed), 'removed'. */
export type TsPhase = 'none' | 'plugged' | 'unplugging' | 'removed';

export interface ToolstackState {
  readonly phase: TsPhase;
  /** KOBJ_ONLINE was emitted: the vif hotplug script will run and write hotplug-status. */
  readonly uevent: boolean;
  /** The driver domain is down (between the two steps of a backend restart). */
  readonly beDown: boolean;
  /** Ghost: a node of the backend directory was changed by the guest, or one of the frontend directory by the driver domain (X16: xenstored's permissions as libxl sets them forbid it). */
  readonly breach: boolean;
}

/** Remaining budget of each lifecycle event. */
export interface Budget {
  readonly guestClose: number;
  readonly reconnect: number;
  readonly unplug: number;
  readonly migrate: number;
  readonly backendRestart: number;
  readonly frontendFatal: number;
  readonly backendFatal: number;
  readonly reconfigure: number;
  readonly spurious: number;
  readonly malformedPacket: number;
  readonly hotplugFail: number;
  readonly initTimeout: number;
  /** Writes a hostile peer may still make (not counted in `events`). */
  readonly hostile: number;
  /** Lifecycle events left in this run (all kinds). */
  readonly events: number;
}

export interface XenbusModelState {
  readonly xs: Xenstore;
  readonly fe: FrontendState;
  readonly be: BackendState;
  readonly ts: ToolstackState;
  readonly q: readonly QueueRes[];
  readonly left: Budget;
}
type S = XenbusModelState;
type D = Draft<S>;
type R = Rule<S, P>;

const MAXQ = 2;

type EventKind = Exclude<keyof Budget, 'events' | 'hostile'>;
/** Whether a lifecycle event of this kind may still happen in this run. */
export const can = (s: S, k: EventKind): boolean => s.left[k] > 0 && s.left.events > 0;
/** Counts one lifecycle event of this kind. */
export function spend(d: D, s: S, k: EventKind): void {
  d.left[k] = s.left[k] - 1;
  d.left.events = s.left.events - 1;
}
const noQueue = (): QueueRes => ({ gref: null, deferred: null, evt: false, map: null, bound: false, napi: false, task: 'none', taskRef: false, xmit: 'no', uaf: false });
const freshFe = (): FrontendState => ({
  bus: false, probe: 'none', inst: false, dev: XenbusStateUnknown, txn: false, remove: 'none', netdev: false, open: false, queues: 0,
  nq: 0, split: false, features: [], xdp: 'off', wake: false, xw: 'run', oops: false, dpdk: 'none', ringUsed: false,
});
const freshBe = (): BackendState => ({
  inst: false, state: XenbusStateUnknown, dev: XenbusStateUnknown, hotplugSeen: false, keysRead: false,
  nq: 0, split: false, features: [], bug: false, headroom: 0, ringSync: false,
});

/** The bus watch halves: which domain, path and changes each stands for. */
const BUS: Readonly<Record<string, { owner: string; path: string; fires: 'write' | 'rm' }>> = {
  [W_FE_BUS]: { owner: GUEST, path: 'device', fires: 'write' },
  [W_FE_BUS_RM]: { owner: GUEST, path: FE, fires: 'rm' },
  [W_BE_BUS]: { owner: DRIVER_DOMAIN, path: 'backend', fires: 'write' },
  [W_BE_BUS_RM]: { owner: DRIVER_DOMAIN, path: BE, fires: 'rm' },
};
const busWatch = (token: string): XsWatch => ({ token, ...BUS[token]!, drop: 'pending' });

/** The bus watches each Linux kernel registers at boot (xenbus_probe_frontend_init, xenbus_probe_backend_init), before any device exists: the write halves. */
export const busWatches = (p: { frontend: FrontendImpl; backend: BackendImpl }): XsWatch[] => [
  ...(linuxFrontend(p) ? [busWatch(W_FE_BUS)] : []),
  ...(linuxBackend(p) ? [busWatch(W_BE_BUS)] : []),
];

/**
 * The domain's xenbus device for the vif now exists (`true`) or not: the
 * bus watch half whose events can do something is registered, the other
 * dropped with its pending event (which could only be a no-op). `initial`:
 * the new half queues one event now (a rebooted kernel's enumeration of
 * existing devices, or xs_resume registering the watches again).
 * `reprobe` (the guest's bus at `-p bus=7.0`): the write half stays
 * registered while the device exists, since Linux 7.0's xenbus_dev_changed
 * re-probes a device whose node reads Initialising again.
 */
export function busDevice(d: D, owner: string, exists: boolean, initial = false, reprobe = false): void {
  const guest = owner === GUEST;
  const on = guest ? W_FE_BUS_RM : W_BE_BUS_RM;
  const off = guest ? W_FE_BUS : W_BE_BUS;
  const reg = exists ? on : off;
  if (!exists || !reprobe) xsUnwatch(d.xs, exists ? off : on);
  else if (!xsWatching(d.xs, off)) xsWatch(d.xs, owner, off, BUS[off]!.path, 'pending', { fires: BUS[off]!.fires, initial: false });
  const w = BUS[reg]!;
  if (!xsWatching(d.xs, reg) || initial) xsWatch(d.xs, owner, reg, w.path, 'pending', { fires: w.fires, initial });
}

export const xenbusInit = (p: P): S => ({
  xs: { ...emptyXenstore(), watches: busWatches(p) },
  fe: freshFe(),
  // DPDK's switching backend is an application the administrator starts in dom0: it runs from the start
  be: dpdkPair(p) ? { ...freshBe(), inst: true } : freshBe(),
  ts: { phase: 'none', uevent: false, beDown: false, breach: false },
  // A hostile guest grants its ring pages and allocates its event channels up front (refs 2/3 and 6/7, ports 10-13).
  q: Array.from({ length: MAXQ }, (_, i) => (p.frontend === 'hostile' ? { ...noQueue(), gref: 1 + 2 * i, evt: true } : noQueue())),
  left: {
    guestClose: p.guestClose, reconnect: p.reconnect, unplug: p.unplug, migrate: p.migrate,
    backendRestart: p.backendRestart, frontendFatal: p.frontendFatal, backendFatal: p.backendFatal,
    reconfigure: p.reconfigure, spurious: p.spurious, malformedPacket: p.malformedPacket, hotplugFail: p.hotplugFail, initTimeout: p.initTimeout, hostile: p.frontend === 'hostile' || p.backend === 'hostile' ? p.hostileWrites : 0, events: p.events,
  },
});

// --- helpers: key layout

/** The directory holding queue i's keys: toplevel for one queue, `queue-N/` otherwise (netif.h multi-queue rule). */
export const queueDir = (nq: number, i: number): string => (nq === 1 ? FE : `${FE}/queue-${i}`);
export const txRef = (g: number): string => String(2 * g);
export const rxRef = (g: number): string => String(2 * g + 1);
export const txPort = (i: number): string => String(10 + 2 * i);
export const rxPort = (i: number): string => String(11 + 2 * i);

/** The node's state (0 when missing), for guards. */
export const feNode = (s: S): number => xsReadState(s.xs, FE);
/**
 * The frontend's state as netback reads it (`xenbus_read_driver_state`): a
 * node the driver domain may not read (the guest took its access away with
 * XS_SET_PERMS) answers EACCES, read as XenbusStateUnknown.
 */
export const feNodeAsBackend = (s: S, p: P): number =>
  s.xs.perms === undefined || xsMayRead(s.xs, xenbusPolicy(p), { dom: DRIVER_DOMAIN }, FE_STATE) ? feNode(s) : XenbusStateUnknown;
export const beNode = (s: S): number => xsReadState(s.xs, BE);
/**
 * The backend's state as netfront reads it (`xenbus_read_driver_state(dev,
 * dev->otherend)`): Unknown for a vanished device (Linux 7.0; the field is
 * only ever set at `-p bus=7.0`), else the node.
 */
export const beNodeAsFrontend = (s: S): number => (s.fe.vanished ? XenbusStateUnknown : xsReadState(s.xs, BE));
/**
 * A node of the frontend directory as netback reads it (`xenbus_read`,
 * `xenbus_gather`, `xenbus_read_unsigned`): as missing when the driver domain
 * may not read it (EACCES: perms the guest set with XS_SET_PERMS, or that a
 * node created after them inherited from its directory).
 */
export const feReadAsBackend = (xs: Xenstore, path: string): string | undefined =>
  xs.perms === undefined || xsMayRead(xs, { perms: XENBUS_PERMS, quota: { entries: 0, watches: 0, transactions: 0 }, domainOf: xenbusDomainOf }, { dom: DRIVER_DOMAIN }, path)
    ? xsRead(xs, path) : undefined;

/**
 * Linux 7.0's reset check in `__xenbus_switch_state` (e2dcf9065536; `-p
 * bus=7.0`, never at 6.12): the transaction reads the node reset to
 * Initialising by the toolstack where `dev->state` is not (`current_state !=
 * dev->state && current_state == XenbusStateInitialising`: `vanished = true;
 * goto abort`), and the switch writes nothing and keeps `dev->state`. One
 * predicate for every model of the xenbus core's switch, whatever its
 * encoding of the states: `initialising` is XenbusStateInitialising in it
 * (xenbus.h's number here, the name in model/blkif.ts), and the node is read
 * only when the test needs it (`node`: this model reads its store lazily).
 */
export function switchAbortsOnReset<T>(bus: string | undefined, dev: T, node: () => T, initialising: T): boolean {
  return bus === '7.0' && dev !== initialising && node() === initialising;
}

/**
 * xenbus_switch_state (xenbus_client.c): a no-op when `dev->state` already is
 * `state`; otherwise writes the `state` node in a transaction that first checks
 * the node still exists (a removed device is not re-created) and sets dev->state.
 * Linux 7.0 (`-p bus=7.0`, e2dcf9065536, `__xenbus_switch_state`): also a no-op
 * for a vanished device (`state == dev->state || dev->vanished`), and when the
 * transaction reads the node reset to Initialising by the toolstack
 * (`current_state != dev->state && current_state == XenbusStateInitialising`:
 * abort, and `dev->state` is left as it was). `initialisingWrites`: the fix of
 * finding xenbus-V1 (examples/xenbus-v7-switch-initialising-fix.ts): that
 * abort leaves a switch to Initialising alone (`&& state != XenbusStateInitialising`).
 */
export function switchState(d: D, who: 'fe' | 'be', state: number, p: P, initialisingWrites = false): void {
  const side = who === 'fe' ? d.fe : d.be;
  if (side.dev === state) return;
  const path = who === 'fe' ? FE_STATE : BE_STATE;
  if (p.bus === '7.0' && (side as Draft<FrontendState>).vanished) return;
  if (!(initialisingWrites && state === XenbusStateInitialising) &&
    switchAbortsOnReset(p.bus, side.dev, () => xsReadState(d.xs as unknown as Xenstore, who === 'fe' ? FE : BE), XenbusStateInitialising)) return;
  side.dev = state;
  if (xsRead(d.xs, path) !== undefined) xsWrite(d.xs, path, String(state), p.txnConflicts);
}

// --- backend (Linux netback)

/** netback_probe: features (in one transaction), split and multi-queue keys, backend_switch_state(InitWait), KOBJ_ONLINE; the xenbus core then registers the otherend watch. */
export function netbackProbeEffect(d: D, p: P, features: readonly FeatureKey[] = NETIF_FEATURES): void {
  const m = p.txnConflicts;
  xsDeliver(d.xs, DRIVER_DOMAIN); // the be_watch event that probes
  busDevice(d, DRIVER_DOMAIN, true);
  d.be.inst = true;
  d.be.state = XenbusStateInitialising;
  d.be.dev = XenbusStateInitialising;
  d.be.hotplugSeen = false;
  d.be.keysRead = false;
  d.be.nq = 0;
  d.be.split = false;
  d.be.features = [];
  d.be.bug = false;
  for (const f of features) if (beKnows(f, p) && f.advertise !== 'late') xsWrite(d.xs, `${BE}/${f.backendKey}`, '1', m);
  if (p.backend === 'new') {
    xsWrite(d.xs, `${BE}/feature-split-event-channels`, '1', m);
    xsWrite(d.xs, `${BE}/multi-queue-max-queues`, String(p.backendMaxQueues), m);
  }
  backendSwitchState(d, XenbusStateInitWait, p);
  d.ts.uevent = true;
  xsWatch(d.xs, DRIVER_DOMAIN, W_BE_OTHEREND, FE + '/state', p.backendWatchDrop);
}

/** backend_switch_state: sets be->state; the xenstore write is deferred while the hotplug-status watch is registered. */
export function backendSwitchState(d: D, state: number, p: P): void {
  d.be.state = state;
  if (!xsWatching(d.xs, W_BE_HOTPLUG)) switchState(d, 'be', state, p);
}

/** xenbus_dev_fatal: writes the error node (not modelled) and switches to Closing directly (xenbus_switch_fatal, not deferred). */
export function devFatal(d: D, who: 'fe' | 'be', p: P): void {
  switchState(d, who, XenbusStateClosing, p);
}

/**
 * backend_disconnect -> xenvif_disconnect_data: `vif->num_queues = 0;
 * synchronize_net()` (a transmit still running finishes first), then per queue
 * `kthread_stop(task); put_task_struct(task)`, unmap the rings, unbind the event
 * channels, free the queues. Xen completes deferred grant ends on unmap.
 * `noSync` (a variant: catalogue B-11) frees with a transmit still running.
 */
export function backendDisconnect(d: D, o: { noSync?: boolean } = {}): void {
  for (const q of d.q) {
    if (q.map !== null && q.deferred === q.map) q.deferred = null;
    q.map = null;
    q.bound = false;
    if (q.xmit === 'yes') q.xmit = o.noSync ? 'stale' : 'no';
    if (q.task === 'freed') q.uaf = true; // kthread_stop on a task_struct already freed (XSA-374)
    q.task = 'none';
    q.taskRef = false;
  }
  d.be.nq = 0;
  d.be.split = false;
  d.be.features = [];
}

/** How netback's connect() reads a ring ref: `gather` fails on a missing key (Linux); `default0` reads a missing key as 0 (a bug). */
export type RefRead = 'gather' | 'default0';

/**
 * connect() (netback xenbus.c): multi-queue-num-queues (default 1; more than the
 * maximum is fatal), read_xenbus_vif_flags, per queue the ring refs and event
 * channels (split first, then single), map and bind; then the hotplug-status
 * watch (fires at once). On any failure: xenbus_dev_fatal and undo; the caller
 * (set_backend_state) switches be->state to Connected anyway.
 */
export function netbackConnect(d: D, s: S, p: P, features: readonly FeatureKey[] = NETIF_FEATURES, refRead: RefRead = 'gather', o: BackendOptions = {}): boolean {
  const xs = d.xs;
  let nq = 1;
  if (p.backend === 'new') {
    // xenbus_read_unsigned(..., "multi-queue-num-queues", 1): missing or unparsable reads as 1
    const v = feReadAsBackend(xs, `${FE}/multi-queue-num-queues`);
    nq = v === undefined || !/^\d+$/.test(v) ? 1 : Number(v);
    if (!(nq >= 1 && nq <= p.backendMaxQueues)) { devFatal(d, 'be', p); return false; }
  }
  d.be.features = features.filter((f) => isFlag(f) && beKnows(f, p) &&
    (f.backendUses === 'advertised' ? xsRead(xs, `${BE}/${f.backendKey}`) === '1' : feReadAsBackend(xs, `${FE}/${f.frontendKey}`) === '1')).map((f) => f.name);
  let keysRead = true;
  let split = false;
  const fail = (): void => { backendDisconnect(d, o); devFatal(d, 'be', p); };
  for (let i = 0; i < nq; i++) {
    const dir = p.backend === 'new' ? queueDir(nq, i) : FE;
    let tx = feReadAsBackend(xs, `${dir}/tx-ring-ref`);
    let rx = feReadAsBackend(xs, `${dir}/rx-ring-ref`);
    if (tx === undefined || rx === undefined) {
      if (refRead === 'gather') { fail(); return false; }
      keysRead = false;
      tx = tx ?? '0';
      rx = rx ?? '0';
    }
    const etx = p.backend === 'new' ? feReadAsBackend(xs, `${dir}/event-channel-tx`) : undefined;
    const erx = p.backend === 'new' ? feReadAsBackend(xs, `${dir}/event-channel-rx`) : undefined;
    const e1 = feReadAsBackend(xs, `${dir}/event-channel`);
    let portOk: boolean;
    if (etx !== undefined && erx !== undefined) { split = true; portOk = etx === txPort(i) && erx === rxPort(i); }
    else if (e1 !== undefined) portOk = e1 === txPort(i);
    else if (refRead === 'gather') { fail(); return false; }
    else { keysRead = false; portOk = false; }
    const g = Number(tx);
    const q = s.q[i]!;
    // GNTTABOP_map_grant_ref succeeds only on a ref the frontend grants now (a
    // 'default0' read maps ref 0: in a real guest a live grant, the console ring).
    const granted = q.gref !== null && tx === txRef(q.gref) && rx === rxRef(q.gref);
    if (refRead === 'gather' && (!granted || !portOk || !q.evt)) { fail(); return false; }
    d.q[i]!.map = refRead === 'gather' ? q.gref : g / 2;
    d.q[i]!.bound = portOk && q.evt;
    // xenvif_connect_data: kthread_run(xenvif_kthread_guest_rx) and get_task_struct
    d.q[i]!.task = 'run';
    d.q[i]!.taskRef = true;
  }
  // connect_ctrl_ring: no ctrl-ring-ref, no control ring; otherwise map it (only a ref the frontend
  // granted for it maps: neither Linux netfront nor the hostile guest grants one) and bind event-channel-ctrl.
  if (p.backend === 'new' && feReadAsBackend(xs, `${FE}/ctrl-ring-ref`) !== undefined && refRead === 'gather') { fail(); return false; }
  d.be.nq = nq;
  d.be.split = split;
  d.be.keysRead = keysRead;
  if (p.backend === 'new') readFrontendXdp(d);
  xsUnwatch(d.xs, W_BE_HOTPLUG);
  xsWatch(d.xs, DRIVER_DOMAIN, W_BE_HOTPLUG, BE_HOTPLUG_STATUS);
  return true;
}

/** read_xenbus_frontend_xdp (netback xenbus.c): vif->xdp_headroom = xdp-headroom, 0 when missing or unparsable, capped at XEN_NETIF_MAX_XDP_HEADROOM. */
export function readFrontendXdp(d: D): void {
  const v = feReadAsBackend(d.xs, `${FE}/xdp-headroom`);
  const n = v === undefined || !/^\d+$/.test(v) ? 0 : Number(v);
  d.be.headroom = Math.min(n, 0x7fff);
}

/** The options a variant can pass to the backend's handlers. */
export interface BackendOptions {
  readonly features?: readonly FeatureKey[];
  readonly refRead?: RefRead;
  /**
   * What set_backend_state does after connect() failed: `connected` (Linux:
   * backend_switch_state(Connected) regardless, finding F1) or `closing` (the
   * fix of examples/xenbus-restart-connect-failed-fix.ts: be->state Closing).
   */
  readonly onConnectFail?: 'connected' | 'closing';
  /** backend_disconnect frees the queues without synchronize_net (catalogue B-11). */
  readonly noSync?: boolean;
}

/** One step of set_backend_state's table (netback xenbus.c); returns false on BUG(), 'stop' when a variant leaves the loop. */
export function setBackendStateStep(d: D, target: number, p: P, o: BackendOptions = {}): boolean | 'stop' {
  const cur = d.be.state;
  const st = (n: number) => { backendSwitchState(d, n, p); return true; };
  switch (cur) {
    case XenbusStateInitialising:
      if (target === XenbusStateInitWait || target === XenbusStateConnected || target === XenbusStateClosing) return st(XenbusStateInitWait);
      if (target === XenbusStateClosed) return st(XenbusStateClosed);
      return false;
    case XenbusStateClosed:
      if (target === XenbusStateInitWait || target === XenbusStateConnected) return st(XenbusStateInitWait);
      if (target === XenbusStateClosing) return st(XenbusStateClosing);
      return false;
    case XenbusStateInitWait:
      if (target === XenbusStateConnected) {
        const ok = netbackConnect(d, d as unknown as S, p, o.features, o.refRead, o);
        if (!ok && o.onConnectFail === 'closing') { backendSwitchState(d, XenbusStateClosing, p); return 'stop'; }
        return st(XenbusStateConnected);
      }
      if (target === XenbusStateClosing || target === XenbusStateClosed) return st(XenbusStateClosing);
      return false;
    case XenbusStateConnected:
      if (target === XenbusStateInitWait || target === XenbusStateClosing || target === XenbusStateClosed) {
        backendDisconnect(d, o);
        return st(XenbusStateClosing);
      }
      return false;
    case XenbusStateClosing:
      if (target === XenbusStateInitWait || target === XenbusStateConnected || target === XenbusStateClosed) return st(XenbusStateClosed);
      return false;
    default:
      return false;
  }
}

/** set_backend_state: `while (be->state != state)` one table step; BUG() sets `be.bug` and stops. */
export function setBackendState(d: D, target: number, p: P, o: BackendOptions = {}): void {
  for (let guard = 0; d.be.state !== target; guard++) {
    const r = guard > 8 ? false : setBackendStateStep(d, target, p, o);
    if (r === 'stop') return;
    if (!r) { d.be.bug = true; return; }
  }
}

/** netback_remove (+ xenbus_dev_remove with allow_rebind): drop the hotplug watch, rm hotplug-status, KOBJ_OFFLINE, backend_disconnect; the core drops the otherend watch and writes Closed only when the node reads Closing. */
export function netbackRemove(d: D, p: P, o: BackendOptions = {}): void {
  xsUnwatch(d.xs, W_BE_HOTPLUG);
  xsRm(d.xs, BE_HOTPLUG_STATUS, p.txnConflicts);
  backendDisconnect(d, o);
  if (xsReadState(d.xs, BE) === XenbusStateClosing) switchState(d, 'be', XenbusStateClosed, p);
  xsUnwatch(d.xs, W_BE_OTHEREND);
  d.be = freshBe() as Draft<BackendState>;
  busDevice(d, DRIVER_DOMAIN, false);
}

/** frontend_changed (netback xenbus.c), on the frontend state the watch delivery read. */
export function frontendChanged(d: D, fs: number, p: P, o: BackendOptions = {}): void {
  switch (fs) {
    case XenbusStateInitialising: setBackendState(d, XenbusStateInitWait, p, o); return;
    case XenbusStateInitialised: return;
    case XenbusStateConnected: setBackendState(d, XenbusStateConnected, p, o); return;
    case XenbusStateReconfiguring:
      if (p.backend === 'new') { readFrontendXdp(d); switchState(d, 'be', XenbusStateReconfigured, p); return; }
      devFatal(d, 'be', p);
      return;
    case XenbusStateClosing: setBackendState(d, XenbusStateClosing, p, o); return;
    case XenbusStateClosed:
      setBackendState(d, XenbusStateClosed, p, o);
      if (d.be.bug) return;
      if (xsRead(d.xs, BE_ONLINE) === '1') return;
      netbackRemove(d, p, o);
      return;
    case XenbusStateUnknown:
      setBackendState(d, XenbusStateClosed, p, o);
      if (d.be.bug) return;
      netbackRemove(d, p, o);
      return;
    default:
      devFatal(d, 'be', p);
  }
}

const beAlive = (s: S): boolean => s.be.inst && !s.ts.beDown;

export const makeNetbackProbe = (features: readonly FeatureKey[]): R => ({ ...netback_probe, then: (d, s, p) => netbackProbeEffect(d, p, features) });
export const makeFrontendChanged = (o: BackendOptions): R => ({
  ...frontend_changed, then: (d, s, p) => { xsDeliver(d.xs, DRIVER_DOMAIN); frontendChanged(d, feNodeAsBackend(s, p), p, o); },
});
export const makeHotplugStatusChanged = (features: readonly FeatureKey[]): R => ({
  ...hotplug_status_changed,
  then: (d, s, p) => {
    hotplug_status_changed.then(d, s, p, undefined);
    if (!d.be.hotplugSeen) return;
    for (const f of features)
      if (f.advertise === 'late' && beKnows(f, p) && xsRead(d.xs, `${BE}/${f.backendKey}`) === undefined) {
        xsWrite(d.xs, `${BE}/${f.backendKey}`, '1', p.txnConflicts);
        // A backend that uses what it advertised turns the feature on now.
        if (f.backendUses === 'advertised' && d.be.nq > 0 && !d.be.features.includes(f.name)) d.be.features.push(f.name);
      }
  },
});

/** The driver domain's next xenwatch event is a bus write event that probes: no device yet, the node reads Initialising (xenbus_probe_node). */
const beProbes = (s: S): boolean => !s.ts.beDown && xsPending(s.xs, W_BE_BUS) && !s.be.inst && beNode(s) === XenbusStateInitialising;
/** The driver domain's next xenwatch event is the removal of the device directory, which is still gone: xenbus_cleanup_devices unregisters the device. */
const beRemoves = (s: S): boolean => !s.ts.beDown && xsPending(s.xs, W_BE_BUS_RM) && s.be.inst && !xsExists(s.xs, BE);

export const netback_probe: R = {
  applies: linuxBackend,
  name: 'netback_probe', actor: 'backend',
  doc: 'be_watch event (xenwatch, in order): xenbus_dev_changed finds no device and the node in Initialising: xenbus_probe_node, netback_probe: write features, multi-queue-max-queues, split; backend_switch_state(InitWait); KOBJ_ONLINE; watch the frontend state',
  see: 'xenbus_probe_backend.c backend_changed; xenbus_probe.c xenbus_dev_changed, xenbus_probe_node, watch_otherend; netback xenbus.c netback_probe, backend_create_xenvif',
  when: beProbes,
  then: (d, s, p) => netbackProbeEffect(d, p),
};

export const backend_bus_nothing: R = {
  applies: linuxBackend,
  name: 'xenbus_dev_changed(backend: nothing to do)', actor: 'backend',
  doc: 'be_watch event (xenwatch, in order) with nothing to do: the device exists already or the node is not Initialising (xenbus_probe_node ignores it), or the removed directory exists again / has no device',
  see: 'xenbus_probe.c xenbus_dev_changed, xenbus_probe_node ("Device is not new, so ignore it")',
  when: (s) => !s.ts.beDown && (xsPending(s.xs, W_BE_BUS) || xsPending(s.xs, W_BE_BUS_RM)) && !beProbes(s) && !beRemoves(s),
  then: (d) => xsDeliver(d.xs, DRIVER_DOMAIN),
};

export const frontend_changed: R = {
  applies: linuxBackend,
  name: 'frontend_changed', actor: 'backend',
  doc: 'otherend watch event: read the frontend state (latest value) and run frontend_changed / set_backend_state',
  see: 'netback xenbus.c frontend_changed, set_backend_state; xenbus_probe.c xenbus_otherend_changed',
  when: (s) => beAlive(s) && xsPending(s.xs, W_BE_OTHEREND),
  then: (d, s, p) => { xsDeliver(d.xs, DRIVER_DOMAIN); frontendChanged(d, feNodeAsBackend(s, p), p); },
};

export const hotplug_status_changed: R = {
  applies: linuxBackend,
  name: 'hotplug_status_changed', actor: 'backend',
  doc: 'hotplug-status watch event: on "connected" publish the deferred be->state and drop the watch',
  see: 'netback xenbus.c hotplug_status_changed',
  when: (s) => beAlive(s) && xsPending(s.xs, W_BE_HOTPLUG),
  then: (d, s, p) => {
    xsDeliver(d.xs, DRIVER_DOMAIN);
    if (xsRead(s.xs, BE_HOTPLUG_STATUS) !== 'connected') return;
    d.be.hotplugSeen = true;
    switchState(d, 'be', s.be.state, p);
    xsUnwatch(d.xs, W_BE_HOTPLUG);
  },
};

export const netback_remove: R = {
  applies: linuxBackend,
  name: 'netback_remove', actor: 'backend',
  doc: 'be_watch event for the removed backend directory (xenwatch, in order), still gone: xenbus_cleanup_devices unregisters the device: netback_remove',
  see: 'xenbus_probe.c xenbus_dev_changed, xenbus_cleanup_devices; netback xenbus.c netback_remove',
  when: beRemoves,
  then: (d, s, p) => { xsDeliver(d.xs, DRIVER_DOMAIN); netbackRemove(d, p); },
};

export const backend_fatal: R = {
  applies: linuxBackend,
  name: 'xenbus_dev_fatal(backend)', actor: 'backend',
  doc: 'a fatal error in netback: xenbus_dev_fatal switches the device to Closing (be->state unchanged)',
  see: 'xenbus_client.c xenbus_dev_fatal, xenbus_switch_fatal',
  when: (s) => beAlive(s) && can(s, 'backendFatal') && s.be.dev !== XenbusStateClosing && s.be.dev !== XenbusStateClosed,
  then: (d, s, p) => { spend(d, s, 'backendFatal'); devFatal(d, 'be', p); },
};

// --- frontend (Linux netfront)

/** The options a variant can pass to the frontend's handlers. */
export interface FrontendOptions {
  readonly features?: readonly FeatureKey[];
}

/**
 * talk_to_netback up to the transaction: read the backend's keys, create the
 * queues, grant the ring pages and allocate the event channels, start the
 * transaction and write the keys (buffered).
 */
export function talkToNetback(d: D, s: S, p: P, o: FrontendOptions = {}): boolean {
  const xs = s.xs;
  // xen_net_read_mac reads `mac` in the frontend directory: gone (the toolstack removed it), talk_to_netback fails
  if (!xsExists(xs, FE)) { talkToNetbackFailed(d, s, p); return false; }
  const features = o.features ?? NETIF_FEATURES;
  for (const f of features)
    if (f.required && feKnows(f, p) && xsRead(xs, `${BE}/${f.backendKey}`) !== '1') return false;
  const maxq = p.frontend === 'new' ? xsRead(xs, `${BE}/multi-queue-max-queues`) : undefined;
  // xenbus_read_unsigned(otherend, "multi-queue-max-queues", 1): missing or unparsable reads as 1
  const nq = maxq === undefined || !/^\d+$/.test(maxq) ? 1 : Math.max(1, Math.min(p.frontendQueues, Number(maxq)));
  const split = p.frontend === 'new' && xsRead(xs, `${BE}/feature-split-event-channels`) === '1';
  d.fe.nq = nq;
  d.fe.split = split;
  d.fe.features = features.filter((f) => feKnows(f, p) && xsRead(xs, `${BE}/${f.backendKey}`) === '1').map((f) => f.name);
  // netback_has_xdp_headroom: "set the current xen-netfront xdp state" with XBT_NIL, before the transaction.
  if (d.fe.features.includes('xdp-headroom')) xsWrite(d.xs, `${FE}/xdp-headroom`, s.fe.xdp === 'on' ? String(XDP_PACKET_HEADROOM) : '0', p.txnConflicts);
  d.fe.queues = nq;
  for (let i = 0; i < MAXQ; i++) {
    const q = d.q[i]!;
    // xennet_destroy_queues (the old ones), xennet_create_queues: netif_napi_add per queue
    q.napi = i < nq;
    if (i >= nq) continue;
    const a = 1 + 2 * i, b = 2 + 2 * i;
    q.gref = q.deferred === a ? b : a;
    q.evt = true;
  }
  writeFrontendKeys(d, p, features);
  d.fe.txn = true;
  return true;
}

/** xenbus_transaction_start and the writes of talk_to_netback (re-run after EAGAIN: `goto again`). */
export function writeFrontendKeys(d: D, p: P, features: readonly FeatureKey[] = NETIF_FEATURES): void {
  const nq = d.fe.nq;
  xsTxnStart(d.xs, TXN_FE);
  const w = (k: string, v: string) => xsTxnWrite(d.xs, TXN_FE, k, v);
  if (p.frontend === 'new' && xsRead(d.xs, `${BE}/multi-queue-max-queues`) !== undefined) w(`${FE}/multi-queue-num-queues`, String(nq));
  for (let i = 0; i < nq; i++) {
    const dir = queueDir(nq, i);
    const g = d.q[i]!.gref!;
    w(`${dir}/tx-ring-ref`, txRef(g));
    w(`${dir}/rx-ring-ref`, rxRef(g));
    if (d.fe.split) { w(`${dir}/event-channel-tx`, txPort(i)); w(`${dir}/event-channel-rx`, rxPort(i)); }
    else w(`${dir}/event-channel`, txPort(i));
  }
  for (const f of features) if (isFlag(f) && feKnows(f, p)) w(`${FE}/${f.frontendKey}`, '1');
}

/**
 * talk_to_netback's failure path (`abort_transaction_no_dev_fatal`,
 * `destroy_ring`, `out_unlocked`): abort the transaction, disconnect and
 * destroy the queues, then `device_unregister(&dev->dev)`: the xenbus core
 * frees the otherend watch and calls xennet_remove, whose xennet_bus_close
 * returns at once when the backend reads Closed or Unknown (the only case the
 * model reaches: the toolstack removed both directories); otherwise its waits
 * run as for a guest close. The device leaves the guest's bus.
 */
export function talkToNetbackFailed(d: D, s: S, p: P): void {
  if (d.xs.txns[TXN_FE]) xsTxnEnd(d.xs, TXN_FE, false);
  d.fe.txn = false;
  xennetDisconnectBackend(d);
  for (const q of d.q) q.napi = false;
  d.fe.queues = 0;
  xsUnwatch(d.xs, W_FE_OTHEREND);
  const bs = d.fe.vanished ? XenbusStateUnknown : xsReadState(d.xs as unknown as Xenstore, BE);
  if (bs !== XenbusStateClosed && bs !== XenbusStateUnknown) {
    switchState(d, 'fe', XenbusStateClosing, p);
    d.fe.remove = 'closing';
    return;
  }
  xennetTeardown(d, p);
  d.fe.bus = false;
  busDevice(d, GUEST, false);
}

/** The retried transaction's first write (`goto again`) is refused when the guest may no longer write its directory (EACCES once the toolstack removed it). */
const retryRefused = (s: D, p: P): boolean => !xsMayWrite(s.xs as unknown as Xenstore, xenbusPolicy(p), GUEST_CONN, `${FE}/tx-ring-ref`);

/** xennet_disconnect_backend: unbind the event channels and end the ring grants (gnttab_end_foreign_access defers the free while the backend maps the page). */
export function xennetDisconnectBackend(d: D): void {
  for (const q of d.q) {
    if (q.gref !== null && q.map === q.gref) q.deferred = q.gref;
    q.gref = null;
    q.evt = false;
  }
}

/** The end of xennet_remove after xennet_bus_close: disconnect, unregister_netdev, destroy queues, free; the core switches Closed and drops the watch. */
export function xennetTeardown(d: D, p: P): void {
  const vanished = d.fe.vanished;
  xennetDisconnectBackend(d);
  // unregister_netdev -> ndo_uninit (xennet_uninit) -> xennet_destroy_queues while real_num_tx_queues
  // still counts every queue (CVE-2022-48914 fix): every NAPI instance is deleted.
  for (const q of d.q) q.napi = false;
  switchState(d, 'fe', XenbusStateClosed, p);
  xsUnwatch(d.xs, W_FE_OTHEREND);
  if (d.xs.txns[TXN_FE]) xsTxnEnd(d.xs, TXN_FE, false);
  // the driver instance is gone; the xenbus_device stays on the bus until its directory is removed
  // (with its `vanished`, Linux 7.0)
  const bus = d.fe.bus;
  d.fe = (vanished ? { ...freshFe(), bus, vanished } : { ...freshFe(), bus }) as Draft<FrontendState>;
}

/** The frontend's reconnect path of xenbus_dev_resume + netfront_resume: detach, disconnect, dev->state = Initialising, watch the (new) backend. */
export function netfrontResume(d: D, p: P): void {
  if (!d.fe.inst) return;
  xennetDisconnectBackend(d);
  for (const q of d.q) q.napi = false; // netfront_resume: xennet_destroy_queues
  if (d.xs.txns[TXN_FE]) xsTxnEnd(d.xs, TXN_FE, false);
  d.fe.txn = false;
  d.fe.dev = XenbusStateInitialising;
  d.fe.nq = 0;
  d.fe.split = false;
  // np->netback_has_xdp_headroom is not reset: only the next talk_to_netback rewrites it.
  d.fe.features = d.fe.features.filter((f) => f === 'xdp-headroom');
  xsWatch(d.xs, GUEST, W_FE_OTHEREND, BE + '/state');
}

/** rtnl is held by xennet_xdp_set from its switch to Reconfiguring to the end of its wait. */
export const rtnlHeld = (s: S): boolean => s.fe.xdp === 'reconf' || s.fe.xdp === 'wait';

/**
 * netback_changed (netfront), on the backend state the watch delivery read.
 * It first wakes module_wq (xennet_xdp_set's waiter re-checks its condition).
 * Two cases take rtnl on the xenwatch thread: InitWait (talk_to_netback ->
 * xennet_create_queues) and Connected (netdev_notify_peers): while
 * xennet_xdp_set holds rtnl the handler blocks there, and with it every later
 * xenwatch event of the guest (`fe.xwBlocked`; {@link netdev_rtnl_acquired}
 * resumes it).
 */
export function netbackChanged(d: D, s: S, bs: number, p: P, o: FrontendOptions = {}): void {
  d.fe.wake = true;
  switch (bs) {
    case XenbusStateInitWait:
      if (s.fe.dev !== XenbusStateInitialising) return;
      if (rtnlHeld(s)) { d.fe.xw = 'talk_to_netback'; return; }
      talkToNetback(d, s, p, o);
      return;
    case XenbusStateConnected:
      if (rtnlHeld(s)) d.fe.xw = 'notify_peers'; // netdev_notify_peers: rtnl_lock()
      return;
    case XenbusStateClosed:
      if (s.fe.dev === XenbusStateClosed) return;
      switchState(d, 'fe', XenbusStateClosed, p); // fallthrough: missed the backend's Closing state
      return;
    case XenbusStateClosing:
      switchState(d, 'fe', XenbusStateClosed, p); // xenbus_frontend_closed
      return;
    default:
      return; // Initialising, Initialised, Reconfiguring, Reconfigured, Unknown
  }
}

const feIdle = (s: S): boolean => s.fe.inst && !s.fe.txn && s.fe.remove === 'none';

export const makeNetbackChanged = (o: FrontendOptions): R => ({
  ...netback_changed, then: (d, s, p) => { xsDeliver(d.xs, GUEST); netbackChanged(d, s, beNodeAsFrontend(s), p, o); },
});
export const makeTransactionEnd = (features: readonly FeatureKey[]): R => ({
  ...xenbus_transaction_end,
  then: (d, s, p) => {
    if (xsTxnEnd(d.xs, TXN_FE, true, p.txnConflicts) === 'EAGAIN') { if (retryRefused(d, p)) talkToNetbackFailed(d, s, p); else writeFrontendKeys(d, p, features); return; }
    d.fe.txn = false;
    d.fe.netdev = true;
    switchState(d, 'fe', XenbusStateConnected, p);
  },
});

/**
 * Everything a variant replaces to negotiate a different feature table: use as
 * `deriveModel(xenbus, { name, description, replace: withFeatures(table), invariants: [connectedAgree(table)] })`.
 */
export const withFeatures = (features: readonly FeatureKey[]): Record<string, R> => ({
  netback_probe: makeNetbackProbe(features),
  frontend_changed: makeFrontendChanged({ features }),
  hotplug_status_changed: makeHotplugStatusChanged(features),
  netback_changed: makeNetbackChanged({ features }),
  xenbus_transaction_end: makeTransactionEnd(features),
});

/** The guest's xenwatch thread is free to take its next event: not inside talk_to_netback's transaction, not blocked on rtnl, not waiting in a probe. */
const guestXenwatchFree = (s: S): boolean => !s.fe.txn && s.fe.xw === 'run' && s.fe.probe !== 'xenwatch';
/** The guest's next xenwatch event is a bus write event that probes: no device yet, the node reads Initialising. */
const feProbes = (s: S): boolean => guestXenwatchFree(s) && xsPending(s.xs, W_FE_BUS) && !s.fe.bus && feNode(s) === XenbusStateInitialising;
/** The guest's next xenwatch event is the removal of its device directory, still gone (unregister_netdev takes rtnl: it waits while xennet_xdp_set holds it). */
const feRemoves = (s: S): boolean => guestXenwatchFree(s) && xsPending(s.xs, W_FE_BUS_RM) && s.fe.bus && !xsExists(s.xs, FE) && !rtnlHeld(s) && s.fe.probe === 'none';
/** The backend state xennet_create_dev's wait accepts: neither Closed nor Unknown. */
const createDevMayReturn = (s: S): boolean => beNodeAsFrontend(s) !== XenbusStateClosed && beNodeAsFrontend(s) !== XenbusStateUnknown;

/**
 * netfront_probe -> xennet_create_dev: `xenbus_switch_state(Initialising)`, then
 * wait until the backend is neither Closed nor Unknown (`wait_event_timeout`
 * in a loop: only XENNET_TIMEOUT polling wakes it, netback_changed does not
 * run before probe returns). `ctx`: where the probe runs; `initialisingWrites`: see {@link switchState}.
 */
export function netfrontProbeStart(d: D, s: S, p: P, ctx: 'xenwatch' | 'modprobe', initialisingWrites = false): void {
  // a rebind keeps the device, and with it a `vanished` the bus set (Linux 7.0); a probe from the bus is a new device
  const vanished = ctx === 'modprobe' && s.fe.vanished === true;
  d.fe = { ...freshFe(), bus: true, ...(vanished ? { vanished } : {}) } as Draft<FrontendState>;
  busDevice(d, GUEST, true, false, p.bus === '7.0');
  // xenbus_probe_node sets dev->state = Initialising; a rebound driver's xennet_create_dev switches (writes) it.
  if (ctx === 'xenwatch') d.fe.dev = XenbusStateInitialising;
  else switchState(d, 'fe', XenbusStateInitialising, p, initialisingWrites);
  if (vanished ? false : beNode(s) !== XenbusStateClosed && beNode(s) !== XenbusStateUnknown) netfrontProbeDone(d);
  else d.fe.probe = ctx;
}

/** xennet_create_dev returned: the driver instance exists; xenbus_dev_probe then registers the otherend watch (watch_otherend). */
export function netfrontProbeDone(d: D): void {
  d.fe.probe = 'none';
  d.fe.inst = true;
  xsWatch(d.xs, GUEST, W_FE_OTHEREND, BE + '/state');
}

export const netfront_probe: R = {
  applies: linuxFrontend,
  name: 'netfront_probe', actor: 'frontend',
  doc: 'fe_watch event (guest xenwatch, in order): xenbus_dev_changed finds no device and the node in Initialising: xenbus_probe_node, netfront_probe: xennet_create_dev (waits while the backend is Closed or Unknown), then watch the backend state',
  see: 'xenbus_probe_frontend.c frontend_changed; xenbus_probe.c xenbus_dev_changed, xenbus_probe_node, xenbus_dev_probe; netfront netfront_probe, xennet_create_dev',
  when: feProbes,
  then: (d, s, p) => { xsDeliver(d.xs, GUEST); netfrontProbeStart(d, s, p, 'xenwatch'); },
};

export const netfront_rebind: R = {
  applies: linuxFrontend,
  name: 'netfront_probe(driver bind)', actor: 'frontend',
  doc: 'a new netfront instance binds to the existing device after the last one was removed (driver reload): xennet_create_dev switches Initialising and waits while the backend is Closed or Unknown',
  see: 'netfront netfront_probe, xennet_create_dev; drivers/base/dd.c (driver_attach)',
  when: (s) => s.fe.bus && !s.fe.inst && s.fe.probe === 'none' && xsExists(s.xs, FE) && can(s, 'reconnect'),
  then: (d, s, p) => { spend(d, s, 'reconnect'); netfrontProbeStart(d, s, p, 'modprobe'); },
};

export const xennet_create_dev_wait: R = {
  applies: linuxFrontend,
  name: 'xennet_create_dev(XENNET_TIMEOUT)', actor: 'frontend',
  doc: 'the wait in xennet_create_dev times out (XENNET_TIMEOUT) and finds the backend neither Closed nor Unknown: probe returns',
  see: 'netfront xennet_create_dev (do { xenbus_switch_state; wait_event_timeout } while (!err))',
  when: (s) => s.fe.probe !== 'none' && createDevMayReturn(s),
  then: (d) => netfrontProbeDone(d),
};

export const frontend_bus_nothing: R = {
  applies: linuxFrontend,
  name: 'xenbus_dev_changed(frontend: nothing to do)', actor: 'frontend',
  doc: 'fe_watch event (guest xenwatch, in order) with nothing to do: the device exists already or the node is not Initialising, or the removed directory exists again / has no device',
  see: 'xenbus_probe.c xenbus_dev_changed, xenbus_probe_node ("Device is not new, so ignore it")',
  when: (s, p) => guestXenwatchFree(s) && (xsPending(s.xs, W_FE_BUS) || xsPending(s.xs, W_FE_BUS_RM)) && !feProbes(s) &&
    !(xsPending(s.xs, W_FE_BUS_RM) && s.fe.bus && !xsExists(s.xs, FE)) && !feReprobes(s, p),
  then: (d) => xsDeliver(d.xs, GUEST),
};

export const netback_changed: R = {
  applies: linuxFrontend,
  name: 'netback_changed', actor: 'frontend',
  doc: 'otherend watch event: read the backend state (latest value) and run netback_changed',
  see: 'netfront netback_changed; xenbus_probe.c xenbus_otherend_changed',
  when: (s) => s.fe.inst && guestXenwatchFree(s) && xsPending(s.xs, W_FE_OTHEREND),
  then: (d, s, p) => { xsDeliver(d.xs, GUEST); netbackChanged(d, s, beNodeAsFrontend(s), p); },
};

export const xenbus_transaction_end: R = {
  applies: linuxFrontend,
  name: 'xenbus_transaction_end', actor: 'frontend',
  doc: 'commit talk_to_netback\'s transaction; on EAGAIN start again and rewrite the keys; on success register_netdev and switch Connected',
  see: 'netfront talk_to_netback (goto again), xennet_connect, netback_changed',
  when: (s) => s.fe.inst && s.fe.txn,
  then: (d, s, p) => {
    if (xsTxnEnd(d.xs, TXN_FE, true, p.txnConflicts) === 'EAGAIN') { if (retryRefused(d, p)) talkToNetbackFailed(d, s, p); else writeFrontendKeys(d, p); return; }
    d.fe.txn = false;
    d.fe.netdev = true;
    switchState(d, 'fe', XenbusStateConnected, p);
  },
};

export const xennet_open: R = {
  applies: linuxFrontend,
  name: 'xennet_open', actor: 'frontend',
  doc: 'userspace brings the interface up: xennet_open touches every queue (NULL dereference when none exists)',
  see: 'netfront xennet_open; Linux f599c64fdf7d',
  when: (s) => s.fe.inst && s.fe.netdev && !s.fe.open,
  then: (d, s) => { d.fe.open = true; if (s.fe.queues === 0) d.fe.oops = true; },
};

export const xennet_remove: R = {
  applies: linuxFrontend,
  name: 'xennet_remove', actor: 'frontend',
  doc: 'guest-initiated close (driver unbind): xennet_bus_close: return at once if the backend is Closed, else switch Closing and wait',
  see: 'netfront xennet_remove, xennet_bus_close',
  when: (s) => feIdle(s) && can(s, 'guestClose') && !rtnlHeld(s),
  then: (d, s, p) => {
    spend(d, s, 'guestClose');
    // xenbus_dev_remove: free_otherend_watch before drv->remove, so netback_changed
    // no longer runs: the waits of xennet_bus_close end only by XENNET_TIMEOUT polling.
    xsUnwatch(d.xs, W_FE_OTHEREND);
    if (beNodeAsFrontend(s) === XenbusStateClosed) { xennetTeardown(d, p); return; }
    switchState(d, 'fe', XenbusStateClosing, p);
    d.fe.remove = 'closing';
  },
};

/**
 * The conditions of xennet_bus_close's two waits (xen-netfront.c): the first
 * loop waits for the backend in Closing, Closed or Unknown, the second (after
 * switching Closed) for Closed or Unknown. The rules below take a wait as
 * answered (xennet_bus_close_closing, _closed) or as timed out
 * (xennet_bus_close_retry) on these.
 */
const closingAnswered = (s: S): boolean => {
  const be = beNodeAsFrontend(s);
  return be === XenbusStateClosing || be === XenbusStateClosed || be === XenbusStateUnknown;
};
const closedAnswered = (s: S): boolean => {
  const be = beNodeAsFrontend(s);
  return be === XenbusStateClosed || be === XenbusStateUnknown;
};

export const xennet_bus_close_closing: R = {
  applies: linuxFrontend,
  name: 'xennet_bus_close(Closing)', actor: 'frontend',
  doc: 'wait_event(backend in Closing, Closed or Unknown) answered: return if Closed, else switch Closed and wait',
  see: 'netfront xennet_bus_close',
  when: (s) => s.fe.inst && s.fe.remove === 'closing' && closingAnswered(s) &&
    (beNodeAsFrontend(s) !== XenbusStateClosed || !rtnlHeld(s)),
  then: (d, s, p) => {
    if (beNodeAsFrontend(s) === XenbusStateClosed) { xennetTeardown(d, p); return; }
    switchState(d, 'fe', XenbusStateClosed, p);
    d.fe.remove = 'closed';
  },
};

export const xennet_bus_close_closed: R = {
  applies: linuxFrontend,
  name: 'xennet_bus_close(Closed)', actor: 'frontend',
  doc: 'wait_event(backend in Closed or Unknown) answered: xennet_disconnect_backend, unregister_netdev, destroy queues',
  see: 'netfront xennet_bus_close, xennet_remove',
  when: (s) => s.fe.inst && s.fe.remove === 'closed' && closedAnswered(s) && !rtnlHeld(s),
  then: (d, s, p) => xennetTeardown(d, p),
};

/**
 * Each loop of xennet_bus_close (xen-netfront.c 6.12, 2635-2665) is
 * `do { xenbus_switch_state(dev, S); ret = wait_event_timeout(module_wq, ...,
 * XENNET_TIMEOUT); } while (!ret)`: after a timeout with the wait's condition
 * still false it switches S again, which writes the node only if `dev->state`
 * moved meanwhile (an XDP attach during the close switched Reconfiguring, then
 * Connected, over the Closing). Since 2026-12-06 (the valid-end audit; before,
 * such a close waited for ever with both ends Connected, and F2's trace ended
 * in a state Linux leaves).
 */
export const xennet_bus_close_retry: R = {
  // only xennet_xdp_set moves dev->state during a close in this model (netback_changed no longer runs, a fatal error needs an idle driver)
  applies: (p) => p.reconfigure > 0 && p.frontend === 'new' && p.backend !== 'old',
  name: 'xennet_bus_close(XENNET_TIMEOUT)', actor: 'frontend',
  doc: 'the wait timed out with the backend not Closing, Closed or Unknown (not Closed or Unknown in the second loop): the loop switches Closing (Closed) again, a write only where dev->state moved since (xennet_xdp_set\'s Reconfiguring, then Connected)',
  see: 'netfront xennet_bus_close (do { xenbus_switch_state; wait_event_timeout(XENNET_TIMEOUT) } while (!ret))',
  when: (s) => s.fe.inst && (s.fe.remove === 'closing'
    ? s.fe.dev !== XenbusStateClosing && !closingAnswered(s)
    : s.fe.remove === 'closed' && s.fe.dev !== XenbusStateClosed && !closedAnswered(s)),
  then: (d, s, p) => switchState(d, 'fe', s.fe.remove === 'closing' ? XenbusStateClosing : XenbusStateClosed, p),
};

export const netfront_node_removed: R = {
  applies: linuxFrontend,
  name: 'xenbus_dev_changed(frontend removed)', actor: 'frontend',
  doc: 'fe_watch event for the removed frontend directory (guest xenwatch, in order), still gone: xenbus_cleanup_devices unregisters the device; xennet_remove finds the backend Unknown',
  see: 'xenbus_probe.c xenbus_dev_changed, xenbus_cleanup_devices; netfront xennet_remove',
  when: feRemoves,
  then: (d, s, p) => {
    xsDeliver(d.xs, GUEST);
    if (s.fe.inst) xennetTeardown(d, p);
    d.fe.bus = false;
    if (d.fe.vanished) delete d.fe.vanished;
    busDevice(d, GUEST, false);
  },
};

// --- Linux 7.0's xenbus core on the guest's bus (`-p bus=7.0`; e2dcf9065536, docs/models/xenbus.md "Linux 7.0's xenbus core")

/**
 * device_unregister of the guest's device runs to its end now: the device lock
 * is free (no probe of a driver bind in xennet_create_dev's loop, no guest
 * close in xennet_bus_close) and so is rtnl (unregister_netdev, xennet_destroy_queues).
 */
const feUnregisterRuns = (s: S): boolean => s.fe.probe === 'none' && s.fe.remove === 'none' && !rtnlHeld(s);

/**
 * The guest's next xenwatch event is a write below its device's directory and
 * Linux 7.0's xenbus_dev_changed unregisters the device to probe it again: it
 * is vanished already, or `xenbus_read_driver_state(dev, dev->nodename)` reads
 * Initialising where `dev->state` is not (the toolstack reset the node; the
 * hunk's other test, a new `backend-id`, never holds: one driver domain).
 */
const feReprobes = (s: S, p: P): boolean =>
  p.bus === '7.0' && guestXenwatchFree(s) && xsPending(s.xs, W_FE_BUS) && s.fe.bus &&
  (s.fe.vanished === true || (xsExists(s.xs, FE) && s.fe.dev !== XenbusStateInitialising && feNode(s) === XenbusStateInitialising));

export const xenbus_dev_changed_reprobe: R = {
  applies: (p) => p.bus === '7.0' && linuxFrontend(p),
  name: 'xenbus_dev_changed(frontend: state reset)', actor: 'frontend',
  doc: 'Linux 7.0, fe_watch event (guest xenwatch, in order): the device is vanished, or its node reads Initialising and dev->state does not: set vanished, device_unregister (xennet_remove: xennet_bus_close reads Unknown and returns, every switch writes nothing), then xenbus_probe_node probes a new device if the node reads Initialising',
  see: 'Linux 7.0 xenbus_probe.c xenbus_dev_changed (e2dcf9065536: "state reset occurred, reconnecting"), xenbus_probe_node; netfront xennet_remove, xennet_bus_close',
  when: (s, p) => feReprobes(s, p) && feUnregisterRuns(s),
  then: (d, s, p) => {
    xsDeliver(d.xs, GUEST);
    d.fe.vanished = true;
    if (s.fe.inst) xennetTeardown(d, p);
    d.fe = freshFe() as Draft<FrontendState>;
    if (feNode(s) === XenbusStateInitialising) netfrontProbeStart(d, s, p, 'xenwatch');
    else busDevice(d, GUEST, false);
  },
};

export const xenbus_dev_changed_reprobe_waits: R = {
  applies: (p) => p.bus === '7.0' && linuxFrontend(p),
  name: 'xenbus_dev_changed(frontend: state reset, unregister waits)', actor: 'frontend',
  doc: 'Linux 7.0: the handler finds the node reset to Initialising and sets vanished; its device_unregister waits for the device lock (a driver bind\'s probe, a guest close) or rtnl (xennet_xdp_set): the guest\'s xenwatch thread waits with it',
  see: 'Linux 7.0 xenbus_probe.c xenbus_dev_changed (e2dcf9065536); drivers/base/core.c device_unregister (device_lock)',
  when: (s, p) => feReprobes(s, p) && s.fe.vanished !== true && !feUnregisterRuns(s),
  then: (d) => { d.fe.vanished = true; },
};

export const xenbus_cleanup_devices_waits: R = {
  applies: (p) => p.bus === '7.0' && linuxFrontend(p),
  name: 'xenbus_cleanup_devices(frontend: unregister waits)', actor: 'frontend',
  doc: 'Linux 7.0: the removal event of the guest\'s device directory, still gone: xenbus_cleanup_devices sets vanished ("device forcefully removed from xenstore"), then its device_unregister waits for the device lock a driver bind\'s probe holds, or for rtnl (xennet_xdp_set): the guest\'s xenwatch thread waits with it',
  see: 'Linux 7.0 xenbus_probe.c xenbus_cleanup_devices (e2dcf9065536); drivers/base/core.c device_unregister (device_lock)',
  when: (s, p) => p.bus === '7.0' && guestXenwatchFree(s) && xsPending(s.xs, W_FE_BUS_RM) && s.fe.bus && !xsExists(s.xs, FE) &&
    s.fe.vanished !== true && (rtnlHeld(s) || s.fe.probe !== 'none'),
  then: (d) => { d.fe.vanished = true; },
};

export const frontend_fatal: R = {
  applies: linuxFrontend,
  name: 'xenbus_dev_fatal(frontend)', actor: 'frontend',
  doc: 'a fatal error in netfront: xenbus_dev_fatal switches to Closing',
  see: 'xenbus_client.c xenbus_dev_fatal',
  when: (s) => feIdle(s) && can(s, 'frontendFatal') && s.fe.dev !== XenbusStateClosing && s.fe.dev !== XenbusStateClosed,
  then: (d, s, p) => { spend(d, s, 'frontendFatal'); devFatal(d, 'fe', p); },
};

export const xennet_xdp_set: R = {
  applies: (p) => p.reconfigure > 0 && p.frontend === 'new' && p.backend !== 'old',
  name: 'xennet_xdp_set', actor: 'frontend',
  doc: 'XDP program attach (ndo_bpf, rtnl held): checks only netback_has_xdp_headroom; xenbus_switch_state(Reconfiguring)',
  see: 'netfront xennet_xdp, xennet_xdp_set',
  when: (s) => s.fe.inst && s.fe.netdev && can(s, 'reconfigure') && !rtnlHeld(s) && s.fe.features.includes('xdp-headroom'),
  then: (d, s, p) => {
    spend(d, s, 'reconfigure');
    switchState(d, 'fe', XenbusStateReconfiguring, p);
    d.fe.xdp = 'reconf';
  },
};

export const talk_to_netback_xdp: R = {
  applies: (p) => p.reconfigure > 0 && p.frontend === 'new' && p.backend !== 'old',
  name: 'talk_to_netback_xdp', actor: 'frontend',
  doc: 'xenbus_printf(XBT_NIL, nodename, "xdp-headroom", 256) after the switch to Reconfiguring, then wait_event(module_wq, backend == Reconfigured) with no timeout; if xenstored refuses the write (EACCES once the toolstack removed the directory), xennet_xdp_set returns the error and releases rtnl',
  see: 'netfront talk_to_netback_xdp, xennet_xdp_set',
  when: (s) => s.fe.inst && s.fe.xdp === 'reconf',
  then: (d, s, p) => {
    // XBT_NIL, a plain write as the guest: once the toolstack removed the directory xenstored refuses it
    // (EACCES: the nearest existing ancestor, device/vif, is dom0's); xennet_xdp_set then returns the
    // error without waiting, and rtnl is released.
    if (xsWriteAs(d.xs, xenbusPolicy(p), GUEST_CONN, `${FE}/xdp-headroom`, String(XDP_PACKET_HEADROOM), p.txnConflicts) !== 'ok') { d.fe.xdp = 'off'; return; }
    d.fe.xdp = 'wait';
    d.fe.wake = true; // wait_event tests the condition once before sleeping
  },
};

export const xennet_xdp_set_done: R = {
  applies: (p) => p.reconfigure > 0 && p.frontend === 'new' && p.backend !== 'old',
  name: 'xennet_xdp_set(Reconfigured)', actor: 'frontend',
  doc: 'the waiter runs after a wake: on backend == Reconfigured enable XDP (netfront_xdp_enabled), release rtnl and switch Connected; otherwise sleep again',
  see: 'netfront xennet_xdp_set (wait_event), netback_changed (wake_up_all)',
  when: (s) => s.fe.inst && s.fe.xdp === 'wait' && s.fe.wake,
  then: (d, s, p) => {
    d.fe.wake = false;
    if (beNodeAsFrontend(s) !== XenbusStateReconfigured) return;
    d.fe.xdp = 'on';
    switchState(d, 'fe', XenbusStateConnected, p);
  },
};

export const netdev_rtnl_acquired: R = {
  applies: (p) => p.reconfigure > 0 && p.frontend === 'new' && p.backend !== 'old',
  name: 'rtnl_lock(xenwatch)', actor: 'frontend',
  doc: 'the guest xenwatch thread blocked on rtnl in netback_changed gets it once xennet_xdp_set released it: netdev_notify_peers, or talk_to_netback for InitWait',
  see: 'netfront netback_changed (netdev_notify_peers), talk_to_netback (rtnl_lock around xennet_create_queues)',
  when: (s) => s.fe.inst && s.fe.xw !== 'run' && !rtnlHeld(s),
  then: (d, s, p) => {
    d.fe.xw = 'run';
    if (s.fe.xw === 'talk_to_netback') talkToNetback(d, s, p);
  },
};

// --- netback's data path objects (catalogue X-10, B-11)

export const xenvif_fatal_tx_err: R = {
  name: 'xenvif_fatal_tx_err', actor: 'backend',
  doc: 'the frontend sent a malformed packet: netback disables the vif; queue 0\'s guest-rx kthread sees vif->disabled and exits on its own (its task_struct is freed unless netback holds a reference)',
  see: 'netback netback.c xenvif_fatal_tx_err, rx.c xenvif_kthread_guest_rx; XSA-374 (CVE-2021-28691); xen-protocols.md X-10',
  applies: (p) => p.malformedPacket > 0 && linuxBackend(p),
  when: (s) => beAlive(s) && can(s, 'malformedPacket') && s.q[0]!.task === 'run',
  then: (d, s) => {
    spend(d, s, 'malformedPacket');
    d.q[0]!.task = s.q[0]!.taskRef ? 'exited' : 'freed';
  },
};

export const xenvif_start_xmit: R = {
  name: 'xenvif_start_xmit', actor: 'backend',
  doc: 'the network stack hands netback a packet for the guest: xenvif_start_xmit reads vif->num_queues and works on a queue (under RCU), concurrently with the xenbus handlers',
  see: 'netback interface.c xenvif_start_xmit; xenbus.c backend_disconnect (synchronize_net); xen-protocols.md B-11',
  applies: (p) => p.xmit && linuxBackend(p),
  choices: (s) => (beAlive(s) && s.be.state === XenbusStateConnected && s.q.every((q) => q.xmit === 'no') ? Array.from({ length: s.be.nq }, (_, i) => i) : []),
  then: (d, s, p, i: number) => { d.q[i]!.xmit = 'yes'; },
};

export const xenvif_start_xmit_done: R = {
  name: 'xenvif_start_xmit(done)', actor: 'backend',
  doc: 'the transmit finishes its work on the queue (a use after free if the queue was freed meanwhile)',
  see: 'netback interface.c xenvif_start_xmit; xen-protocols.md B-11',
  applies: (p) => p.xmit && linuxBackend(p),
  choices: (s) => s.q.flatMap((q, i) => (q.xmit === 'no' ? [] : [i])),
  then: (d, s, p, i: number) => {
    if (s.q[i]!.xmit === 'stale') d.q[i]!.uaf = true;
    d.q[i]!.xmit = 'no';
  },
};

// --- MirageOS netfront (mirage-net-xen 2.1.8, 2026-08: lib/netif.ml plug_frontend, lib/xenstore.ml; lib/frontend.ml until 2.1.7)

/**
 * mirage-net-xen's `plug_inner`, first half: read the backend's features
 * (whatever is there: it does not wait for InitWait), allocate one tx and one
 * rx ring and one event channel, and write `tx-ring-ref`, `rx-ring-ref`,
 * `event-channel` and its fixed feature requests (`feature-sg`=1,
 * `feature-gso-tcpv4`=0, `request-rx-copy`=1, `feature-rx-flip`=0,
 * `feature-rx-notify`=1, `feature-smart-poll`=0) in one transaction
 * (`write_frontend_configuration`). Single queue, no split event channels,
 * no multi-queue keys. Runs once, from `Netif.connect` (netif.ml 648-665:
 * `read_backend`, which waits only for the frontend's `backend-id` and
 * `backend` keys, then `write_frontend_configuration`, `connect`,
 * `wait_until_backend_connected`); no resume hook since 2020.
 */
export const mirage_plug_inner: R = {
  name: 'Netif.plug_inner(write_frontend_configuration)', actor: 'frontend',
  doc: 'MirageOS netfront: allocate the rings and the event channel, write the ring refs, the event channel and the feature requests in one transaction',
  see: 'mirage-net-xen lib/netif.ml plug_frontend (1.x: lib/frontend.ml plug_inner), lib/xenstore.ml write_frontend_configuration',
  applies: (p) => p.frontend === 'mirage',
  when: (s) => !s.fe.inst && s.ts.phase === 'plugged' && feNode(s) === XenbusStateInitialising,
  then: (d, s, p) => {
    d.fe = { ...freshFe(), inst: true, nq: 1, queues: 1 } as Draft<FrontendState>;
    const q = d.q[0]!;
    q.gref = q.deferred === 1 || q.map === 1 ? 2 : 1;
    q.evt = true;
    q.napi = false;
    xsTxnStart(d.xs, TXN_FE);
    const w = (k: string, v: string) => xsTxnWrite(d.xs, TXN_FE, `${FE}/${k}`, v);
    w('tx-ring-ref', txRef(q.gref));
    w('rx-ring-ref', rxRef(q.gref));
    w('event-channel', txPort(0));
    for (const [k, v] of [['feature-sg', '1'], ['feature-gso-tcpv4', '0'], ['request-rx-copy', '1'], ['feature-rx-flip', '0'], ['feature-rx-notify', '1'], ['feature-smart-poll', '0']]) w(k!, v!);
    // Xs.transaction retries on EAGAIN inside the library: the commit is atomic here.
    if (xsTxnEnd(d.xs, TXN_FE, true, p.txnConflicts) === 'EAGAIN') throw new Error('unreachable: no other transaction is open');
  },
};

export const mirage_connect: R = {
  name: 'Netif.plug_inner(connect)', actor: 'frontend',
  doc: 'MirageOS netfront: write state=Connected (4) at once, from Initialising, with no InitWait and no Initialised',
  see: 'mirage-net-xen lib/xenstore.ml connect',
  applies: (p) => p.frontend === 'mirage',
  when: (s) => s.fe.inst && s.fe.dev === XenbusStateUnknown && xsExists(s.xs, FE),
  then: (d, s, p) => {
    d.fe.dev = XenbusStateConnected;
    xsWrite(d.xs, FE_STATE, String(XenbusStateConnected), p.txnConflicts);
  },
};

export const mirage_backend_connected: R = {
  name: 'Netif.plug_inner(wait_until_backend_connected)', actor: 'frontend',
  doc: 'MirageOS netfront: the Xs.wait on the backend state sees Connected; the device is usable (it keeps waiting on every other state, Closing and Closed included: "XXX: stop waiting?")',
  see: 'mirage-net-xen lib/xenstore.ml wait_until_backend_connected',
  applies: (p) => p.frontend === 'mirage',
  when: (s) => s.fe.inst && s.fe.dev === XenbusStateConnected && !s.fe.netdev && beNode(s) === XenbusStateConnected,
  then: (d) => { d.fe.netdev = true; },
};

// --- DPDK xenvirt: the PMD (guest) and the switching backend (dom0), ../shared/seeds/003 and
// DPDK drivers/net/xenvirt/rte_eth_xenvirt.c: no XenbusState, no events (both poll), no feature
// negotiation; the keys live in the guest's control/dpdk directory. q[0] holds the vrings (tx and rx
// ring grefs 2g and 2g+1), q[1] the vring_flag page (gntalloc with UNMAP_NOTIFY_CLEAR_BYTE).

/** The PMD's xenstore directory, `/local/domain/1/control/dpdk` (DPDK_XENSTORE_PATH). */
export const DPDK = 'control/dpdk';

const dpdkStep = (name: string, from: FrontendState['dpdk'], to: FrontendState['dpdk'], doc: string, see: string,
  effect: (d: D, s: S, p: P) => void): R => ({
  name, actor: 'frontend', doc, see,
  applies: dpdkPair,
  when: (s) => s.fe.dpdk === from && s.ts.phase === 'plugged',
  then: (d, s, p) => { effect(d, s, p); d.fe.dpdk = to; },
});

export const dpdk_rx_queue_setup = dpdkStep('eth_rx_queue_setup', 'none', 'rx',
  'the PMD allocates the rx vring with gntalloc and writes 0_rx_vring_gref (gntalloc_vring_create)',
  'DPDK rte_eth_xenvirt.c eth_rx_queue_setup, virtio_queue_setup, gntalloc_vring_create', (d, s, p) => {
    d.fe.inst = true;
    const q = d.q[0]!;
    q.gref = q.deferred === 1 ? 2 : 1;
    xsWrite(d.xs, `${DPDK}/0_rx_vring_gref`, rxRef(q.gref), p.txnConflicts);
  });
export const dpdk_tx_queue_setup = dpdkStep('eth_tx_queue_setup', 'rx', 'tx',
  'the PMD allocates the tx vring and writes 0_tx_vring_gref',
  'DPDK rte_eth_xenvirt.c eth_tx_queue_setup', (d, s, p) => { xsWrite(d.xs, `${DPDK}/0_tx_vring_gref`, txRef(s.q[0]!.gref!), p.txnConflicts); });
export const dpdk_dev_start_mac = dpdkStep('eth_dev_start(update_mac_address)', 'tx', 'mac',
  'eth_dev_start fills the rx vring and writes 0_ether_addr',
  'DPDK rte_eth_xenvirt.c eth_dev_start, update_mac_address', (d, s, p) => { xsWrite(d.xs, `${DPDK}/0_ether_addr`, '4e:0b:d0:4e:aa:f1', p.txnConflicts); });
export const dpdk_vring_flag = dpdkStep('gntalloc_vring_flag', 'mac', 'flag',
  'a gntalloc page whose byte is cleared on unmap (UNMAP_NOTIFY_CLEAR_BYTE), MAP_FLAG written in it; 0_vring_flag = its gref',
  'DPDK rte_eth_xenvirt.c gntalloc_vring_flag, rte_xen_lib.c grefwatch_from_alloc', (d, s, p) => {
    const q = d.q[1]!;
    q.gref = q.deferred === 3 ? 4 : 3;
    xsWrite(d.xs, `${DPDK}/0_vring_flag`, String(q.gref), p.txnConflicts);
  });
export const dpdk_start_notify = dpdkStep('dev_start_notify', 'flag', 'started',
  'event_type_start_0 = 1: "Host could start polling this device"',
  'DPDK rte_eth_xenvirt.c dev_start_notify', (d, s, p) => { xsWrite(d.xs, `${DPDK}/event_type_start_0`, '1', p.txnConflicts); });

export const dpdk_traffic: R = {
  name: 'eth_xenvirt_rx/tx(polling)', actor: 'frontend',
  doc: 'both ends poll the vrings: packets move and the ring indices advance (a fresh ring no more)',
  see: 'DPDK rte_eth_xenvirt.c eth_xenvirt_rx, eth_xenvirt_tx; seeds/003 §1.2.3-1.2.4',
  applies: dpdkPair,
  when: (s) => s.fe.dpdk === 'started' && !s.fe.ringUsed && s.q[0]!.map !== null && s.q[0]!.map === s.q[0]!.gref,
  then: (d) => { d.fe.ringUsed = true; },
};

export const dpdk_app_restart: R = {
  name: 'DPDK application restart(guest)', actor: 'frontend',
  doc: 'the guest application exits and starts again: gntalloc ends the grants of the vrings and of the flag page (deferred while the backend maps them), clearing the flag byte; the keys stay in xenstore until the new run rewrites them',
  see: 'Linux gntalloc.c (gnttab_end_foreign_access, UNMAP_NOTIFY_CLEAR_BYTE); seeds/003 "When the back end is restarted, all front ends must also be restarted"',
  applies: (p) => dpdkPair(p) && p.reconnect > 0,
  when: (s) => s.fe.inst && can(s, 'reconnect'),
  then: (d, s) => {
    spend(d, s, 'reconnect');
    for (const q of d.q) { if (q.gref !== null && q.map === q.gref) q.deferred = q.gref; q.gref = null; }
    d.fe = freshFe() as Draft<FrontendState>;
  },
};

export const dpdk_backend_map: R = {
  name: 'switch: new virtio device', actor: 'backend',
  doc: 'the switching backend sees event_type_start_0 = 1, reads 0_rx/tx_vring_gref and 0_vring_flag, maps them (only refs the guest grants map) and starts polling',
  see: 'seeds/003 §1.2.2 (retrieve the grant information, map and create the virtio ring)',
  applies: dpdkPair,
  when: (s) => s.be.inst && !s.ts.beDown && xsRead(s.xs, `${DPDK}/event_type_start_0`) === '1' && s.q[0]!.map === null,
  then: (d, s) => {
    const tx = xsRead(s.xs, `${DPDK}/0_tx_vring_gref`);
    const rx = xsRead(s.xs, `${DPDK}/0_rx_vring_gref`);
    const fl = xsRead(s.xs, `${DPDK}/0_vring_flag`);
    const q0 = s.q[0]!, q1 = s.q[1]!;
    if (q0.gref === null || tx !== txRef(q0.gref) || rx !== rxRef(q0.gref) || q1.gref === null || fl !== String(q1.gref)) return;
    d.q[0]!.map = q0.gref;
    d.q[1]!.map = q1.gref;
    d.be.ringSync = !s.fe.ringUsed;
  },
};

export const dpdk_backend_flag_cleared: R = {
  name: 'switch: vring_flag cleared', actor: 'backend',
  doc: 'the backend sees the flag byte cleared (the guest released its gntalloc pages): it unmaps the vrings and the flag page',
  see: 'DPDK rte_eth_xenvirt.c gntalloc_vring_flag ("Host monitors this page if it is cleared on unmap, and then do necessary clean up")',
  applies: dpdkPair,
  when: (s) => s.be.inst && !s.ts.beDown && s.q[1]!.map !== null && s.q[1]!.gref !== s.q[1]!.map,
  then: (d) => {
    for (const q of d.q) { if (q.map !== null && q.deferred === q.map) q.deferred = null; q.map = null; }
    d.be.ringSync = false;
  },
};

// --- a hostile frontend (a guest that is not netfront)

/**
 * What a hostile guest may write into its own frontend directory, in one step
 * (a key set is written atomically, as in one guest transaction; `null`
 * removes a node). Together: every XenbusState and garbage, storms of state
 * writes (one write per step, `hostileWrites` of them), valid single- and
 * multi-queue key sets, `multi-queue-num-queues` missing, zero, too large or
 * garbage, queue directories without `multi-queue-num-queues`, ring refs never
 * granted, event channels never bound, a control ring never granted, and
 * every key removed. xenstore permissions confine the guest to its own
 * directory (`device/vif/0`, which it owns once libxl created it).
 */
export const HOSTILE_FRONTEND_WRITES: Readonly<Record<string, Readonly<Record<string, string | null>>>> = {
  ...Object.fromEntries([1, 2, 3, 4, 5, 6, 7, 8].map((n) => [`state=${n}`, { state: String(n) }])),
  'state=garbage': { state: 'x' },
  'keys=single-queue': { 'multi-queue-num-queues': null, 'queue-0': null, 'queue-1': null, 'tx-ring-ref': '2', 'rx-ring-ref': '3', 'event-channel': '10', 'request-rx-copy': '1' },
  'keys=two-queues': {
    'multi-queue-num-queues': '2', 'queue-0/tx-ring-ref': '2', 'queue-0/rx-ring-ref': '3', 'queue-0/event-channel': '10',
    'queue-1/tx-ring-ref': '6', 'queue-1/rx-ring-ref': '7', 'queue-1/event-channel': '12', 'request-rx-copy': '1',
  },
  'multi-queue-num-queues=0': { 'multi-queue-num-queues': '0' },
  'multi-queue-num-queues=3': { 'multi-queue-num-queues': '3' },
  'multi-queue-num-queues=garbage': { 'multi-queue-num-queues': 'x' },
  'tx-ring-ref=never-granted': { 'tx-ring-ref': '98' },
  'event-channel=never-bound': { 'event-channel': '99' },
  'ctrl-ring-ref=never-granted': { 'ctrl-ring-ref': '98', 'event-channel-ctrl': '99' },
  'rm=all-keys': { 'multi-queue-num-queues': null, 'queue-0': null, 'queue-1': null, 'tx-ring-ref': null, 'rx-ring-ref': null, 'event-channel': null, 'request-rx-copy': null, 'ctrl-ring-ref': null, 'event-channel-ctrl': null },
};

/**
 * The xenstore permissions libxl sets up (the model's paths are relative to
 * each domain's root): `device` of the guest is dom0's, read-only to the
 * guest (libxl__domain_make, `roperm`: the guest cannot create a removed
 * vif directory again), the vif's frontend directory is the
 * guest's with read access for the backend domain, the backend directory
 * the backend domain's with read access for the guest
 * (libxl__device_generic_add, `frontend_perms`, `backend_perms`);
 * `backend` and `control` are dom0's. Dom0 (the toolstack) is privileged.
 */
export const XENBUS_PERMS: XsPermTable = [
  ['device', { owner: 'dom0', others: 'n', acl: { [GUEST]: 'r' }, fixed: true }],
  [FE, { owner: GUEST, others: 'n', acl: { [DRIVER_DOMAIN]: 'r' } }],
  ['backend', { owner: 'dom0', others: 'n', fixed: true }],
  [BE, { owner: DRIVER_DOMAIN, others: 'n', acl: { [GUEST]: 'r' } }],
  ['control', { owner: 'dom0', others: 'n', acl: { [GUEST]: 'r' }, fixed: true }],
  [DPDK, { owner: GUEST, others: 'n', acl: { [DRIVER_DOMAIN]: 'r' } }],
];
/** The domain a watch or transaction owner of the model belongs to. */
export const xenbusDomainOf = (owner: string): string =>
  owner === GUEST || owner === TXN_FE || owner.startsWith('guest:') ? GUEST : owner === DRIVER_DOMAIN ? DRIVER_DOMAIN : 'dom0';
/** xenstored's checks at the run's quotas, with libxl's permissions; `o` takes a defence away (a variant). */
export const xenbusPolicy = (p: P, o?: Partial<XsPolicy>): XsPolicy => {
  if (o !== undefined) return { ...policyOf(p), ...o };
  let pol = policies.get(p);
  if (pol === undefined) policies.set(p, (pol = policyOf(p)));
  return pol;
};
const policyOf = (p: P): XsPolicy => ({
  perms: XENBUS_PERMS, quota: { entries: p.quotaEntries, watches: p.quotaWatches, transactions: p.quotaTransactions, entrySize: p.quotaEntrySize },
  domainOf: xenbusDomainOf,
});
/** {@link xenbusPolicy} without changes, by the run's parameters (X17 asks for it on every state). */
const policies = new WeakMap<P, XsPolicy>();
/** The guest's connection to xenstored (unprivileged). */
export const GUEST_CONN: XsConn = { dom: GUEST };

/** The hostile guest's watch tokens and transaction owners (at most quota + 2 tries each: xenstored admits quota + 1). */
export const guestWatchToken = (i: number): string => `guest:w${i}`;
export const guestTxn = (i: number): string => `guest:t${i}`;

/**
 * What the hostile guest tries outside its own directory, in one step: the
 * backend's nodes (read-only to it: EACCES). A guest that could write them
 * would, say, write `hotplug-status=connected` before the hotplug script set
 * the vif up (bridge, antispoofing rules), or `online=0`.
 */
export const HOSTILE_FOREIGN_WRITES: Readonly<Record<string, readonly [string, string]>> = {
  'backend:hotplug-status=connected': [`${BE}/hotplug-status`, 'connected'],
  'backend:state=4': [`${BE}/state`, String(XenbusStateConnected)],
  'backend:online=0': [`${BE}/online`, '0'],
};

/**
 * XS_SET_PERMS the hostile guest makes on its own nodes: the node and the
 * perms (xenstored's form, {@link xsParsePerms}) it asks for.
 * `state:no-backend-read` takes the driver domain's read access to `state`
 * away (its own node: allowed; netback then reads EACCES, XenbusStateUnknown,
 * and C xenstored sends it no more events for the node: XSA-115);
 * `state:owner=backend` hands the node to the driver domain (EPERM: an
 * unprivileged domain may not change the owner); `dir:no-backend-read` does
 * it to the vif's directory `device/vif/0` itself: the nodes already there
 * keep their perms, the nodes created after it inherit the directory's
 * (construct_node), so netback reads the keys the guest writes afterwards
 * with EACCES (as missing: connect() fails).
 */
export const HOSTILE_SET_PERMS: Readonly<Record<string, readonly [string, string]>> = {
  'set-perms state:no-backend-read': [`${FE}/state`, `n${GUEST}`],
  'set-perms state:owner=backend': [`${FE}/state`, `n${DRIVER_DOMAIN},r${GUEST}`],
  'set-perms dir:no-backend-read': [FE, `n${GUEST}`],
};

/**
 * The hostile guest's largest write: one XS_WRITE of a node of its directory
 * with as much data as a message carries (`XENSTORE_PAYLOAD_MAX` less the
 * path and its NUL). xenstored refuses it (ENOSPC) when the node would be
 * larger than `quotaEntrySize`; a xenstored without the check keeps it.
 */
export const HOSTILE_OVERSIZED_PATH = `${FE}/oversized`;
export const HOSTILE_OVERSIZED_VALUE = xsBlob(XENSTORE_PAYLOAD_MAX - HOSTILE_OVERSIZED_PATH.length - 1);

/** A key set of {@link HOSTILE_FRONTEND_WRITES} written by the guest as xenstored lets it (each node: EACCES, ENOSPC or done). */
function guestWriteSet(d: D, pol: XsPolicy, p: P, w: string): void {
  for (const [k, v] of Object.entries(HOSTILE_FRONTEND_WRITES[w]!)) {
    if (v === null) xsRmAs(d.xs, pol, GUEST_CONN, `${FE}/${k}`, p.txnConflicts);
    else xsWriteAs(d.xs, pol, GUEST_CONN, `${FE}/${k}`, v, p.txnConflicts);
  }
}

/**
 * The hostile guest's xenstore actions, each one step of its budget
 * (`hostileWrites`), each checked by xenstored as `policy` says (a variant
 * passes a policy with a defence taken away):
 * - a key set of {@link HOSTILE_FRONTEND_WRITES} into its own directory;
 * - a write to a backend node ({@link HOSTILE_FOREIGN_WRITES}): EACCES;
 * - `flood`: new nodes `flood-0`, `flood-1`, ... until xenstored answers
 *   ENOSPC (the nodes-per-domain quota);
 * - `oversized`: one node of `XENSTORE_PAYLOAD_MAX` bytes less its path
 *   ({@link HOSTILE_OVERSIZED_VALUE}): ENOSPC past the node-size quota;
 * - `watch-flood`: watches on the backend directory until E2BIG;
 * - `transaction-flood`: transactions opened until ENOSPC;
 * - `commit <set>`: writes a key set of {@link HOSTILE_TXN_WRITES} inside its oldest open
 *   transaction and commits it: EAGAIN (nothing written) when a conflicting
 *   change was committed meanwhile (`txnConflicts`).
 * Events of the guest's own watches are kept one per watch (the guest reads
 * them at its leisure: nothing another actor does depends on it).
 */
/**
 * The key sets the hostile guest commits in a transaction: a state, the
 * two-queue key set and the removal of every key (a transaction differs
 * from the plain writes only by failing with EAGAIN: the other sets add
 * interleavings, not behaviours).
 */
export const HOSTILE_TXN_WRITES: readonly string[] = ['state=4', 'keys=two-queues', 'rm=all-keys'];

export const makeHostileFrontend = (o: Partial<XsPolicy> = {}): Record<string, R> => ({
  'guest_write(hostile frontend)': {
    name: 'guest_write(hostile frontend)', actor: 'frontend',
    doc: 'the guest writes a XenbusState or a key set of HOSTILE_FRONTEND_WRITES into its own directory, tries a backend node (EACCES), floods xenstore with nodes (ENOSPC), watches (E2BIG) or transactions (ENOSPC), at any time',
    see: 'fidelity-review.md xenbus items 2, 6; XSA-349 (watch event storms); netback connect(), frontend_changed; C xenstored core.c perm_for_conn, create_node, do_watch, do_transaction_start; libxl__device_generic_add',
    applies: (p) => p.frontend === 'hostile' && p.hostileWrites > 0,
    choices: (s) => (s.left.hostile > 0 && xsExists(s.xs, FE)
      ? [...Object.keys(HOSTILE_FRONTEND_WRITES), ...Object.keys(HOSTILE_FOREIGN_WRITES), ...Object.keys(HOSTILE_SET_PERMS), 'flood', 'oversized', 'watch-flood', 'transaction-flood'] : []),
    showChoice: (w: string) => w,
    then: (d, s, p, w: string) => {
      const pol = xenbusPolicy(p, o);
      const setPerms = HOSTILE_SET_PERMS[w];
      if (setPerms !== undefined) {
        const [path, perms] = setPerms;
        // refused (ENOENT, EACCES, EPERM), or already so: nothing changes, a self-loop
        if (s.xs.perms?.[path] === perms || xsSetPermsAs(d.xs, pol, GUEST_CONN, path, perms) !== 'ok') return;
        d.left.hostile = s.left.hostile - 1;
        return;
      }
      const foreign = HOSTILE_FOREIGN_WRITES[w];
      if (foreign) {
        // refused (EACCES): nothing changes, a self-loop (the budget bounds only what changes the store)
        if (xsWriteAs(d.xs, pol, GUEST_CONN, foreign[0], foreign[1], p.txnConflicts) !== 'ok') return;
        d.left.hostile = s.left.hostile - 1;
        d.ts.breach = true;
        return;
      }
      if (w === 'oversized') {
        // refused (ENOSPC: the node-size quota) or already there: nothing changes, a self-loop
        if (s.xs.nodes[HOSTILE_OVERSIZED_PATH] === HOSTILE_OVERSIZED_VALUE || xsWriteAs(d.xs, pol, GUEST_CONN, HOSTILE_OVERSIZED_PATH, HOSTILE_OVERSIZED_VALUE, p.txnConflicts) !== 'ok') return;
        d.left.hostile = s.left.hostile - 1;
        return;
      }
      d.left.hostile = s.left.hostile - 1;
      if (w === 'flood') {
        for (let i = 0; i <= p.quotaEntries; i++) if (xsWriteAs(d.xs, pol, GUEST_CONN, `${FE}/flood-${i}`, '1', p.txnConflicts) !== 'ok') return;
        return;
      }
      if (w === 'watch-flood') {
        for (let i = 0; i < p.quotaWatches + 2; i++)
          if (!xsWatching(d.xs, guestWatchToken(i)) && xsWatchAs(d.xs, pol, GUEST_CONN, GUEST, guestWatchToken(i), BE, 'pending') !== 'ok') return;
        return;
      }
      if (w === 'transaction-flood') {
        for (let i = 0; i < p.quotaTransactions + 2; i++)
          if (!d.xs.txns[guestTxn(i)] && xsTxnStartAs(d.xs, pol, GUEST_CONN, guestTxn(i)) !== 'ok') return;
        return;
      }
      guestWriteSet(d, pol, p, w);
    },
  },
  'guest_transaction_end(hostile frontend)': {
    name: 'guest_transaction_end(hostile frontend)', actor: 'frontend',
    doc: 'the guest writes a key set of HOSTILE_TXN_WRITES inside its oldest open transaction and commits it (EAGAIN: nothing written)',
    see: 'C xenstored transaction.c do_transaction_end; xen docs/misc/xenstore.txt TRANSACTION_END',
    applies: (p) => p.frontend === 'hostile' && p.hostileWrites > 0,
    choices: (s) => (s.left.hostile > 0 && xsOpenTxns(s.xs).some((t) => t.startsWith('guest:')) ? HOSTILE_TXN_WRITES : []),
    showChoice: (w: string) => `commit ${w}`,
    then: (d, s, p, w: string) => {
      d.left.hostile = s.left.hostile - 1;
      const pol = xenbusPolicy(p, o);
      const t = xsOpenTxns(s.xs).filter((k) => k.startsWith('guest:')).sort()[0]!;
      // the writes inside the transaction, each checked as it is made (EACCES, ENOSPC: that write is lost)
      for (const [k, v] of Object.entries(HOSTILE_FRONTEND_WRITES[w]!)) xsTxnWriteAs(d.xs, pol, GUEST_CONN, t, `${FE}/${k}`, v);
      xsTxnEnd(d.xs, t, true, p.txnConflicts, pol.checkWatchPerms !== false);
    },
  },
});
const hostileFrontendRules = makeHostileFrontend();
export const hostile_frontend_write: R = hostileFrontendRules['guest_write(hostile frontend)']!;
export const hostile_frontend_txn_end: R = hostileFrontendRules['guest_transaction_end(hostile frontend)']!;

// --- a hostile backend (a driver domain that is not netback)

/** What a hostile driver domain may write into its backend directory in one step (`null` removes). */
export const HOSTILE_BACKEND_WRITES: Readonly<Record<string, Readonly<Record<string, string | null>>>> = {
  ...Object.fromEntries([1, 2, 3, 4, 5, 6, 7, 8].map((n) => [`state=${n}`, { state: String(n) }])),
  'state=garbage': { state: 'x' },
  'features=all': { 'feature-rx-copy': '1', 'feature-sg': '1', 'feature-split-event-channels': '1', 'multi-queue-max-queues': '2', 'feature-xdp-headroom': '1' },
  'features=none': { 'feature-rx-copy': null, 'feature-sg': null, 'feature-split-event-channels': null, 'multi-queue-max-queues': null, 'feature-xdp-headroom': null },
  'multi-queue-max-queues=garbage': { 'multi-queue-max-queues': 'x' },
  'multi-queue-max-queues=huge': { 'multi-queue-max-queues': '4294967295' },
};

/** What a hostile driver domain tries in the guest's frontend directory (read-only to it: EACCES). */
export const HOSTILE_BACKEND_FOREIGN_WRITES: Readonly<Record<string, readonly [string, string]>> = {
  'frontend:state=6': [`${FE}/state`, String(XenbusStateClosed)],
  'frontend:tx-ring-ref=98': [`${FE}/tx-ring-ref`, '98'],
};

/** The hostile driver domain's writes, checked by xenstored as `o` says (a variant takes a defence away). */
export const makeHostileBackendWrite = (o: Partial<XsPolicy> = {}): R => ({
  name: 'driver_domain_write(hostile backend)', actor: 'backend',
  doc: 'the driver domain writes a XenbusState or a key set of HOSTILE_BACKEND_WRITES into its backend directory, at any time, or tries a node of the frontend directory (EACCES)',
  see: 'fidelity-review.md xenbus item 2; netfront netback_changed, talk_to_netback; libxl__device_generic_add (frontend_perms: the backend domain may read)',
  applies: (p) => p.backend === 'hostile' && p.hostileWrites > 0,
  choices: (s) => (s.left.hostile > 0 && xsExists(s.xs, BE) && !s.ts.beDown ? [...Object.keys(HOSTILE_BACKEND_WRITES), ...Object.keys(HOSTILE_BACKEND_FOREIGN_WRITES)] : []),
  showChoice: (w: string) => w,
  then: (d, s, p, w: string) => {
    const foreign = HOSTILE_BACKEND_FOREIGN_WRITES[w];
    if (foreign) {
      // refused (EACCES): nothing changes, a self-loop
      if (xsWriteAs(d.xs, xenbusPolicy(p, o), { dom: DRIVER_DOMAIN }, foreign[0], foreign[1], p.txnConflicts) !== 'ok') return;
      d.left.hostile = s.left.hostile - 1;
      d.ts.breach = true;
      return;
    }
    d.left.hostile = s.left.hostile - 1;
    for (const [k, v] of Object.entries(HOSTILE_BACKEND_WRITES[w]!)) {
      if (v === null) xsRm(d.xs, `${BE}/${k}`, p.txnConflicts);
      else xsWrite(d.xs, `${BE}/${k}`, v, p.txnConflicts);
    }
  },
});
export const hostile_backend_write: R = makeHostileBackendWrite();

export const hostile_backend_map: R = {
  name: 'GNTTABOP_map_grant_ref(hostile backend)', actor: 'backend',
  doc: 'the driver domain maps a ring ref the guest grants now (Xen lets it, whatever the XenbusState), or unmaps one it mapped; the hotplug status is ignored',
  see: 'xen grant_table.c map_grant_ref (any granted ref, any time); netfront xennet_disconnect_backend, gnttab_end_foreign_access',
  applies: (p) => p.backend === 'hostile',
  choices: (s) => (s.ts.beDown ? [] : s.q.flatMap((q, i) => (q.map === null ? (q.gref === null ? [] : [`map q${i}`]) : [`unmap q${i}`]))),
  showChoice: (c: string) => c,
  then: (d, s, p, c: string) => {
    const i = Number(c.slice(-1));
    const q = d.q[i]!;
    if (c.startsWith('map')) { q.map = s.q[i]!.gref; return; }
    // unmap: a ref ended while mapped (deferred) is freed now
    if (q.deferred === q.map) q.deferred = null;
    q.map = null;
  },
};

// --- toolstack (libxl, vif hotplug script)

export const libxl_device_add: R = {
  name: 'libxl__device_vif_add', actor: 'toolstack',
  doc: 'device creation: backend online=1 state=1, frontend state=1',
  see: 'libxl_device.c libxl__device_generic_add; xen-protocols.md §3.5',
  when: (s) => s.ts.phase === 'none',
  then: (d, s, p) => {
    d.ts.phase = 'plugged';
    xsWrite(d.xs, BE_ONLINE, '1', p.txnConflicts);
    xsWrite(d.xs, BE_STATE, String(XenbusStateInitialising), p.txnConflicts);
    xsWrite(d.xs, FE_STATE, String(XenbusStateInitialising), p.txnConflicts);
  },
};

export const vif_hotplug: R = {
  applies: linuxBackend, // KOBJ_ONLINE comes from netback_probe
  name: 'vif-hotplug(online)', actor: 'toolstack',
  doc: 'the vif hotplug script run by KOBJ_ONLINE plugs the vif into the bridge and writes hotplug-status=connected',
  see: 'tools/hotplug/Linux/vif-bridge, xen-hotplug-common.sh success',
  when: (s) => s.ts.uevent,
  then: (d, s, p) => {
    d.ts.uevent = false;
    if (xsExists(s.xs, BE)) xsWrite(d.xs, BE_HOTPLUG_STATUS, 'connected', p.txnConflicts);
  },
};

/**
 * libxl__initiate_device_generic_remove: backend online=0 and, unless it is
 * Closed, backend state=5; the toolstack then waits for Closed (or
 * LIBXL_DESTROY_TIMEOUT).
 */
function initiateRemove(d: D, s: S, p: P): void {
  d.ts.phase = 'unplugging';
  xsWrite(d.xs, BE_ONLINE, '0', p.txnConflicts);
  if (beNode(s) !== XenbusStateClosed) xsWrite(d.xs, BE_STATE, String(XenbusStateClosing), p.txnConflicts);
}

export const vif_hotplug_failed: R = {
  applies: (p) => linuxBackend(p) && p.hotplugFail > 0,
  name: 'vif-hotplug(failed)', actor: 'toolstack',
  doc: 'the vif hotplug script fails (exits with an error: fatal() writes hotplug-status=error) or hangs and libxl kills it after LIBXL_HOTPLUG_TIMEOUT (nothing written); libxl fails the device add (ERROR_FAIL) and removes the device: online=0, backend state=5',
  see: 'tools/hotplug/Linux/xen-hotplug-common.sh fatal; libxl_device.c device_hotplug, device_hotplug_child_death_cb, device_hotplug_timeout_cb (LIBXL_HOTPLUG_TIMEOUT), libxl__initiate_device_generic_remove',
  choices: (s) => (s.ts.uevent && s.ts.phase === 'plugged' && can(s, 'hotplugFail') ? ['error', 'timeout'] : []),
  showChoice: (c: string) => c,
  then: (d, s, p, c: string) => {
    spend(d, s, 'hotplugFail');
    d.ts.uevent = false;
    if (c === 'error' && xsExists(s.xs, BE)) xsWrite(d.xs, BE_HOTPLUG_STATUS, 'error', p.txnConflicts);
    initiateRemove(d, s, p);
  },
};

/**
 * libxl__wait_device_connection: after the device add libxl waits for the
 * backend's `state` to read XenbusStateInitWait (libxl__ev_devstate_wait,
 * LIBXL_INIT_TIMEOUT, 10 s) before it runs the hotplug script. When the
 * wait expires, device_backend_callback fails the add ("unable to add
 * device") without running the script; the caller (domain creation) then
 * destroys the domain's devices: the generic removal, as after a failed
 * script. The model's untimed toolstack may expire whenever the wait is on
 * (the 10 s may pass while netback is slow to probe) and the backend node is
 * not InitWait. Netback's probe, if still queued, then reads Closing and
 * does not probe (xenbus_probe_node probes only Initialising), so nothing
 * answers Closed and LIBXL_DESTROY_TIMEOUT removes the directories.
 */
/**
 * libxl is still waiting for the backend's InitWait after the device add: the
 * hotplug script has not been started (KOBJ_ONLINE, `uevent`) nor has it run
 * (`hotplug-status`), and the backend's `state` node does not read InitWait
 * (libxl's devstate watch reads the node when its event is handled: a
 * backend that passed through InitWait and left it is missed). While the
 * driver domain is down the model's toolstack waits for its restart.
 * libxl waits only until InitWait (libxl_device.c libxl__wait_device_connection,
 * 979-1010: `libxl__ev_devstate_wait` for XenbusStateInitWait with
 * LIBXL_INIT_TIMEOUT, then the script). With Linux netback that is only
 * before its probe, while the node still reads the Initialising libxl wrote:
 * once probed it emits KOBJ_ONLINE (`uevent`) and the script runs. Since 2026-12-06 (the valid-end audit of
 * the peers): `netback_remove` deletes `hotplug-status` (xen-netback/xenbus.c
 * 986-991), so a guest that makes netback unregister while the device is
 * plugged (a state that reads Unknown, 453-456) left a state that read as
 * libxl waiting, long after its add had ended: LIBXL_INIT_TIMEOUT could
 * remove the device, and X19 failed at `initTimeout=0` (8 steps).
 */
export const libxlWaitsForInitWait = (s: S, p: P): boolean =>
  s.ts.phase === 'plugged' && !s.ts.beDown && !s.ts.uevent && xsRead(s.xs, BE_HOTPLUG_STATUS) === undefined && beNode(s) !== XenbusStateInitWait &&
  (!linuxBackend(p) || beNode(s) === XenbusStateInitialising);

export const libxl_init_timeout: R = {
  applies: (p) => p.initTimeout > 0 && !dpdkPair(p),
  name: 'LIBXL_INIT_TIMEOUT', actor: 'toolstack',
  doc: 'the backend did not reach InitWait within LIBXL_INIT_TIMEOUT (10 s) of the device add: libxl fails the add without running the hotplug script and removes the device (online=0, backend state=5)',
  see: 'libxl_device.c libxl__wait_device_connection (libxl__ev_devstate_wait, LIBXL_INIT_TIMEOUT), device_backend_callback, device_hotplug_done; libxl_create.c domcreate_complete (a failed add destroys the domain); libxl_internal.h LIBXL_INIT_TIMEOUT 10',
  // libxl's own reaction to time passing, not an event of the run: its own budget, outside `events`
  when: (s, p) => s.left.initTimeout > 0 && libxlWaitsForInitWait(s, p),
  then: (d, s, p) => { d.left.initTimeout = s.left.initTimeout - 1; initiateRemove(d, s, p); },
};

export const libxl_device_remove: R = {
  name: 'libxl__initiate_device_generic_remove', actor: 'toolstack',
  doc: 'unplug: write backend online=0 and, unless it is Closed, backend state=5; then wait for Closed',
  see: 'libxl_device.c libxl__initiate_device_generic_remove',
  when: (s) => s.ts.phase === 'plugged' && !s.ts.beDown && can(s, 'unplug'),
  then: (d, s, p) => { spend(d, s, 'unplug'); initiateRemove(d, s, p); },
};

function destroyDevice(d: D, p: P): void {
  d.ts.phase = 'removed';
  xsRm(d.xs, BE, p.txnConflicts);
  xsRm(d.xs, FE, p.txnConflicts);
}

export const libxl_device_destroy: R = {
  name: 'libxl__device_destroy', actor: 'toolstack',
  doc: 'the backend reached Closed: remove the backend and frontend directories',
  see: 'libxl_device.c device_backend_callback, libxl__device_destroy',
  when: (s) => s.ts.phase === 'unplugging' && beNode(s) === XenbusStateClosed,
  then: (d, s, p) => destroyDevice(d, p),
};

export const libxl_destroy_timeout: R = {
  name: 'LIBXL_DESTROY_TIMEOUT', actor: 'toolstack',
  doc: 'the backend did not reach Closed within 10 s: force-remove the directories',
  see: 'libxl_device.c LIBXL_DESTROY_TIMEOUT, device_backend_callback (force)',
  when: (s, p) => p.forcedRemoval && s.ts.phase === 'unplugging' && beNode(s) !== XenbusStateClosed && (p.slowFrontend || !s.fe.txn),
  then: (d, s, p) => destroyDevice(d, p),
};

/**
 * `xl migrate`. Not with MirageOS: mirage-xen (9.0.0, lib/lifecycle.ml 31-35)
 * never acknowledges `control/shutdown = suspend` (it waits on for poweroff or
 * reboot), so libxl's suspend times out and the migration fails before it
 * touches the vif; mirage-net-xen has had no resume hook since 2020
 * (041050a, "Update to new Xen core platform stack": `resume` and
 * `resume_fns` removed; 1.x re-ran `plug_inner`, as the model did until
 * 2026-12-06).
 */
export const migrate: R = {
  applies: (p) => !dpdkPair(p) && p.frontend !== 'mirage', // a gntalloc application is not migrated here; MirageOS cannot suspend
  name: 'xl migrate', actor: 'toolstack',
  doc: 'suspend, live migration and resume: a fresh backend on the destination, the frontend restarts at Initialising with fresh rings and grants',
  see: 'libxl migration; xenbus_probe_frontend.c xenbus_dev_resume; netfront netfront_resume; xen-protocols.md §3.6.5',
  when: (s, p) => s.ts.phase === 'plugged' && !s.ts.beDown && can(s, 'migrate') && s.fe.xdp !== 'wait' && s.fe.xdp !== 'reconf' && s.fe.probe === 'none' && !s.fe.txn && s.fe.remove === 'none' && !xsAnyTxn(s.xs),
  then: (d, s, p) => {
    spend(d, s, 'migrate');
    // The source host's backend goes away with the source domain: its mappings die with it.
    for (const q of d.q) { q.map = null; q.bound = false; q.deferred = null; q.task = 'none'; q.taskRef = false; q.xmit = 'no'; }
    xsUnwatch(d.xs, W_BE_HOTPLUG);
    xsUnwatch(d.xs, W_BE_OTHEREND);
    d.be = freshBe() as Draft<BackendState>;
    d.ts.uevent = false;
    // The destination toolstack creates both directories afresh: the destination's driver domain sees
    // a new backend directory (a bus event: netback_probe); the suspended guest sees nothing until
    // xs_resume registers its watches again, each of which fires once (a removal watch's event is a no-op).
    const guestBus = busWatches(p).some((w) => w.owner === GUEST);
    for (const t of [W_BE_BUS_RM, W_FE_BUS, W_FE_BUS_RM]) xsUnwatch(d.xs, t);
    if (linuxBackend(p)) busDevice(d, DRIVER_DOMAIN, false);
    xsRm(d.xs, BE, p.txnConflicts);
    xsRm(d.xs, FE, p.txnConflicts);
    xsWrite(d.xs, BE_ONLINE, '1', p.txnConflicts);
    xsWrite(d.xs, BE_STATE, String(XenbusStateInitialising), p.txnConflicts);
    xsWrite(d.xs, FE_STATE, String(XenbusStateInitialising), p.txnConflicts);
    if (guestBus) busDevice(d, GUEST, s.fe.bus, !s.fe.bus, p.bus === '7.0');
    netfrontResume(d, p);
  },
};

export const backend_crash: R = {
  applies: (p) => p.backendRestart > 0,
  name: 'driver domain crash', actor: 'toolstack',
  doc: 'the driver domain dies: netback vanishes, Xen releases its mappings and bindings, its nodes stay stale',
  see: 'xen-protocols.md §3.6.6',
  when: (s, p) => s.ts.phase === 'plugged' && !s.ts.beDown && can(s, 'backendRestart'),
  then: (d, s) => {
    spend(d, s, 'backendRestart');
    for (const q of d.q) { if (q.map !== null && q.deferred === q.map) q.deferred = null; q.map = null; q.bound = false; q.task = 'none'; q.taskRef = false; q.xmit = 'no'; }
    xsUnwatch(d.xs, W_BE_HOTPLUG);
    xsUnwatch(d.xs, W_BE_OTHEREND);
    xsUnwatch(d.xs, W_BE_BUS); // the driver domain's kernel is gone, with its watches
    xsUnwatch(d.xs, W_BE_BUS_RM);
    d.be = freshBe() as Draft<BackendState>;
    d.ts.uevent = false;
    d.ts.beDown = true;
  },
};

export const backend_restarted: R = {
  applies: (p) => p.backendRestart > 0,
  name: 'driver domain restarted', actor: 'toolstack',
  doc: 'the toolstack re-creates the backend directory (state=1, online=1); nothing else: netfront has no restart path of its own (netback_changed ignores Initialising, and InitWait unless dev->state is Initialising)',
  see: 'xen-protocols.md §3.6.6; netfront netback_changed; fidelity-review.md xenbus item 1 (finding F1)',
  when: (s) => s.ts.beDown,
  then: (d, s, p) => {
    d.ts.beDown = false;
    if (dpdkPair(p)) { d.be.inst = true; return; } // the administrator starts the switching application again
    xsRm(d.xs, BE, p.txnConflicts);
    xsWrite(d.xs, BE_ONLINE, '1', p.txnConflicts);
    xsWrite(d.xs, BE_STATE, String(XenbusStateInitialising), p.txnConflicts);
    // the rebooted kernel's xenbus enumerates the existing devices (one bus event) and watches "backend"
    if (linuxBackend(p)) busDevice(d, DRIVER_DOMAIN, false, true);
  },
};

// --- xenstore

export const xs_spurious: R = {
  name: 'xs_watch_event(spurious)', actor: 'xenstore',
  doc: 'a spurious event on a registered watch',
  see: 'xen docs/misc/xenstore.txt "Watches may be triggered spuriously"',
  choices: (s) => can(s, 'spurious') ? s.xs.watches.map((w) => w.token) : [],
  showChoice: (t: string) => t,
  then: (d, s, p, t: string) => { spend(d, s, 'spurious'); xsFireSpurious(d.xs, t); },
};

export const xenbusRules: readonly R[] = [
  libxl_device_add, vif_hotplug, vif_hotplug_failed, libxl_init_timeout, libxl_device_remove, libxl_device_destroy, libxl_destroy_timeout, migrate, backend_crash, backend_restarted,
  netback_probe, backend_bus_nothing, frontend_changed, hotplug_status_changed, netback_remove, backend_fatal,
  netfront_probe, netfront_rebind, xennet_create_dev_wait, frontend_bus_nothing, netback_changed, xenbus_transaction_end, xennet_open, xennet_remove, xennet_bus_close_closing, xennet_bus_close_closed, xennet_bus_close_retry,
  netfront_node_removed, xenbus_dev_changed_reprobe, xenbus_dev_changed_reprobe_waits, xenbus_cleanup_devices_waits, frontend_fatal, xennet_xdp_set, talk_to_netback_xdp, xennet_xdp_set_done, netdev_rtnl_acquired,
  xenvif_fatal_tx_err, xenvif_start_xmit, xenvif_start_xmit_done,
  mirage_plug_inner, mirage_connect, mirage_backend_connected,
  dpdk_rx_queue_setup, dpdk_tx_queue_setup, dpdk_dev_start_mac, dpdk_vring_flag, dpdk_start_notify, dpdk_traffic, dpdk_app_restart,
  dpdk_backend_map, dpdk_backend_flag_cleared,
  hostile_frontend_write, hostile_frontend_txn_end, hostile_backend_write, hostile_backend_map,
  xs_spurious,
];

// --- properties

/** The backend's published state is Connected (4), or Reconfigured (8): after Reconfiguring netback's be->state stays Connected and its node stays 8. */
const bePublishedConnected = (s: S): boolean => beNode(s) === XenbusStateConnected || beNode(s) === XenbusStateReconfigured;

/** Both ends Connected: each driver instance's own state and its published node, the backend's driver state too. */
export const bothConnected = (s: S): boolean =>
  s.fe.inst && s.be.inst && !s.ts.beDown && s.fe.dev === XenbusStateConnected && feNode(s) === XenbusStateConnected &&
  s.be.state === XenbusStateConnected && bePublishedConnected(s);

/** The goal of a connect: both Connected, with every negotiated queue mapped and bound, nothing in flight. */
export const connectedAndIdle = (s: S): boolean =>
  bothConnected(s) && !s.fe.txn && !rtnlHeld(s) && s.fe.xw === 'run' && s.be.nq > 0 &&
  s.q.every((q, i) => (i < s.be.nq ? q.map !== null && q.bound : q.map === null));

/** Both ends Closed on a device that still exists (after a guest close or a fatal error; a new frontend instance may reconnect). */
export const bothClosed = (s: S): boolean =>
  s.ts.phase === 'plugged' && !s.ts.beDown && feNode(s) === XenbusStateClosed && beNode(s) === XenbusStateClosed &&
  (!s.fe.inst || (s.fe.dev === XenbusStateClosed && s.fe.remove === 'none')) && (!s.be.inst || s.be.state === XenbusStateClosed) &&
  s.q.every((q) => q.map === null);

/** After an unplug: nodes removed, both driver instances gone. */
export const removed = (s: S): boolean => s.ts.phase === 'removed' && !s.fe.inst && !s.be.inst && s.q.every((q) => q.map === null && !q.bound);

/** A MirageOS frontend never notices its device removed: after an unplug only the backend side must be gone. */
const removedUnderMirage = (s: S): boolean => s.ts.phase === 'removed' && !s.be.inst && s.q.every((q) => q.map === null && !q.bound);

/**
 * The guest's device has no driver (the user unbound netfront and has not
 * loaded it again, a migration included): nothing binds it by itself; the
 * backend waits in InitWait (or Closed), nothing is mapped.
 */
export const unbound = (s: S): boolean =>
  s.ts.phase === 'plugged' && !s.ts.beDown && s.fe.bus && !s.fe.inst && s.fe.probe === 'none' &&
  (!s.be.inst || s.be.state === XenbusStateInitWait || s.be.state === XenbusStateClosed) && s.q.every((q) => q.map === null && !q.bound);

/**
 * The guest's xenwatch thread hangs (a state where it stays so is a deadlock,
 * finding F7): netfront_probe waits in xennet_create_dev's loop, which ends
 * only once the backend reads neither Closed nor Unknown (a removed backend
 * directory reads Unknown for good), or an event of the guest stays queued
 * (the removal of its device directory waits in device_unregister for the
 * device lock the probe holds).
 */
export const guestXenwatchHangs = (s: S): boolean => s.fe.probe !== 'none' || (s.xs.events[GUEST] ?? []).length > 0;

/**
 * Nobody on the Linux side waits for something only the peer or the toolstack
 * can still do (since 2026-12-06, the valid-end audit): libxl's device remove
 * is not waiting for the backend's Closed (`libxl__initiate_device_generic_remove`
 * waits, ended only by `LIBXL_DESTROY_TIMEOUT`: never with
 * `forcedRemoval=false`), and `xennet_xdp_set` does not sleep
 * holding rtnl (its `wait_event` for Reconfigured has no timeout: every rtnl
 * user of the guest waits with it).
 */
export const nobodyWaits = (s: S): boolean => s.ts.phase !== 'unplugging' && !rtnlHeld(s);

/**
 * Where both Linux drivers may rest: connected, both Closed, removed or
 * unbound, the guest's xenwatch thread not hung (since 2026-12-05: finding F7)
 * and nobody waiting ({@link nobodyWaits}, since 2026-12-06).
 */
export const settled = (s: S): boolean =>
  (connectedAndIdle(s) || bothClosed(s) || removed(s) || unbound(s)) && !guestXenwatchHangs(s) && nobodyWaits(s);
/** The X8 goal (and the valid ends but a hostile guest's): both Linux: {@link settled}; MirageOS frontend: connected or removed; another peer: anywhere. */
const settledFor = (s: S, p: P): boolean =>
  p.frontend === 'mirage' && linuxBackend(p) ? connectedAndIdle(s) || bothClosed(s) || removedUnderMirage(s) : !bothLinux(p) || settled(s);

/**
 * Linux netback and the toolstack owe a guest that is not netfront nothing:
 * the driver domain is up, every event of its xenwatch thread was handled
 * (netback's `frontend_changed`, `hotplug_status_changed`, the bus watch's
 * probe and removal), and no device removal of libxl's waits (it ends when
 * the backend reaches Closed, or by `LIBXL_DESTROY_TIMEOUT`). netback itself
 * only ever waits for the guest's next `state` write, in any XenbusState
 * (InitWait for its keys, Connected, Closing for its close, Closed): the
 * guest may stop there, netback and libxl may not stop anywhere else.
 */
export const netbackOwesNothing = (s: S): boolean =>
  !s.ts.beDown && s.ts.phase !== 'unplugging' && (s.xs.events[DRIVER_DOMAIN] ?? []).length === 0;

/**
 * Linux netfront owes a driver domain that is not netback nothing: its
 * xenwatch thread is not hung ({@link guestXenwatchHangs}), not inside
 * talk_to_netback's transaction nor blocked on rtnl, and no XDP attach waits
 * for Reconfigured holding rtnl (`xennet_xdp_set`: `wait_event`, no timeout).
 * libxl (dom0's, honest) is not left waiting in its device remove for a
 * Closed the driver domain never writes ({@link nobodyWaits}: with
 * `forcedRemoval=false` nothing ends that wait; since 2026-12-06).
 * It may wait in `xennet_bus_close` for a backend that never answers its
 * Closing: the real driver loops there too (`do { switch; wait_event_timeout }
 * while (!ret)`), only the unbinding task waits, and the backend can keep the
 * ring pages mapped anyway.
 */
export const netfrontOwesNothing = (s: S): boolean =>
  !guestXenwatchHangs(s) && s.fe.xw === 'run' && !s.fe.txn && nobodyWaits(s);

/**
 * Valid ends: {@link settledFor}, except with a hostile peer against a Linux
 * driver: a state where the Linux side owes nothing ({@link netbackOwesNothing}
 * with a hostile guest, {@link netfrontOwesNothing} with a hostile driver
 * domain; until 2026-12-05 any terminal state).
 */
export const xenbusValidEnd = (s: S, p: P): boolean =>
  p.frontend === 'hostile' && linuxBackend(p) ? netbackOwesNothing(s) :
  p.backend === 'hostile' && linuxFrontend(p) ? netfrontOwesNothing(s) : settledFor(s, p);

const sameSet = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x) => b.includes(x));

export const X1: Invariant<S, P> = {
  name: 'X1_map_after_keys_published',
  description: 'the backend maps a ring or binds an event channel only while its driver state is Connected and only after the frontend published every key it needs',
  see: 'netback xenbus.c connect, connect_data_rings (xenbus_gather); xen-protocols.md §3.6 X1',
  holds: (s, p) => !linuxBackend(p) || s.q.every((q) => (q.map === null && !q.bound) || (s.be.inst && s.be.state === XenbusStateConnected && s.be.keysRead)),
};

export const X2: Invariant<S, P> = {
  name: 'X2_frontend_frees_after_backend',
  description: 'the frontend never frees or reuses a ring page the backend still maps: every mapped ref is one the frontend still grants or holds on the deferred-free list',
  see: 'Linux gnttab_end_foreign_access (deferred free; XSA-396); netfront xennet_disconnect_backend; xen-protocols.md §3.6 X2',
  holds: (s) => s.q.every((q) => q.map === null || q.gref === q.map || q.deferred === q.map),
};
// With frontend=hostile, X2 reads as the honest backend's half: it maps only refs the guest granted.

export const X3: Invariant<S, P> = {
  name: 'X3_no_set_backend_state_BUG',
  description: 'set_backend_state is never asked for a (be->state, target) combination its table does not have (BUG())',
  see: 'netback xenbus.c set_backend_state; xen-protocols.md §3.6 X3',
  holds: (s) => !s.be.bug, // a hostile backend has no be.* state: holds vacuously
};

export const X4: Invariant<S, P> = {
  name: 'X4_connected_after_hotplug',
  description: 'the backend publishes Connected only after its hotplug-status watch read "connected"',
  see: 'netback xenbus.c backend_switch_state, hotplug_status_changed; Linux 2afeec08ab5c and its revert e8240addd0a3; xen-protocols.md §3.6 X4',
  holds: (s) => !(s.be.inst && s.be.dev === XenbusStateConnected) || s.be.hotplugSeen, // be.inst: Linux netback only
};

/** X5 for a feature table (a variant that adds a feature key builds its own X5 with the extended table). */
export const connectedAgree = (features: readonly FeatureKey[]): Invariant<S, P> => ({
  name: 'X5_connected_agree',
  description: 'when both ends are Connected they use the same queue count, event-channel layout and features, and the frontend uses only what the backend advertised',
  see: 'netif.h multi-queue-max-queues / multi-queue-num-queues, feature-split-event-channels, feature-*; xen-protocols.md §2.5',
  holds: (s, p) => {
    if (!bothLinux(p) || !bothConnected(s) || s.fe.txn) return true;
    const max = xsRead(s.xs, `${BE}/multi-queue-max-queues`);
    const advertisedQ = max === undefined ? 1 : Number(max);
    const splitOk = !s.fe.split || xsRead(s.xs, `${BE}/feature-split-event-channels`) === '1';
    const featOk = s.fe.features.every((f) => {
      const k = features.find((x) => x.name === f)?.backendKey;
      return k !== undefined && xsRead(s.xs, `${BE}/${k}`) === '1';
    });
    const feFlags = s.fe.features.filter((f) => features.find((x) => x.name === f)?.kind !== 'value');
    return s.fe.nq === s.be.nq && s.fe.split === s.be.split && sameSet(feFlags, s.be.features) &&
      s.fe.nq <= advertisedQ && splitOk && featOk;
  },
});
export const X5 = connectedAgree(NETIF_FEATURES);

export const X6: Invariant<S, P> = {
  name: 'X6_open_only_with_queues',
  description: 'the net_device is opened (xennet_open) only when its queues exist',
  see: 'Linux f599c64fdf7d "xen-netfront: Fix race between device setup and open"; xen-protocols.md §6.2 B-4',
  holds: (s) => !s.fe.oops, // a hostile frontend has no fe.* state: holds vacuously
};

export const X7: Invariant<S, P> = {
  name: 'X7_no_mapping_outside_connected',
  description: 'every mapping and binding is released on every path out of Connected: a backend whose driver state is not Connected, or no backend at all, maps nothing',
  see: 'netback xenbus.c set_backend_state (Connected -> Closing runs backend_disconnect), netback_remove',
  holds: (s, p) => !linuxBackend(p) || (s.be.inst && s.be.state === XenbusStateConnected) || s.q.every((q) => q.map === null && !q.bound),
};

export const X9: Invariant<S, P> = {
  name: 'X9_xdp_headroom_agrees',
  description: 'while netfront runs XDP (netfront_xdp_enabled) on a connection netback made, netback leaves XDP_PACKET_HEADROOM (256) in front of every received packet: xennet_run_xdp takes the data at that offset',
  see: 'netfront xennet_run_xdp (xdp_prepare_buff(..., XDP_PACKET_HEADROOM, ...)), talk_to_netback_xdp; netback read_xenbus_frontend_xdp; fidelity-review.md xenbus item 4',
  holds: (s, p) => !linuxBackend(p) || !(s.fe.inst && s.fe.xdp === 'on' && s.be.inst && s.be.state === XenbusStateConnected && s.be.nq > 0) || s.be.headroom === XDP_PACKET_HEADROOM,
};

export const X11: Invariant<S, P> = {
  name: 'X11_connected_with_rings',
  description: 'while netback publishes Connected (its node and dev->state), every queue it negotiated is mapped and bound: a frontend cannot make it claim a connection it does not have',
  see: 'netback xenbus.c set_backend_state (backend_connect; backend_switch_state(Connected) after a failed connect()), connect(); fidelity-review.md xenbus item 2',
  holds: (s) => !(s.be.inst && s.be.dev === XenbusStateConnected && beNode(s) === XenbusStateConnected) ||
    (s.be.nq > 0 && s.q.every((q, i) => i >= s.be.nq || (q.map !== null && q.bound))),
};

export const X12: Invariant<S, P> = {
  name: 'X12_backend_events_bounded',
  description: 'however often the frontend writes its state, the driver domain holds at most one undelivered event of netback\'s otherend watch',
  see: 'XSA-349 (CVE-2020-29568); Linux xenbus_probe_backend.c frontend_will_handle (nr_pending), xenbus_xs.c xs_watch_msg',
  holds: (s) => {
    const q = s.xs.events[DRIVER_DOMAIN];
    let n = 0;
    if (q !== undefined) for (let i = 0; i < q.length; i++) if (q[i] === W_BE_OTHEREND) n++;
    return n <= 1;
  },
};

export const X13: Invariant<S, P> = {
  name: 'X13_napi_released',
  description: 'no NAPI instance of netfront outlives its driver instance: removal deletes every queue\'s NAPI (xennet_destroy_queues) before the queue array is freed',
  see: 'netfront xennet_uninit, xennet_destroy_queues (real_num_tx_queues); CVE-2022-48914; xen-protocols.md B-10',
  holds: (s) => s.fe.inst || s.q.every((q) => !q.napi),
};

export const X14: Invariant<S, P> = {
  name: 'X14_no_use_after_free',
  description: 'netback never uses a freed object of a queue: no kthread_stop on a freed task_struct, no transmit on a freed queue',
  see: 'XSA-374 (CVE-2021-28691): netback xenvif_disconnect_queue, get_task_struct; backend_disconnect synchronize_net; xen-protocols.md X-10, B-11',
  holds: (s) => s.q.every((q) => !q.uaf),
};

export const X15: Invariant<S, P> = {
  name: 'X15_dpdk_ring_in_sync',
  description: 'DPDK xenvirt: the switching backend polls only vrings it mapped while they were fresh, so that its ring indices agree with the guest\'s',
  see: 'seeds/003 "When the back end is restarted, all front ends must also be restarted"; DPDK virtqueue.h (vq_used_cons_idx starts at 0)',
  holds: (s, p) => !dpdkPair(p) || s.q[0]!.map === null || s.be.ringSync,
};

export const X16: Invariant<S, P> = {
  name: 'X16_guest_confined',
  description: 'the guest never changes a node of the backend directory (hotplug-status, state, online), nor a hostile driver domain one of the frontend directory: xenstored\'s permissions as libxl sets them make each read-only to the other side',
  see: 'C xenstored core.c perm_for_conn, do_write; libxl_device.c libxl__device_generic_add (backend_perms: the guest may read)',
  holds: (s) => !s.ts.breach,
};

export const X17: Invariant<S, P> = {
  name: 'X17_guest_xenstore_bounded',
  description: 'xenstored (dom0) holds at most quotaEntries nodes of at most quotaEntrySize bytes each, quotaWatches + 1 watches and quotaTransactions + 1 open transactions for the guest, whatever the guest does (xenstored\'s checks admit one watch and one transaction past the quota)',
  see: 'C xenstored core.c create_node (domain_nbentry >= quota: ENOSPC), write_node_raw (node size > quota-max-entry-size: ENOSPC), watch.c do_watch (domain_watch > quota: E2BIG), transaction.c do_transaction_start (> quota: ENOSPC); xenstored --help -E -S -W -t',
  holds: (s, p) => {
    const pol = xenbusPolicy(p);
    return xsOwnedWithin(s.xs, pol.perms, GUEST, p.quotaEntries, p.quotaEntrySize) && xsWatchesOf(s.xs, pol, GUEST) <= p.quotaWatches + 1 &&
      xsTxnsOf(s.xs, pol, GUEST) <= p.quotaTransactions + 1;
  },
};

export const X18: Invariant<S, P> = {
  name: 'X18_watch_events_readable',
  description: 'no domain is sent a watch event about a node it may not read (the guest may take the driver domain\'s read access to its nodes away with XS_SET_PERMS)',
  see: 'XSA-115 (CVE-2020-29480): C xenstored watch.c watch_permitted, fire_watches; core.c do_set_perms',
  holds: (s) => s.xs.leaked !== true,
};

export const xenbusInvariants = [X1, X2, X3, X4, X5, X6, X7, X9, X11, X12, X13, X14, X15, X16, X17, X18] as const;

export const X8: Goal<S, P> = {
  name: 'X8_recoverable',
  description: 'from every reachable state both ends can still reach Connected (every queue mapped), or both Closed, or, after an unplug, Closed and removed',
  see: 'xen-protocols.md §3.6 X5, X6 (no stuck state pairs)',
  reached: settledFor,
};

export const X19: Goal<S, P> = {
  name: 'X19_device_add_ends',
  description: "from every reachable state libxl's device add can end: the backend reaches InitWait (libxl runs the hotplug script) or libxl gives up after LIBXL_INIT_TIMEOUT and removes the device; a driver domain that never answers cannot hang the domain's creation in dom0",
  see: 'libxl_device.c libxl__wait_device_connection (libxl__ev_devstate_wait with LIBXL_INIT_TIMEOUT), device_backend_callback; libxl_internal.h LIBXL_INIT_TIMEOUT',
  // the DPDK pairing has no libxl vif add (its keys are the application's own)
  reached: (s, p) => dpdkPair(p) || !libxlWaitsForInitWait(s, p),
};

export const xenbusObservables: readonly Observable<S, P>[] = [
  { name: 'backend_node_vs_driver', description: '1 when the backend\'s state node differs from netback\'s be->state while both exist', value: (s) => (s.be.inst && beNode(s) !== s.be.state ? 1 : 0) },
  { name: 'deferred_grants', description: 'ring pages held on the deferred-free list (ended while mapped)', value: (s) => s.q.filter((q) => q.deferred !== null).length },
  { name: 'queues_mapped', description: 'rings the backend maps', value: (s) => s.q.filter((q) => q.map !== null).length },
];

// --- the state's shape (model/shape.ts): the packed path

/** The xenstore nodes the vif's actors may write, relative to their domain's root (frontend, backend, DPDK directories). */
export const xenbusPaths = (features: readonly FeatureKey[] = NETIF_FEATURES): string[] => {
  const ring = ['tx-ring-ref', 'rx-ring-ref', 'event-channel', 'event-channel-tx', 'event-channel-rx'];
  const fe = [
    'state', 'multi-queue-num-queues', ...ring, ...[0, 1].flatMap((i) => ring.map((k) => `queue-${i}/${k}`)),
    'xdp-headroom', 'ctrl-ring-ref', 'event-channel-ctrl',
    // MirageOS's fixed requests (write_frontend_configuration)
    'feature-sg', 'feature-gso-tcpv4', 'request-rx-copy', 'feature-rx-flip', 'feature-rx-notify', 'feature-smart-poll',
    ...features.map((f) => f.frontendKey),
    ...Object.values(HOSTILE_FRONTEND_WRITES).flatMap((w) => Object.keys(w)),
  ];
  const be = [
    'online', 'state', 'hotplug-status', 'feature-split-event-channels', 'multi-queue-max-queues',
    ...features.map((f) => f.backendKey),
    ...Object.values(HOSTILE_BACKEND_WRITES).flatMap((w) => Object.keys(w)),
  ];
  const dpdk = ['0_rx_vring_gref', '0_tx_vring_gref', '0_ether_addr', '0_vring_flag', 'event_type_start_0'];
  // 'queue-0', 'queue-1' are directories a hostile guest removes: never nodes themselves
  const dirs = new Set(['queue-0', 'queue-1']);
  return [...new Set([
    ...fe.filter((k) => !dirs.has(k)).map((k) => `${FE}/${k}`), ...be.map((k) => `${BE}/${k}`), ...dpdk.map((k) => `${DPDK}/${k}`),
  ])];
};

/** Every value a node may hold: small numbers (states, refs, ports, counts), the adversarial values, hotplug statuses, the DPDK MAC. */
export const xenbusValues = (): string[] => [...new Set([
  ...Array.from({ length: 16 }, (_, i) => String(i)), String(XDP_PACKET_HEADROOM), 'connected', 'error', '4e:0b:d0:4e:aa:f1', HOSTILE_OVERSIZED_VALUE,
  ...[HOSTILE_FRONTEND_WRITES, HOSTILE_BACKEND_WRITES].flatMap((t) => Object.values(t).flatMap((w) => Object.values(w).filter((v): v is string => v !== null))),
])];

/** The watch tokens, paths and owners of the model (a variant that registers more passes them to {@link xenbusShape}). */
export const XENBUS_WATCHES = {
  tokens: [W_FE_OTHEREND, W_BE_OTHEREND, W_BE_HOTPLUG, W_FE_BUS, W_FE_BUS_RM, W_BE_BUS, W_BE_BUS_RM],
  paths: [BE + '/state', FE + '/state', `${BE}/hotplug-status`, 'device', 'backend', FE, BE],
  owners: [GUEST, DRIVER_DOMAIN],
};

/**
 * The shape of a xenbus state (model/shape.ts), for the packed path: the
 * xenstore as a record of every node the actors may write (each optional, its
 * value one of {@link xenbusValues}), the watches and the per-domain event
 * queues (bounded generously by the run's events), netfront's transaction,
 * both drivers, the toolstack, the per-queue resources, the budgets. A
 * variant that negotiates more feature keys passes its table.
 */
export const xenbusShape = (features: readonly FeatureKey[] = NETIF_FEATURES) => (p: P): Shape<S> => {
  // the hostile guest's flood nodes (xenstored refuses the one past the quota; a variant without the check writes it)
  const paths = [...xenbusPaths(features), ...Array.from({ length: p.quotaEntries + 1 }, (_, i) => `${FE}/flood-${i}`), HOSTILE_OVERSIZED_PATH];
  const value = oneOf(xenbusValues());
  const fePaths = paths.filter((k) => k.startsWith(FE + '/'));
  const gw = Array.from({ length: p.quotaWatches + 2 }, (_, i) => guestWatchToken(i));
  const W = { ...XENBUS_WATCHES, tokens: [...XENBUS_WATCHES.tokens, ...gw] };
  // Records of optional fields keep every key (`keys: 'all'`, absent = undefined, xenstore.ts removes by
  // assigning undefined): one hidden class per record for V8, where keys coming and going made the
  // xenstore a dictionary-mode object and every access to it megamorphic.
  const all = { keys: 'all' } as const;
  const txn = (ks: readonly string[]) => optional(record({
    writes: record(Object.fromEntries(ks.map((k) => [k, optional(nullable(value))] as const)), all),
    reads: optional(list(oneOf(ks), ks.length)),
    conflict: bool,
  }, all));
  const hostileKeys = [...new Set(Object.values(HOSTILE_FRONTEND_WRITES).flatMap((w) => Object.keys(w)))].map((k) => `${FE}/${k}`);
  // An owner's queue: at most one pending event per 'pending' watch, every event of the others; each
  // lifecycle event or hostile write makes a handful of writes. The bound is generous; a longer queue
  // is an error naming the field (`xs.events.guest`).
  const qmax = 8 + 6 * (p.events + p.hostileWrites) + gw.length;
  const names = oneOf([...new Set(features.map((f) => f.name))]);
  const feats = list(names, features.length);
  const state = record({
    xs: record({
      nodes: record(Object.fromEntries(paths.map((k) => [k, optional(value)] as const)), all),
      watches: list(record({
        token: oneOf(W.tokens), path: oneOf(W.paths), owner: oneOf(W.owners), drop: optional(oneOf(['pending', 'last'] as const)),
        fires: optional(oneOf(['write', 'rm'] as const)),
      }, all), W.tokens.length),
      events: record(Object.fromEntries(W.owners.map((o) => [o, optional(list(oneOf(W.tokens), qmax))] as const)), all),
      // XS_SET_PERMS: the hostile guest's (HOSTILE_SET_PERMS; the owner change is refused), on its state node
      // or its directory, whose perms every node (and queue directory) created below it afterwards inherits
      perms: optional(record(Object.fromEntries([FE, `${FE}/queue-0`, `${FE}/queue-1`, ...fePaths].map((k) =>
        [k, optional(oneOf([...new Set(Object.values(HOSTILE_SET_PERMS).map(([, v]) => v))]))] as const)))),
      leaked: optional(bool),
      txns: record({
        // netfront's (and MirageOS's) key transaction writes only the frontend directory
        [TXN_FE]: txn(fePaths),
        // the hostile guest's transactions (at most quota + 2 tries; a variant without the check opens them all)
        ...Object.fromEntries(Array.from({ length: p.quotaTransactions + 2 }, (_, i) => [guestTxn(i), txn(hostileKeys)] as const)),
      }, all),
    }),
    fe: record({
      bus: bool, probe: oneOf(['none', 'xenwatch', 'modprobe'] as const), inst: bool, dev: int(0, 8), txn: bool, remove: oneOf(['none', 'closing', 'closed'] as const), netdev: bool, open: bool,
      queues: int(0, MAXQ), nq: int(0, MAXQ), split: bool, features: feats, xdp: oneOf(['off', 'reconf', 'wait', 'on'] as const),
      wake: bool, xw: oneOf(['run', 'notify_peers', 'talk_to_netback'] as const), oops: bool,
      dpdk: oneOf(['none', 'rx', 'tx', 'mac', 'flag', 'started'] as const), ringUsed: bool,
      // Linux 7.0's xenbus_device->vanished: a field only at -p bus=7.0, so 6.12's packed words are unchanged
      ...(p.bus === '7.0' ? { vanished: optional(oneOf([true] as const)) } : {}),
    }),
    be: record({
      inst: bool, state: int(0, 8), dev: int(0, 8), hotplugSeen: bool, keysRead: bool, nq: int(0, MAXQ), split: bool,
      features: feats, bug: bool, headroom: int(0, 0x7fff), ringSync: bool,
    }),
    ts: record({ phase: oneOf(['none', 'plugged', 'unplugging', 'removed'] as const), uevent: bool, beDown: bool, breach: bool }),
    q: array(record({
      gref: nullable(int(0, 7)), deferred: nullable(int(0, 7)), evt: bool, map: nullable(int(0, 63)), bound: bool, napi: bool,
      task: oneOf(['none', 'run', 'exited', 'freed'] as const), taskRef: bool, xmit: oneOf(['no', 'yes', 'stale'] as const), uaf: bool,
    }), MAXQ),
    left: record(Object.fromEntries(
      (['guestClose', 'reconnect', 'unplug', 'migrate', 'backendRestart', 'frontendFatal', 'backendFatal', 'reconfigure', 'spurious', 'malformedPacket', 'hotplugFail', 'initTimeout', 'hostile', 'events'] as const)
        .map((k) => [k, int(0, k === 'hostile' ? p.hostileWrites : k === 'events' ? p.events : p[k])] as const),
    ) as Record<keyof Budget, Bounded<number>>),
  });
  return { state: state as unknown as Shape<S>['state'] };
};

// --- the model

/**
 * `pvcheck show`'s picture of a state: the XenbusState ladder of both ends as
 * xenstore shows it and as each driver holds it (they differ while a watch
 * event is on its way), the hotplug status and the toolstack phase.
 */
export const xenbusView = (s: S): string => {
  const node = (path: string): string => {
    const v = s.xs.nodes[path];
    if (v === undefined) return '-';
    const n = Number(v);
    return xenbusStateName[n] ?? v;
  };
  const drv = (inst: boolean, n: number) => (inst ? xenbusStateName[n] ?? String(n) : 'no driver');
  const hotplug = s.xs.nodes[`${BE}/hotplug-status`] ?? '-';
  return `${FE}/state ${node(`${FE}/state`)} (netfront ${drv(s.fe.inst, s.fe.dev)})  ` +
    `${BE}/state ${node(`${BE}/state`)} (netback ${drv(s.be.inst, s.be.state)})\n` +
    `hotplug-status ${hotplug}, online ${s.xs.nodes[`${BE}/online`] ?? '-'}, toolstack ${s.ts.phase}${s.ts.beDown ? ', driver domain down' : ''}`;
};

export const xenbus: Model<S, P> = defineModel<S, P>({
  name: 'xenbus',
  description: 'xenbus handshake of a vif: Linux netfront and netback, xenstore (watches, EAGAIN), libxl and the hotplug script, lifecycle events',
  see: 'xen/include/public/io/xenbus.h; Linux xen-netfront.c, xen-netback/xenbus.c; libxl_device.c; docs/models/xenbus.md',
  params: xenbusParams,
  // docs/vectors.md: the suites at the bounds they were written at (the check defaults are events=3 since 2026-12-05: 54,175 states, 203,787 edges)
  vectorParams: { events: 2 },
  init: (p) => [xenbusInit(p)],
  rules: xenbusRules,
  invariants: xenbusInvariants,
  // a hostile guest may stop anywhere netback and libxl owe it nothing (properties are the honest side's)
  isValidEnd: xenbusValidEnd,
  // the rules that spend `events` (spend(), guarded by can()): `-i stuck` reports a state where only they are enabled
  // and which is no valid end, a deadlock at a smaller `events` (properties/stuck.ts, docs/models/xenbus.md "Stuck")
  budgetedEvents: [
    'xenbus_dev_fatal(backend)', 'netfront_probe(driver bind)', 'xennet_remove', 'xenbus_dev_fatal(frontend)', 'xennet_xdp_set',
    'xenvif_fatal_tx_err', 'DPDK application restart(guest)', 'vif-hotplug(failed)', 'libxl__initiate_device_generic_remove',
    'xl migrate', 'driver domain crash', 'xs_watch_event(spurious)',
  ],
  observables: xenbusObservables,
  goals: [X8, X19],
  view: xenbusView,
  views: xenbusViews,
  // `show` prints xenbus.h's names beside the numbers: the drivers' dev->state and be->state, and every
  // xenstore `state` node (in the store or a transaction's writes), as the pictures name them
  valueName: (path, v) => {
    const [a, b] = path;
    const last = path[path.length - 1];
    if (path.length === 2 && ((a === 'fe' && b === 'dev') || (a === 'be' && (b === 'state' || b === 'dev')))) return xenbusStateLabel(v);
    if (a === 'xs' && typeof last === 'string' && last.endsWith('/state') && typeof v === 'string') return xenbusStateLabel(v);
    return undefined;
  },
  shape: xenbusShape(),
  // finding F7 (docs/findings.md xenbus-F7): a driver rebind while libxl unplugs hangs the guest's xenwatch
  // thread at the defaults (11 steps at events=4, 10 at events=3); npm start reports it as known, writes the
  // 10-step trace found with -i stuck beside the 11-step one (docs/models/xenbus.md "What npm start shows of
  // F7"), and its reconnect=0 and unplug=0 rows check the rest
  findings: ['deadlock'],
  // npm start checks the other peers too, at the same default bounds (issue 12, "Done when")
  checkAll: [
    { params: { reconnect: '0' },
      why: 'the defaults but the driver rebind F7 needs: every invariant, deadlock and X8 on 101,923 states, four lifecycle events (a row leaving deadlock and X8 out at the defaults would check neither anywhere)' },
    { params: { unplug: '0' },
      why: 'the defaults but the toolstack unplug F7 needs: every invariant, deadlock and X8 with the driver rebinds, up to two closes and two new netfront instances (close, rebind, close, rebind) among four lifecycle events, 36,655 states' },
    { params: { bus: '7.0', reconnect: '0' },
      why: 'Linux 7.0\'s xenbus core (e2dcf9065536, docs/models/xenbus.md): the same row as reconnect=0, every invariant, deadlock and X8 on 234,003 states (the rebind is what F7 and xenbus-V1 need)' },
    { params: { frontend: 'hostile' }, leaveOut: ['X4_connected_after_hotplug', 'X11_connected_with_rings'],
      why: 'a guest that is not netfront against Linux netback: X2 (maps only what was granted), X3 (no BUG()), X12, X16, X17 (xenstore) defended; X4 and X11 are finding F6' },
    { params: { backend: 'hostile' }, leaveOut: ['deadlock'],
      why: 'a driver domain that is not netback against Linux netfront: X2 (no free or reuse of a page the backend maps), X6, X16 defended, and dom0\'s toolstack: X19 (LIBXL_INIT_TIMEOUT); deadlock is finding F7 (a backend that wrote Closed, then removed: the probe on the guest\'s xenwatch waits for ever)' },
    { params: { frontend: 'mirage' }, leaveOut: ['deadlock', 'X8_recoverable'],
      why: 'MirageOS netfront against Linux netback: every invariant; deadlock and X8 are finding M1 (no close path)' },
    { params: { frontend: 'dpdk', backend: 'dpdk' },
      why: 'the DPDK xenvirt PMD and its switching backend: X2 (gntalloc defers the free of mapped vrings), X15 at the default (no backend restart: finding D1 needs one)' },
  ],
});
