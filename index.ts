/**
 * pvcheck's public API, for users' model files:
 *
 *   import { deriveModel, ringNotify } from 'pvcheck';
 *
 * Model API and built-in models (model/), the checker (checker/) and the
 * property binding (properties/). Traces are in 'pvcheck/traces'.
 */
export * from './model/core.js';
export * from './model/params.js';
export { builtinModels, findModel } from './model/registry.js';
export { ringNotify } from './model/ringNotify.js';
export * as ringNotifyModel from './model/ringNotify.js';
export { ring } from './model/ring.js';
export * as ringModel from './model/ring.js';
export * as memory from './model/memory.js';
export * as litmus from './model/litmus.js';
export { blkif } from './model/blkif.js';
export * as blkifModel from './model/blkif.js';
export { netifCtrl } from './model/netifCtrl.js';
export * as netifCtrlModel from './model/netifCtrl.js';
export { netifTx } from './model/netif.js';
export * as netifModel from './model/netif.js';
export * from './model/idx32.js';
export { ringApi } from './model/ringApi.js';
export * as ringApiModel from './model/ringApi.js';
export { xenbus } from './model/xenbus.js';
export * as xenbusModel from './model/xenbus.js';
export * as xenstore from './model/xenstore.js';
export { grant } from './model/grant.js';
export * as grantModel from './model/grant.js';
export { limiter } from './model/limiter.js';
export * as limiterModel from './model/limiter.js';
export { check, Search, type CheckResult, type CheckOptions, type TraceStep, type Violation } from './checker/explore.js';
export { bind } from './properties/bind.js';
