export * from './core.js';
export * from './params.js';
export * from './registry.js';
export * as ringNotify from './ringNotify.js';
export * from './shape.js';
