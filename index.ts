/**
 * pvcheck's public API, for users' model files:
 *
 *   import { deriveModel, ringNotify } from 'pvcheck';
 *
 * Model API and built-in models (model/), the checker (checker/) and the
 * property binding (properties/). Traces are in 'pvcheck/traces'.
 */
// the models: model/index.ts (also 'pvcheck/model')
export * from './model/index.js';
export { check, Search, type CheckResult, type CheckOptions, type TraceStep, type Violation } from './checker/explore.js';
export { bind } from './properties/bind.js';
