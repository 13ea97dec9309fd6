/**
 * A trace for a human, in the style of TLC's error trace: a header (model,
 * parameters, the property violated and what it means), the full initial
 * state, then per step the action and only the fields it changed, and a last
 * line saying which property fails at the last step.
 *
 *   Step 12: F9c  (frontend: rsp_event = rsp_cons + 1; block (re-check missing))
 *     rsp_event: 1 -> 3
 *     fe_pc: 5 -> 7
 */
import * as E from 'fp-ts/lib/Either.js';
import type { Model } from '../model/core.js';
import { resolveParams } from '../model/params.js';
import { diff, formatChange, formatNamedValue, formatPath, leaves, namerOf } from './diff.js';
import { describeProperty, type Trace } from './format.js';

const paramText = (p: Readonly<Record<string, unknown>>): string => {
  const e = Object.entries(p);
  return e.length ? e.map(([k, v]) => `${k}=${String(v)}`).join(' ') : '(none)';
};

/**
 * The closing line: which property is violated at the last step (a version-2
 * file's recorded step), or that the file ends before it (its last steps cut off).
 */
export function verdictLine(trace: Trace): string {
  const n = trace.steps.length - 1;
  const p = trace.property;
  const at = trace.violation?.step;
  if (at !== undefined && at > n)
    return `The file ends at step ${n}, before the step its ${p.kind === 'deadlock' ? 'deadlock' : `violation of ${p.name}`} is recorded at (${at}): its last ${at - n} step${at - n === 1 ? ' is' : 's are'} cut off.`;
  switch (p.kind) {
    case 'invariant':
      return `Invariant ${p.name} is violated in the state of step ${n}.`;
    case 'deadlock':
      return `Deadlock at step ${n}: no rule is enabled and the state is not a valid end state.`;
    case 'recoverability':
      return `Recoverability goal ${p.name} is lost at step ${n}: from this state no goal state can be reached.`;
    case 'none':
      return `End of the trace at step ${n}${p.name ? ` (${p.name})` : ''}; no property is claimed violated.`;
  }
}

/**
 * The trace as text. With the model, each step also shows its rule's actor and
 * doc, and a property description missing from the file is taken from the
 * model.
 */
export function showTrace(trace: Trace, model?: Model): string {
  const out: string[] = [];
  const p = trace.property;
  const description = p.description ?? (model && p.kind !== 'none' ? describeProperty(model, p.name, p.kind) : undefined);
  out.push(`Model:    ${trace.model || '(not named)'}`);
  out.push(`Params:   ${paramText(trace.params)}`);
  if (p.kind === 'none') out.push(`Property: none${p.name ? ` (${p.name})` : ''}${p.description ? `: ${p.description}` : ''}`);
  else out.push(`Property: ${p.kind === 'deadlock' ? 'deadlock' : `${p.name} (${p.kind})`}${description ? `: ${description}` : ''}`);
  if (trace.command) out.push(`Command:  ${trace.command}`);
  if (trace.created) out.push(`Created:  ${trace.created}`);
  out.push(`Length:   ${trace.steps.length - 1} steps`);
  out.push('');
  const rules = new Map((model?.rules ?? []).map((r) => [r.name, r]));
  // the names the driver code gives values (XenbusState), beside the numbers
  const name = namerOf(model?.valueName);
  // the model's picture of a state, when it has one and the trace's parameters are its own
  const params = model?.view ? resolveParams(model.params, trace.params as Record<string, string | number | boolean>) : undefined;
  const view = (st: unknown): string[] => {
    if (!model?.view || !params || E.isLeft(params)) return [];
    try {
      return model.view(st, params.right).split('\n').map((l) => `  | ${l}`);
    } catch {
      return []; // a state the view does not understand (a trace of another model): no picture
    }
  };
  trace.steps.forEach((s, i) => {
    if (i === 0) {
      out.push('Step 0: init  (initial state)');
      for (const l of leaves(s.state)) out.push(`  ${formatPath(l.path)}: ${formatNamedValue(l.path, l.value, name)}`);
      out.push(...view(s.state));
      return;
    }
    const r = s.rule !== null ? rules.get(s.rule) : undefined;
    const note = r && (r.actor || r.doc) ? `  (${[r.actor, r.doc].filter(Boolean).join(': ')})` : '';
    out.push(`Step ${i}: ${s.action ?? '(action unknown)'}${note}`);
    const changes = diff(trace.steps[i - 1]!.state, s.state);
    if (changes.length === 0) out.push('  (no change)');
    for (const c of changes) out.push(`  ${formatChange(c, ' -> ', name)}`);
    out.push(...view(s.state));
  });
  out.push('');
  out.push(verdictLine(trace));
  return out.join('\n') + '\n';
}
