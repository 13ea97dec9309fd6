/**
 * Sequence charts of counterexamples (traces/views.ts, `pvcheck show --msc`
 * and `--mermaid`): the right columns, one row per step in order, arrows for
 * event-channel notifications and xenstore watches, the width kept, and
 * sensible charts for a model that declares nothing and a trace without model.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import noRecheck from '../examples/ring-no-recheck.js';
import hotplugNoWait from '../examples/xenbus-hotplug-no-wait.js';
import { chartOf, mermaidChart, mscText, traceFromViolation, writeTraceFile, type Trace } from '../traces/index.js';
import type { Model } from '../model/core.js';
import { paramsOf, runModel } from './support/models.js';
import { scratchDir } from './support/tmp.js';

const root = resolve(import.meta.dirname, '..');
const tmp = scratchDir('pvcheck-views-');

const traceOf = (m: Model, ov: Record<string, string | number>): Trace => {
  const p = paramsOf(m, ov);
  const r = runModel(m, p);
  assert.ok(r.violation, `${m.name} has a counterexample`);
  return traceFromViolation(m, p, r.violation!);
};

const lostWakeup = traceOf(noRecheck as Model, { ringSize: 2, messages: 4 });
const hotplug = traceOf(hotplugNoWait as Model, {});

/** The step numbers of the chart's rows, in order. */
const stepRows = (text: string): number[] =>
  text.split('\n').flatMap((l) => (/^ {0,3}\d+ /.test(l) ? [Number(l.slice(0, 4))] : []));

test('msc: the 34-step lost wake-up, one row per step, frontend and backend columns, within 72 columns', () => {
  const out = mscText(chartOf(lostWakeup, noRecheck as Model));
  for (const l of out.split('\n')) assert.ok(l.length <= 72, `line longer than 72: ${JSON.stringify(l)}`);
  assert.equal(stepRows(out), Array.from({ length: 35 }, (_, i) => i));
  assert.match(out, /^step +frontend +backend$/m);
  // each step's row names its action, in the column of its actor
  const rows = out.split('\n').filter((l) => /^ {0,3}\d+ /.test(l));
  lostWakeup.steps.slice(1).forEach((s, k) => {
    const row = rows[k + 1]!;
    assert.ok(row.includes(` ${s.action} `) || row.endsWith(` ${s.action}`), `row ${k + 1} names ${s.action}: ${row}`);
    const actor = (noRecheck as Model).rules.find((r) => r.name === s.rule)!.actor;
    const star = row.indexOf('*');
    assert.ok(actor === 'frontend' ? star < 12 : star >= 12, `row ${k + 1} acts in the ${actor} column: ${row}`);
  });
  // F6 notifies the backend through the event channel: an arrow from the frontend column to the backend's
  const f6 = lostWakeup.steps.findIndex((s) => s.action === 'F6');
  assert.ok(f6 > 0);
  const lines = out.split('\n');
  const at = lines.findIndex((l) => l.startsWith(String(f6).padStart(4) + ' '));
  const next = lines.findIndex((l, k) => k > at && /^ {0,3}\d+ /.test(l));
  assert.ok(lines.slice(at, next).some((l) => /^ +\*-+>\| +notify_remote_via_evtchn \(evtchn\)$/.test(l)), lines.slice(at, next).join('\n'));
  // the ring picture where it changed, and the verdict
  assert.match(out, /\| \[Q Q\] {2}req prod 4 pvt 4 cons 2 event 3/);
  assert.match(out, /Invariant I4_no_lost_wakeup is violated in the state of step 34\.\n$/);
});

test('msc --width: wider terminals get longer lines, never more than asked', () => {
  const chart = chartOf(lostWakeup, noRecheck as Model);
  const wide = mscText(chart, { width: 132 });
  const lens = wide.split('\n').map((l) => l.length);
  assert.ok(Math.max(...lens) <= 132 && Math.max(...lens) > 72, `max line ${Math.max(...lens)}`);
  assert.ok(wide.split('\n').length < mscText(chart).split('\n').length, 'fewer lines when wider');
});

