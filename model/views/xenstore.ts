/**
 * Sequence-chart views for models that hold a xenstore (model/xenstore.ts,
 * as `xs` in their state): a step that writes or removes nodes sends an
 * arrow to the `xenstore` column, and each watch event it queues (the watch
 * firing, xs_watch_event) an arrow from `xenstore` to the watching domain's
 * actor.
 */
import type { RuleTouches, ViewMessage } from '../core.js';
import type { Xenstore } from '../xenstore.js';

const short = (path: string): string => path;

/** The touches of a step on the xenstore `xs` of the states around it; `actorOf` maps a watch owner (a domain) to its column. */
export function xenstoreTouches(before: Xenstore | undefined, after: Xenstore | undefined, actorOf: (owner: string) => string): RuleTouches {
  if (!before || !after) return {};
  const messages: ViewMessage[] = [];
  const writes: string[] = [];
  const changed: string[] = [];
  for (const path of new Set([...Object.keys(before.nodes), ...Object.keys(after.nodes)])) {
    const a = before.nodes[path], b = after.nodes[path];
    if (a === b) continue;
    writes.push(`xenstore ${path}`);
    changed.push(b === undefined ? `rm ${short(path)}` : `${short(path)}=${b}`);
  }
  if (changed.length)
    messages.push({
      to: 'xenstore',
      label: `write ${changed.slice(0, 3).join(', ')}${changed.length > 3 ? ` (+${changed.length - 3} more)` : ''}`,
      via: 'xenstore',
    });
  for (const owner of Object.keys(after.events)) {
    const q0 = before.events[owner] ?? [], q1 = after.events[owner] ?? [];
    // events are queued at the end and delivered from the front: new ones are the tail beyond what is left of the old queue
    let kept = q0.length;
    while (kept > 0 && q0.slice(q0.length - kept).join('\n') !== q1.slice(0, kept).join('\n')) kept--;
    for (const token of q1.slice(kept)) messages.push({ from: 'xenstore', to: actorOf(owner), label: `watch ${token} fires`, via: 'watch' });
  }
  return { writes, messages };
}
