/**
 * The built-in models, by name. `pvcheck list` prints them and `npm start`
 * checks each at its default parameters. Adding a model: import it and add one
 * entry below.
 */
import type { Model } from './core.js';
import { ringNotify } from './ringNotify.js';
import { limiter, limiterRx } from './limiter.js';
import { xenbus } from './xenbus.js';
import { ring } from './ring.js';
import { ringApi } from './ringApi.js';
import { grant } from './grant.js';
import { blkif } from './blkif.js';
import { netifCtrl } from './netifCtrl.js';
import { netifTx } from './netif.js';
import { netifRx } from './netifRx.js';
import { vif } from './vif.js';
import { nc2 } from './nc2.js';
import { nc2Bypass } from './nc2Bypass.js';
import { nc2Packets } from './nc2Packets.js';
import { nc2Api } from './nc2Api.js';

export const builtinModels: readonly Model[] = [
  ringNotify,
  limiter,
  limiterRx,
  xenbus,
  ring,
  ringApi,
  grant,
  blkif,
  netifCtrl,
  netifTx,
  netifRx,
  vif,
  nc2,
  nc2Packets,
  nc2Bypass,
  nc2Api,
];

export function findModel(name: string): Model | undefined {
  return builtinModels.find((m) => m.name === name);
}
