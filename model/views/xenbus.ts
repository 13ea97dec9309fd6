/**
 * What the sequence charts need from the xenbus model (xenbus.ts): the
 * toolstack, netfront, xenstored and netback as columns; every xenstore write
 * as an arrow to xenstored and every watch it fires as an arrow to the
 * watching driver (xenstoreTouches).
 */
import type { ModelViews } from '../core.js';
import { xenstoreTouches } from './xenstore.js';

/** The watch owners of xenbus.ts (GUEST, DRIVER_DOMAIN) as chart columns. */
const actorOf = (owner: string): string => (owner === 'guest' ? 'frontend' : owner === 'backend-domain' ? 'backend' : owner);

export const xenbusViews: ModelViews = {
  actors: ['toolstack', 'frontend', 'xenstore', 'backend'],
  step: (_rule, before, after) => xenstoreTouches(before?.xs, after?.xs, actorOf),
};
