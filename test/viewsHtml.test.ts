/**
 * The HTML report's content (traces/viewsHtml.ts, `pvcheck show --html`,
 * `pvcheck check --report`): self-contained (no URL to load), the violation
 * named with its Xen source, a section per step with the changed fields
 * marked, the chart, the check's outcome and coverage, under 1 MB for the
 * longest example trace. The browser side is test/viewsBrowser.test.ts.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { scratchDir } from './support/tmp.js';

const root = resolve(import.meta.dirname, '..');
const tmp = scratchDir('pvcheck-html-');
const pv = (args: string[]) => spawnSync(process.execPath, [join(root, 'bin/pvcheck.mjs'), ...args], { encoding: 'utf8', cwd: tmp });

const selfContained = (html: string): void => {
  assert.not.match(html, /(src|href)\s*=\s*["']?(https?:|\/\/)/i, 'no external asset');
  assert.not.match(html, /@import|url\(\s*["']?https?:/i, 'no external stylesheet');
};

test('check --report and show --html: the 63-step ring-final-check-no-mb counterexample', () => {
  const report = join(tmp, 'nomb-report.html');
  const trace = join(tmp, 'nomb.trace.json');
  const r = pv(['check', join(root, 'examples/ring-final-check-no-mb.ts'), '-p', 'memory=tso', '-p', 'ringSize=2', '-p', 'messages=3', '-q', '-w', '1', '--trace-out', trace, '--report', report]);
  assert.is(r.status, 1, r.stderr);
  assert.match(r.stdout, /report +.*nomb-report\.html/);
  const html = readFileSync(report, 'utf8');
  selfContained(html);
  assert.ok(Buffer.byteLength(html) < 1_000_000, `${Buffer.byteLength(html)} bytes`);
  assert.match(html, /VIOLATION of I4_no_lost_wakeup after 63 steps/);
  assert.match(html, /Coverage: \d+\/\d+ rules fired/);
  assert.match(html, /Invariant I4_no_lost_wakeup is violated in the state of step 63\./);
  assert.match(html, /Xen source: <code>[^<]*ring/);
  for (let i = 0; i <= 63; i++) assert.ok(html.includes(`<section class="step" id="step-${i}"`), `step ${i}`);
  assert.ok(html.includes('<svg class="chart"'), 'the chart');
  assert.match(html, /<svg class="ring"/, 'the ring drawn as a ring');
  // step 63 changed req_event (the store that became visible), marked as changed
  const s63 = html.slice(html.indexOf('id="step-63"'));
  assert.match(s63, /<tr class="changed"><td>[^<]*req_event/);
  const shown = join(tmp, 'nomb-show.html');
  const s = pv(['show', trace, '--html', shown]);
  assert.is(s.status, 0, s.stderr);
  const h2 = readFileSync(shown, 'utf8');
  selfContained(h2);
  assert.match(h2, /I4_no_lost_wakeup violated in 63 steps/);
});

test('show --html: bad uses are one-line errors', () => {
  const r = pv(['show', join(tmp, 'nope.json'), '--html', join(tmp, 'x.html'), '--msc']);
  assert.is(r.status, 2);
  assert.is(r.stderr.trim().split('\n').length, 1);
  assert.match(r.stderr, /exclusive/);
});

test.run();
