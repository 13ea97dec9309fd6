export * from './explore.js';
export * from './fingerprint.js';
export * from './flat.js';
export type * from './system.js';
