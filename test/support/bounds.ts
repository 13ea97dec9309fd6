/**
 * The built-in models' parameters as the tests were written: their defaults at
 * ac0e0f5 (2026-12-04), before session 12 raised grant's and blkif's (and may
 * raise others'). A test that proves something the bounds do not decide (the
 * checker against the naive BFS, packed against reference path, 1 against 3
 * workers, a codec round trip, a CLI report line) runs a built-in at
 * `writtenAt(name, overrides)` instead of its defaults, so that raising a
 * default (README "Bounds and guarantees") moves neither its result nor CI's
 * time. A test of the defaults themselves (test/pinned.test.ts's `npm start`,
 * test/grantDefault.test.ts) keeps reading the model's own.
 */
const WRITTEN_AT: Readonly<Record<string, Readonly<Record<string, string | number | boolean>>>> = {
  'ring-notify': { ringSize: 4, messages: 8 },
  'limiter': { creditBytes: 2, creditUsec: 1, burst: 4, wordBits: 4, honestSize: 1, honestSlots: 1, hostileMaxSize: 2, hostileMaxSlots: 2, hostileRing: 1, budget: 1, maxPackets: 1, cpu: 9, lateeoiMaxDelay: 2, rxQueueMax: 2, rxPacketBytes: 1, rxSlotsNeeded: 2, rxStallTicks: 2, rxDrainTicks: 2, rxDrainTicksNoNotify: 1, rxNotify: 'guest', hostile: true, hostileRx: false, responseBound: 0, creditTimer: 'netback', maxLag: 1, maxQueues: 1 },
  'limiter-rx': { creditBytes: 2, creditUsec: 1, burst: 4, wordBits: 4, honestSize: 1, honestSlots: 1, hostileMaxSize: 2, hostileMaxSlots: 2, hostileRing: 1, budget: 1, maxPackets: 1, cpu: 9, lateeoiMaxDelay: 2, rxQueueMax: 2, rxPacketBytes: 1, rxSlotsNeeded: 2, rxStallTicks: 2, rxDrainTicks: 2, rxDrainTicksNoNotify: 1, rxNotify: 'guest', hostile: false, hostileRx: true, responseBound: 0, creditTimer: 'netback', maxLag: 1, maxQueues: 1 },
  'xenbus': { frontend: 'new', hostileWrites: 2, backend: 'new', frontendQueues: 2, backendMaxQueues: 2, guestClose: 1, reconnect: 1, unplug: 1, slowFrontend: false, forcedRemoval: true, migrate: 1, backendRestart: 0, frontendFatal: 1, backendFatal: 1, reconfigure: 0, spurious: 1, hotplugFail: 0, initTimeout: 1, malformedPacket: 0, xmit: false, events: 2, backendWatchDrop: 'pending', quotaEntries: 16, quotaWatches: 2, quotaTransactions: 1, quotaEntrySize: 2048, txnConflicts: 'any' },
  'ring': { ringSize: 4, messages: 8, startIndex: 0, init: 'fresh', payloads: 1, rings: 'one', evtchn: 'shared', memory: 'sc', bufferSize: 2, frontend: 'honest', backend: 'honest', hostileWrites: 1, counters: false },
  'ring-api': { ringSize: 2, messages: 3, startIndex: 0 },
  'grant': { refs: 1, pages: 1, handles: 2, transitive: 1, copies: 1, unmaps: 1, maps: 1, cacheSize: 1, transTargets: 'granter', rogueFlags: 'two', subPage: true, version: 'any', reserved: 'xenstore', granter: 'honest', setStatusPinned: 'xen', grantee: 'hostile', transWrites: 'late' },
  'blkif': { ringSize: 2, requests: 3, pages: 2, persistent: true, backendPersistent: true, maxPgrants: 1 },
  'netif-ctrl': { ringSize: 2, requests: 2, numQueues: 2, maxMappingSize: 4, hostileIndex: false },
  'netif-tx': { ringSize: 8, packets: 2, slotsMin: 2, fatalSlots: 0, maxSlots: 2, stopAt: 'netfront', budget: 2, gso: 'on', frontend: 'honest', backend: 'honest', hostileWrites: 1, evtchn: 'off', storms: 0 },
  'netif-rx': { ringSize: 4, packets: 2, maxSlots: 2, slotsMin: 3, gso: 'on', backend: 'hostile', hostileWrites: 1, evtchn: 'lateeoi', storms: 0, rxQueueMax: 2 },
  'vif': { connects: 2, packets: 2, creditBytes: 1, creditUsec: 1 },
  'nc2': { ringBytes: 32, messages: 2, maxMessage: 16, directions: 1, startIndex: 4294967280, hints: false, backend: 'honest', hostileWrites: 3 },
  'nc2-packets': { packets: 4, buffers: 3, maxPackets: 2, unmapWithin: 1, ticks: 2 },
  'nc2-bypass': { packets: 2, setups: 2, suspends: 1 },
  'nc2-api': { ringBytes: 32, messages: 3, maxMessage: 16, startIndex: 0, hostile: false },
};

/** `overrides` over the parameters a built-in model `name` had when the tests were written (a model not listed: `overrides` alone). */
export const writtenAt = (name: string, overrides: Readonly<Record<string, string | number | boolean>> = {}): Record<string, string | number | boolean> =>
  ({ ...(WRITTEN_AT[name] ?? {}), ...overrides });

/** The same as `pvcheck` arguments (`-p name=value` each), for a test that runs the CLI. */
export const writtenAtArgs = (name: string, overrides: Readonly<Record<string, string | number | boolean>> = {}): string[] =>
  Object.entries(writtenAt(name, overrides)).flatMap(([k, v]) => ['-p', `${k}=${v}`]);
