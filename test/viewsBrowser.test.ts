/**
 * The HTML report in a real browser: Debian's chromium, headless, driven by
 * playwright-core (no browser download: it runs /usr/bin/chromium, or
 * PVCHECK_CHROMIUM). The page of a xenbus counterexample loads with no
 * console error, names the violated invariant, the slider and the left/right
 * keys change the state shown, and a screenshot is kept as an artifact in
 * out/artifacts/. `pvcheck diff --report`'s page shows both sides, the verdict
 * and the after-only run with a working slider. Skipped with one line when
 * there is no chromium (CI installs it).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import hotplugNoWait from '../examples/xenbus-hotplug-no-wait.js';
import noRecheck from '../examples/ring-no-recheck.js';
import { traceFromViolation } from '../traces/index.js';
import { htmlReport } from '../traces/viewsHtml.js';
import type { Model } from '../model/core.js';
import { paramsOf, runModel } from './support/models.js';
import { scratchDir } from './support/tmp.js';
import { pvcheck } from './support/cli.js';

const root = resolve(import.meta.dirname, '..');
const chromiumPath = process.env.PVCHECK_CHROMIUM ?? '/usr/bin/chromium';
const artifacts = join(root, 'out', 'artifacts');
const tmp = scratchDir('pvcheck-browser-');

const reportOf = (m: Model, ov: Record<string, string | number>, file: string): string => {
  const p = paramsOf(m, ov);
  const r = runModel(m, p);
  assert.ok(r.violation);
  const path = join(tmp, file);
  writeFileSync(path, htmlReport({ trace: traceFromViolation(m, p, r.violation!), model: m }));
  return path;
};

/** A page in headless chromium collecting console errors and page errors; the browser is closed after `body`. */
async function inChromium(body: (page: import('playwright-core').Page, errors: string[]) => Promise<void>): Promise<void> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const errors: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('pageerror', (e) => errors.push(String(e)));
    await body(page, errors);
  } finally {
    await browser.close();
  }
}

