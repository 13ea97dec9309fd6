/**
 * `pvcheck check ... --report FILE`: the check as one self-contained HTML
 * page (traces/viewsHtml.ts): outcome, bounds, figures, coverage, the
 * observables' witnesses and, for a violation, its counterexample with the
 * sequence chart and the step slider.
 */
import type { CheckResult } from '../checker/explore.js';
import type { Model } from '../model/core.js';
import { traceFromViolation } from '../traces/index.js';
import { htmlReport, type ReportWitness } from '../traces/viewsHtml.js';
import { fmtInt, outcomeLine, rate } from './report.js';

export function checkReportHtml(model: Model, params: object, invariants: string[], r: CheckResult<unknown>, command: string): string {
  const figures: [string, string][] = [
    ['explored', `${fmtInt(r.distinctStates)} distinct states, ${fmtInt(r.edges)} edges, depth ${r.depth}, ${r.terminalStates} terminal`],
    ['time', `${r.seconds.toFixed(2)} s (${rate(r.distinctStates, r.seconds)}), ${r.bytesPerState.toFixed(1)} bytes/state${r.workers && r.workers > 1 ? `, ${r.workers} workers` : ''}`],
    ['fingerprints', `${r.workers && r.workers > 1 ? 63 : 64}-bit; probability that a collision hid a state: ${r.collisionProbability.toExponential(1)}`],
    ['command', command],
  ];
  if (r.incompleteReason) figures.unshift(['bound hit', r.incompleteReason]);
  const witnesses: ReportWitness[] = (r.observables ?? []).map((o) => {
    const desc = model.observables?.find((x) => x.name === o.name)?.description;
    const wt = (which: 'min' | 'max', trace: typeof o.minTrace) =>
      trace.length ? traceFromViolation(model, params, { property: `${o.name} ${which}`, kind: 'invariant', trace }, command, 'none') : undefined;
    const minTrace = wt('min', o.minTrace), maxTrace = wt('max', o.maxTrace);
    return {
      name: o.name,
      ...(desc !== undefined ? { description: desc } : {}),
      min: Number.isNaN(o.min) ? null : o.min,
      max: Number.isNaN(o.max) ? null : o.max,
      ...(minTrace ? { minTrace } : {}),
      ...(maxTrace ? { maxTrace } : {}),
    };
  });
  const trace = r.violation ? traceFromViolation(model, params, r.violation, command) : undefined;
  return htmlReport({
    title: `pvcheck check ${model.name}`,
    check: {
      model: model.name,
      params: { ...params },
      outcome: r.outcome,
      outcomeLine: outcomeLine(r),
      figures,
      invariants,
      coverage: Object.fromEntries(r.coverage.map((c) => [c.rule, c.fired])),
      neverFired: [...r.neverFired],
    },
    ...(trace ? { trace } : {}),
    model,
    ...(witnesses.length ? { witnesses } : {}),
  });
}
