/**
 * 'pvcheck/model': the model API and the built-in models, under the same
 * names as the root 'pvcheck' exports them (which re-exports this module).
 * A new model is exported here, not in index.ts.
 */
export * from './core.js';
export * from './params.js';
export { builtinModels, findModel } from './registry.js';
export { ringNotify } from './ringNotify.js';
export * as ringNotifyModel from './ringNotify.js';
export { ring } from './ring.js';
export * as ringModel from './ring.js';
export * as memory from './memory.js';
export * as litmus from './litmus.js';
export { blkif } from './blkif.js';
export * as blkifModel from './blkif.js';
export { netifCtrl } from './netifCtrl.js';
export * as netifCtrlModel from './netifCtrl.js';
export { netifTx } from './netif.js';
export * as netifModel from './netif.js';
export { netifRx } from './netifRx.js';
export * as netifRxModel from './netifRx.js';
export * from './idx32.js';
export { ringApi } from './ringApi.js';
export * as ringApiModel from './ringApi.js';
export { xenbus } from './xenbus.js';
export * as xenbusModel from './xenbus.js';
export * as xenstore from './xenstore.js';
// named at the top level too, so that a user's declaration emit can name it (TS2883)
export type * from './xenstore.js';
export { grant } from './grant.js';
export * as grantModel from './grant.js';
export { nc2 } from './nc2.js';
export * as nc2Model from './nc2.js';
export { nc2Packets } from './nc2Packets.js';
export * as nc2PacketsModel from './nc2Packets.js';
export { nc2Bypass } from './nc2Bypass.js';
export * as nc2BypassModel from './nc2Bypass.js';
export { nc2Api } from './nc2Api.js';
export * as nc2ApiModel from './nc2Api.js';
export { limiter } from './limiter.js';
export * as limiterModel from './limiter.js';
export { vif } from './vif.js';
export * as vifModel from './vif.js';
// state shapes (packed states, scalarsets): shape.int, shape.record, ...
export * as shape from './shape.js';
export type { Shape } from './shape.js';
