/**
 * Every example whose model declares a shape (model/shape.ts) gives the same
 * states, edges, depth, verdict, state set and trace bytes on the packed path
 * as on the reference path, at its defaults (test/shapes.test.ts does the
 * built-in models).
 *
 * every example twice (packed and reference path): 482 s at load 13, killed at 600 s at load 16 (2026-12-03).
 * run-tests: limit 1200s
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Model } from '../model/core.js';
import { paramsOf, pathsSummary as summary } from './support/models.js';

type M = Model<unknown, unknown>;
const exDir = resolve(import.meta.dirname, '..', 'examples');
for (const f of readdirSync(exDir).filter((x) => x.endsWith('.ts')).sort()) {
  test(`example ${f}: packed and reference paths agree at its defaults`, async () => {
    const m = (await import(pathToFileURL(join(exDir, f)).href)).default as M;
    if (!m.shape) return;
    const p = paramsOf(m, {});
    assert.is(summary(m, p, false), summary(m, p, true));
  });
}

test.run();