test('msc: xenbus, the toolstack, both drivers and xenstored, with writes and the watches they fire', () => {
  const chart = chartOf(hotplug, hotplugNoWait as Model);
  assert.equal(chart.actors, ['toolstack', 'frontend', 'xenstore', 'backend']);
  // step 1: the toolstack writes the device's nodes
  const s1 = chart.steps[1]!;
  assert.is(s1.actor, 'toolstack');
  // ... and those writes fire the bus watches (xenwatch events for netback_probe and netfront_probe, 6652b5d)
  assert.equal(s1.arrows.map((a) => [a.from, a.to]), [['toolstack', 'xenstore'], ['xenstore', 'backend'], ['xenstore', 'frontend']]);
  assert.match(s1.arrows[0]!.label, /backend\/vif\/1\/0\/state=1/);
  // netback_probe registers its otherend watch, which fires at once: xenstored -> backend
  const probe = chart.steps.find((s) => s.action === 'netback_probe')!;
  assert.ok(probe.arrows.some((a) => a.from === 'xenstore' && a.to === 'backend' && /netback:otherend/.test(a.label)));
  // the last step (netback publishing Connected) fires the frontend's watch
  const last = chart.steps.at(-1)!;
  assert.ok(last.arrows.some((a) => a.from === 'backend' && a.to === 'xenstore' && /backend\/vif\/1\/0\/state=4/.test(a.label)));
  assert.ok(last.arrows.some((a) => a.from === 'xenstore' && a.to === 'frontend'));
  const out = mscText(chart);
  for (const l of out.split('\n')) assert.ok(l.length <= 72, `line longer than 72: ${JSON.stringify(l)}`);
  assert.equal(stepRows(out), [0, 1, 2, 3, 4, 5, 6]);
  assert.match(out, /toolstack/);
  assert.match(out, /backend/);
  assert.match(out, /Invariant X4_connected_after_hotplug is violated/);
});

test('msc: a model that declares no views gets a column per rule actor; a trace without model one column', () => {
  const { views: _v, ...bare } = noRecheck as Model;
  const chart = chartOf(lostWakeup, bare as Model);
  assert.equal(chart.actors, ['frontend', 'backend']);
  assert.ok(chart.steps.every((s) => s.arrows.length === 0));
  const foreign: Trace = { ...lostWakeup, model: 'from-another-tool', steps: lostWakeup.steps.map((s, i) => ({ ...s, action: i ? null : s.action, rule: null })) };
  const c2 = chartOf(foreign);
  assert.equal(c2.actors, ['system']);
  const out = mscText(c2);
  assert.equal(stepRows(out), Array.from({ length: 35 }, (_, i) => i));
  assert.match(out, /\(action unknown\)/);
});

test('mermaid: a sequenceDiagram with a participant per actor, a note per step, an arrow per message', () => {
  const m = mermaidChart(chartOf(hotplug, hotplugNoWait as Model));
  const lines = m.trimEnd().split('\n');
  assert.is(lines[0], 'sequenceDiagram');
  assert.equal(lines.filter((l) => /^ {2}participant /.test(l)).map((l) => l.split(' as ')[1]), ['toolstack', 'frontend', 'xenstore', 'backend']);
  for (let i = 0; i <= 6; i++) assert.ok(lines.some((l) => new RegExp(`^  Note over [A-Za-z0-9_,]+: ${i} `).test(l)), `a note for step ${i}`);
  assert.ok(lines.some((l) => /^ {2}A2_xenstore->>A3_backend: watch netback:otherend fires \(watch\)$/.test(l)));
  for (const l of lines.slice(1)) assert.not.match(l.replace(/#(\d+|lt|gt);/g, ''), /[;#]/, `no raw ; or # in ${l}`);
});

test('cli: show --msc, --width, --mermaid; bad --width is a one-line error', () => {
  const file = join(tmp, 'lw.trace.json');
  writeTraceFile(file, { ...lostWakeup, command: `pvcheck check ${join(root, 'examples/ring-no-recheck.ts')} -p ringSize=2 -p messages=4` });
  const pv = (args: string[]) => spawnSync(process.execPath, [join(root, 'bin/pvcheck.mjs'), ...args], { encoding: 'utf8' });
  const msc = pv(['show', file, '--msc']);
  assert.is(msc.status, 0, msc.stderr);
  assert.match(msc.stdout, /^step +frontend +backend$/m);
  assert.match(msc.stdout, /notify_remote_via_evtchn/);
  const wide = pv(['show', file, '--msc', '--width', '100']);
  assert.is(wide.status, 0, wide.stderr);
  assert.ok(wide.stdout.split('\n').every((l) => l.length <= 100));
  const mm = pv(['show', file, '--mermaid']);
  assert.is(mm.status, 0, mm.stderr);
  assert.match(mm.stdout, /^sequenceDiagram\n/);
  for (const bad of [['--width', '7'], ['--width', 'x']]) {
    const r = pv(['show', file, '--msc', ...bad]);
    assert.is(r.status, 2);
    assert.is(r.stderr.trim().split('\n').length, 1);
    assert.match(r.stderr, /--width/);
  }
});

test.run();
