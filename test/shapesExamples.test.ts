/**
 * Every example whose model declares a shape gives the same states, edges,
 * depth, verdict, coverage, observables, state set and trace bytes on the
 * packed path as on the reference path, where its variant runs: at its first
 * `@pvcheck check` line (the parameters, invariants and deadlock option its
 * header declares; test/shapes.test.ts does the built-in models).
 *
 * It ran at each example's defaults before (2026-12-04): there 17 xenbus and
 * nc2-xenbus variants (hostile, mirage, dpdk, backendRestart, reconfigure, xmit,
 * malformedPacket, old ends) never ran their own code and gave the built-in
 * model's 15,183 states, on both paths, in two thirds of the file's time. A
 * variant rule of xenbus-mirage-connect-before-keys that asked
 * `'${FE}/ring-ref' in s.xs.nodes` (always true on the packed path, whose
 * records keep every key) passed there and fails here.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as E from 'fp-ts/lib/Either.js';
import { readHeader } from '../cli/catalogue.js';
import type { Model } from '../model/core.js';
import { checkLine, paramsOf, pathsSummary as summary } from './support/models.js';

type M = Model<unknown, unknown>;
const exDir = resolve(import.meta.dirname, '..', 'examples');
for (const f of readdirSync(exDir).filter((x) => x.endsWith('.ts')).sort()) {
  test(`example ${f}: packed and reference paths agree at its first check line`, async () => {
    const m = (await import(pathToFileURL(join(exDir, f)).href)).default as M;
    if (!m.shape) return;
    const h = readHeader(join(exDir, f));
    if (E.isLeft(h)) throw new Error(h.left);
    const line = checkLine([h.right.checks[0]!.args]);
    const p = paramsOf(m, line.params);
    assert.is(summary(m, p, false, line), summary(m, p, true, line), `check examples/${f} ${h.right.checks[0]!.args.join(' ')}`);
  });
}

test.run();
