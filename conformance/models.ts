/**
 * The vector vocabularies conformance/ declares for models that do not carry
 * their own (`vectors` field): importing this file registers them (hooks.ts
 * registerHooks). generate.ts imports it, so every entry point sees them.
 */
import './grant.js';
import './limiter.js';
import './xenbus.js';
import './netif.js';