if (!existsSync(chromiumPath)) {
  console.log(`  skip: the browser test of the HTML report: no chromium at ${chromiumPath} (apt-get install chromium, or set PVCHECK_CHROMIUM)`);
} else {
  test('report in chromium: no console error, violation named, slider and keys change the state, screenshot kept', async () => {
    await inChromium(async (page, errors) => {
      const requests: string[] = [];
      page.on('request', (r) => { if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) requests.push(r.url()); });
      const file = reportOf(hotplugNoWait as Model, {}, 'xenbus.html');
      await page.goto(pathToFileURL(file).href);
      assert.match(await page.textContent('.verdict') ?? '', /X4_connected_after_hotplug/);
      // the last step (the violation) is shown first, alone
      const current = async () => page.$eval('.step.current', (e) => [e.id, e.querySelector('table.state')!.textContent ?? '']);
      const [id6, state6] = await current();
      assert.is(id6, 'step-6');
      assert.is(await page.$$eval('.step', (els) => els.filter((e) => (globalThis as any).getComputedStyle(e).display !== 'none').length), 1);
      assert.match(await page.$eval('#step-6 tr.changed', (e) => e.textContent ?? ''), /backend\/vif\/1\/0\/state/);
      await page.keyboard.press('ArrowLeft');
      const [id5, state5] = await current();
      assert.is(id5, 'step-5');
      assert.is.not(state5, state6, 'the state shown changed');
      await page.$eval('#slider', (e) => { (e as unknown as { value: string }).value = '1'; (e as unknown as { dispatchEvent(ev: unknown): void }).dispatchEvent(new Event('input')); });
      const [id1] = await current();
      assert.is(id1, 'step-1');
      assert.match(await page.textContent('#steplabel') ?? '', /libxl__device_vif_add/);
      assert.ok(await page.$('#row-1.current'), 'the chart row of the step is highlighted');
      await page.keyboard.press('ArrowRight');
      assert.is((await current())[0], 'step-2');
      mkdirSync(artifacts, { recursive: true });
      const shot = join(artifacts, 'report-xenbus-hotplug-no-wait.png');
      await page.keyboard.press('ArrowRight'); await page.keyboard.press('ArrowRight'); await page.keyboard.press('ArrowRight'); await page.keyboard.press('ArrowRight');
      await page.screenshot({ path: shot, fullPage: false });
      assert.ok(statSync(shot).size > 10_000, 'a screenshot was written');
      // the ring picture is drawn as a ring
      const ring = reportOf(noRecheck as Model, { ringSize: 2, messages: 4 }, 'ring.html');
      await page.goto(pathToFileURL(ring).href);
      assert.is(await page.$$eval('#step-34 svg.ring path.slot', (els) => els.length), 2);
      assert.match(await page.textContent('.verdict') ?? '', /I4_no_lost_wakeup/);
      await page.screenshot({ path: join(artifacts, 'report-ring-no-recheck.png') });
      assert.equal(errors, [], 'no console errors');
      assert.equal(requests, [], 'no network request');
    });
  });

  test('diff --report in chromium: both sides and the verdict, the after-only run charted, slider works, no console error', async () => {
    const out = join(tmp, 'diff.html');
    const r = pvcheck(['diff', 'ring-notify', join(root, 'examples/ring-no-recheck.ts'), '-p', 'ringSize=2', '-p', 'messages=3', '--report', out, '--trace-dir', tmp, '-q'], tmp);
    assert.is(r.code, 1, r.err); // the states differ
    assert.match(r.out, /^  report +.*diff\.html \(the run to the first state only after reaches, charted\)$/m);
    await inChromium(async (page, errors) => {
      await page.goto(pathToFileURL(out).href);
      assert.match(await page.textContent('p.outcome') ?? '', /^the reachable states differ: 145 only after, 588 only before$/);
      const h2 = await page.$$eval('h2', (els) => els.map((e) => e.textContent));
      assert.equal(h2, ['The diff', 'Before: ring-notify', 'After: ring-no-recheck', 'The first state only after (ring-no-recheck) reaches: 21 steps']);
      const pre = await page.$$eval('pre', (els) => els.map((e) => e.textContent ?? ''));
      assert.match(pre[1]!, /verdict +ok: every invariant holds/);
      assert.match(pre[2]!, /verdict +VIOLATION of I4_no_lost_wakeup after 33 steps/);
      assert.match(pre[2]!, /rules +fire only here: F9b, F9c, B8b/);
      // the chart and the slider of the after-only run (ring-no-recheck's own rules)
      assert.is(await page.$$eval('.step', (els) => els.length), 22);
      assert.is(await page.$eval('.step.current', (e) => e.id), 'step-21');
      await page.keyboard.press('ArrowLeft');
      assert.is(await page.$eval('.step.current', (e) => e.id), 'step-20');
      assert.equal(errors, [], 'no console errors');
      mkdirSync(artifacts, { recursive: true });
      await page.screenshot({ path: join(artifacts, 'report-diff-ring-no-recheck.png') });
    });
  });

  test('report without JavaScript: every step is on the page, in order', async () => {
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox', '--disable-gpu'] });
    try {
      const ctx = await browser.newContext({ javaScriptEnabled: false });
      const page = await ctx.newPage();
      await page.goto(pathToFileURL(reportOf(hotplugNoWait as Model, {}, 'xenbus-nojs.html')).href);
      const visible = await page.$$eval('.step', (els) => els.filter((e) => (globalThis as any).getComputedStyle(e).display !== 'none').map((e) => e.id));
      assert.equal(visible, ['step-0', 'step-1', 'step-2', 'step-3', 'step-4', 'step-5', 'step-6']);
    } finally {
      await browser.close();
    }
  });
}

test.run();
