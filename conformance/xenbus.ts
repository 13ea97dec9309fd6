/**
 * Xenbus vectors at the level of xenstore (docs/vectors.md, "xenbus").
 *
 * After every step: `writes`, the nodes the step created or changed (path ->
 * value, paths relative to the owner's `/local/domain/<id>`: `device/vif/0/...`
 * for the frontend, `backend/vif/1/0/...` for the backend), and `removed`, the
 * nodes it removed (both sorted by path; a write of the value a node already
 * had leaves no trace in the store and is not listed); `frontend_state` and
 * `backend_state`, the `state` nodes as XenbusState names
 * (`XenbusStateInitWait`, ...; `missing` when the node does not exist);
 * `seen`, for a step that runs a watch handler, the watch (`token`, `path`)
 * and what the handler reads (`value`: a XenbusState name for a state node,
 * the raw string otherwise, `missing`); and, for a step of the frontend or the
 * backend, `dev_state`, the xenbus core's `dev->state` of that side (the state
 * xenbus_switch_state compares with).
 */
import type { Json } from './format.js';
import { registerHooks, type Boundary, type Obs, type VectorHooks } from './hooks.js';
import {
  BE, DRIVER_DOMAIN, FE, GUEST, W_BE_HOTPLUG, W_BE_OTHEREND, W_FE_OTHEREND, XenbusStateClosed, XenbusStateClosing, XenbusStateConnected,
  XenbusStateInitWait, xenbus, xenbusStateName, type XenbusModelState, type XenbusParams,
} from '../model/xenbus.js';
import type { Xenstore } from '../model/xenstore.js';

type S = XenbusModelState;
type P = XenbusParams;

export const stateName = (n: number): string => `XenbusState${xenbusStateName[n] ?? n}`;

/** A `state` node as a XenbusState name, `missing` when absent, the raw string when not a number. */
export function nodeState(xs: Xenstore, dir: string): string {
  const v = xs.nodes[dir + '/state'];
  if (v === undefined) return 'missing';
  const n = Number(v);
  return Number.isInteger(n) && n >= 0 && n < xenbusStateName.length ? stateName(n) : v;
}

export function xsDiff(pre: Xenstore, post: Xenstore): { writes: Record<string, string>; removed: string[] } {
  const writes: Record<string, string> = {};
  for (const k of Object.keys(post.nodes).sort()) if (pre.nodes[k] !== post.nodes[k]) writes[k] = post.nodes[k]!;
  const removed = Object.keys(pre.nodes).filter((k) => post.nodes[k] === undefined).sort();
  return { writes, removed };
}

/** The rules that run a watch handler (xsDeliver of their owner's next event), by the owner whose queue they take from. */
export const HANDLERS: Readonly<Record<string, string>> = { frontend_changed: DRIVER_DOMAIN, hotplug_status_changed: DRIVER_DOMAIN, netback_changed: GUEST };

/** The watch whose event a handler step consumed: the head of its owner's queue before the step. */
export function delivered(rule: string, pre: S): { token: string; path: string } | undefined {
  const owner = HANDLERS[rule];
  const token = owner === undefined ? undefined : pre.xs.events[owner]?.[0];
  if (token === undefined) return undefined;
  return { token, path: pre.xs.watches.find((x) => x.token === token)?.path ?? '' };
}

const readAs = (xs: Xenstore, path: string): string => {
  if (path.endsWith('/state')) return nodeState(xs, path.slice(0, -'/state'.length));
  return xs.nodes[path] ?? 'missing';
};

const observe = (rule: string, pre: S, post: S): Obs => {
  const { writes, removed } = xsDiff(pre.xs, post.xs);
  const d = delivered(rule, pre);
  const actor = ruleActor.get(rule);
  return {
    writes,
    removed,
    frontend_state: nodeState(post.xs, FE),
    backend_state: nodeState(post.xs, BE),
    ...(d ? { seen: { token: d.token, path: d.path, value: readAs(pre.xs, d.path) } } : {}),
    ...(actor === 'frontend' ? { dev_state: stateName(post.fe.dev) } : actor === 'backend' ? { dev_state: stateName(post.be.dev) } : {}),
  } as Record<string, Json>;
};

/** Rule name -> actor (observe is not given the model; variants keep the base's rule names). */
const ruleActor = new Map<string, string>(xenbus.rules.filter((r) => r.actor).map((r) => [r.name, r.actor!]));

const args = (rule: string, _pre: S, _p: P, choice: unknown): Obs | undefined =>
  rule === 'xs_watch_event(spurious)' && typeof choice === 'string' ? { token: choice } : undefined;

const wrote = (path: string, value: number) => (o: Obs): boolean => (o.writes as Record<string, string>)[path] === String(value);
const seenValue = (o: Obs, token: string, value: string): boolean => {
  const s = o.seen as { token: string; value: string } | undefined;
  return !!s && s.token === token && s.value === value;
};

export const xenbusBoundaries: readonly Boundary<S, P>[] = [
  { name: 'backend-initwait', reason: 'netback_probe writes the features and backend state XenbusStateInitWait', hits: (v) => wrote(`${BE}/state`, XenbusStateInitWait)(v.obs) },
  { name: 'frontend-keys', reason: 'netfront commits its keys (tx-ring-ref, event-channel, ...) in one transaction', hits: (v) => Object.keys(v.obs.writes as object).some((k) => k.endsWith('/tx-ring-ref')) },
  { name: 'frontend-connected', reason: 'the frontend writes XenbusStateConnected', hits: (v) => wrote(`${FE}/state`, XenbusStateConnected)(v.obs) },
  { name: 'backend-connected', reason: 'the backend writes XenbusStateConnected (after hotplug-status "connected")', hits: (v) => wrote(`${BE}/state`, XenbusStateConnected)(v.obs) },
  { name: 'backend-sees-connected', reason: "netback's otherend watch reads the frontend's XenbusStateConnected and connects", hits: (v) => seenValue(v.obs, W_BE_OTHEREND, stateName(XenbusStateConnected)) },
  { name: 'frontend-sees-connected', reason: "netfront's otherend watch reads XenbusStateConnected", hits: (v) => seenValue(v.obs, W_FE_OTHEREND, stateName(XenbusStateConnected)) },
  { name: 'hotplug-connected', reason: 'netback reads hotplug-status "connected" and publishes its deferred state', hits: (v) => seenValue(v.obs, W_BE_HOTPLUG, 'connected') },
  { name: 'frontend-closing', reason: 'the frontend writes XenbusStateClosing', hits: (v) => wrote(`${FE}/state`, XenbusStateClosing)(v.obs) },
  { name: 'backend-closed', reason: 'the backend writes XenbusStateClosed', hits: (v) => wrote(`${BE}/state`, XenbusStateClosed)(v.obs) },
  { name: 'frontend-sees-closing', reason: "netfront's otherend watch reads XenbusStateClosing", hits: (v) => seenValue(v.obs, W_FE_OTHEREND, stateName(XenbusStateClosing)) },
  { name: 'nodes-removed', reason: 'the toolstack removes the device nodes', hits: (v) => (v.obs.removed as string[]).some((k) => k === `${FE}/state` || k === `${BE}/state`) },
];

export const xenbusHooks: VectorHooks<S, P> = { observe, args, boundaries: xenbusBoundaries };

registerHooks('xenbus', xenbusHooks);
