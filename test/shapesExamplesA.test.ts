/**
 * Every example whose model declares a shape, half A of examples/ (alternate
 * files in sorted order; the other half: shapesExamplesB.test.ts):
 * test/support/shapedExamples.ts compares its first check line on the packed
 * and the reference path (states, edges, depth, verdict, coverage,
 * observables, state set, trace; test/shapes.test.ts does the built-in
 * models), and with PVCHECK_SLOW_TESTS=1 (CI) every check line on one thread
 * against its header, and the first line against 3 workers (outcome, counts,
 * coverage, observables, trace bytes).
 *
 * It runs the examples at their first check line, not at their defaults
 * (2026-12-04): there 17 xenbus and nc2-xenbus variants (hostile, mirage,
 * dpdk, backendRestart, reconfigure, xmit, malformedPacket, old ends) never
 * ran their own code and gave the built-in model's 15,183 states, on both
 * paths. A variant rule of xenbus-mirage-connect-before-keys that asked
 * `'${FE}/ring-ref' in s.xs.nodes` (always true on the packed path, whose
 * records keep every key) passed there and fails here.
 * run-tests: limit 1200s
 */
import { test } from 'uvu';
import { shapedExampleTests } from './support/shapedExamples.js';

shapedExampleTests(0);

test.run();
