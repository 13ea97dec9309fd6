export * from './bind.js';
export * from './fault.js';
