/**
 * Replay: re-run a trace on a model, the one that produced it or another one
 * (a variant, a fixed model), step by step, and say whether the trace's
 * property is violated again (`reproduced`), the trace runs to its end without
 * violating it (`completed`: the change under test removes this path's bug),
 * or the model cannot follow the trace (`diverged`: which step, why, and the
 * recorded and the model's state field by field), or (a version-2 file, which
 * records the step of its violation) the file ends before that step without
 * the property failing on the steps it has (`truncated`: its last steps were
 * cut off; nothing is known of the model there).
 *
 * A step whose action is known is matched by its label among the transitions
 * enabled in the current state (the checker's labels: rule name, or
 * `name(choice)`), then its state is compared with the recorded one. A step
 * whose action is null (an ITF file from another tool) is matched to the
 * first enabled transition whose next state equals the recorded state.
 *
 * A trace that names no property (`kind: 'none'`: an ITF file from another
 * tool, a witness or a diff path) is not taken on trust: unless a property is
 * given, every invariant of the model is checked in every state, and deadlock
 * at the last one; the first violation is reported, and the result lists the
 * properties that were checked (`checked`). Recoverability goals need a search
 * from the last state and are checked only when named (`property`).
 */
import * as E from 'fp-ts/lib/Either.js';
import { immerApply, labelOf, transitionsOf } from '../checker/explore.js';
import { canonicalString } from '../checker/fingerprint.js';
import type { System, Transition } from '../checker/system.js';
import type { Model } from '../model/core.js';
import { resolveParams } from '../model/params.js';
import { shapeErrors } from '../model/shape.js';
import { bind, propertyNames } from '../properties/bind.js';
import { withStuck } from '../properties/stuck.js';
import { diff, formatPath, formatValue } from './diff.js';
import type { PropertyKind, Trace } from './format.js';

export type DivergeReason =
  | 'init-not-initial'
  | 'action-not-enabled'
  | 'state-differs'
  | 'no-matching-transition'
  | 'unknown-action';

export type ReplayResult =
  /**
   * The whole trace ran on the model and its property was not violated (exit 0): the property now holds
   * (at its recorded step `recorded`, for a version-2 file).
   */
  | {
      readonly kind: 'completed';
      readonly steps: number;
      readonly actions: readonly string[];
      readonly detail: string;
      /** The properties that were checked (every invariant and `deadlock` for a trace that names none). */
      readonly checked: readonly string[];
      /** The step the file records its violation at (version 2, the trace's own property); absent otherwise. */
      readonly recorded?: number;
    }
  /** The property is violated at `step` (the first such step for an invariant) (exit 1). */
  | {
      readonly kind: 'reproduced';
      readonly step: number;
      readonly property: string;
      readonly propertyKind: PropertyKind;
      readonly actions: readonly string[];
      readonly detail: string;
      readonly checked: readonly string[];
      /** As for `completed`; `step` is at most `recorded` (a check's trace ends at its violation). */
      readonly recorded?: number;
    }
  /**
   * A version-2 file that ends (at step `steps`) before the step its violation is recorded at
   * (`recorded`), the property holding on every step it has: the file was cut (exit 5).
   */
  | {
      readonly kind: 'truncated';
      readonly steps: number;
      readonly recorded: number;
      readonly property: string;
      readonly actions: readonly string[];
      readonly detail: string;
      readonly checked: readonly string[];
    }
  /** The model cannot take step `step` of the trace (exit 4). `diff`: `field: trace X, model Y`. */
  | {
      readonly kind: 'diverged';
      readonly step: number;
      readonly reason: DivergeReason;
      readonly detail: string;
      readonly diff?: readonly string[];
    }
  /** Recoverability only: the bounded search from the last state hit its bound (exit 3). */
  | { readonly kind: 'inconclusive'; readonly step: number; readonly property: string; readonly detail: string }
  /** The trace asks for something the model does not have, or the model threw (exit 2). */
  | { readonly kind: 'bad-input'; readonly reason: 'unknown-property' | 'bad-params' | 'model-error' | 'bad-state'; readonly detail: string };

export interface ReplayOptions {
  /** Check this property instead of the trace's (an invariant, a goal, or `deadlock`). */
  readonly property?: string;
  /** Bound of the search for a goal state from the last state (recoverability); default 1,000,000 states. */
  readonly maxStates?: number;
  /** Ignore the recorded action names and match every step by its state (ITF from a tool whose action names differ). */
  readonly byState?: boolean;
  /**
   * Asked every 1,024 states of the recoverability search (replayAsync): true
   * stops it with an `inconclusive` result saying how far it got (Ctrl-C).
   */
  readonly stop?: () => boolean;
}

/** The CLI exit code of a replay result: 0 completed, 1 reproduced, 2 bad input, 3 inconclusive, 4 diverged, 5 truncated. */
export function replayExitCode(r: ReplayResult): 0 | 1 | 2 | 3 | 4 | 5 {
  switch (r.kind) {
    case 'completed':
      return 0;
    case 'reproduced':
      return 1;
    case 'bad-input':
      return 2;
    case 'inconclusive':
      return 3;
    case 'diverged':
      return 4;
    case 'truncated':
      return 5;
  }
}

/**
 * The parameters to replay with: the trace's, overridden by `overrides`
 * (`--param` strings), checked against the model's parameter space.
 */
export function replayParams<P>(
  model: Model<any, P>,
  trace: Trace,
  overrides: Readonly<Record<string, string | number | boolean>> = {},
): E.Either<string, P> {
  return resolveParams(model.params, { ...trace.params, ...overrides });
}

/**
 * What `pvcheck replay` does once it has the trace and the model: parameters
 * (the trace's, overridden by `--param` strings), then {@link replay}. A
 * parameter problem is a `bad-input` result (`bad-params`).
 */
export function replayWith<S, P>(
  model: Model<S, P>,
  trace: Trace,
  overrides: Readonly<Record<string, string | number | boolean>> = {},
  opt: ReplayOptions = {},
): ReplayResult {
  const p = replayParams(model, trace, overrides);
  if (E.isLeft(p)) return { kind: 'bad-input', reason: 'bad-params', detail: `model ${model.name}: ${p.left}` };
  return replay(model, p.right, trace, opt);
}

/** {@link replayWith} through {@link replayAsync} (the CLI: Ctrl-C stops the recoverability search). */
export async function replayWithAsync<S, P>(
  model: Model<S, P>,
  trace: Trace,
  overrides: Readonly<Record<string, string | number | boolean>> = {},
  opt: ReplayOptions = {},
): Promise<ReplayResult> {
  const p = replayParams(model, trace, overrides);
  if (E.isLeft(p)) return { kind: 'bad-input', reason: 'bad-params', detail: `model ${model.name}: ${p.left}` };
  return replayAsync(model, p.right, trace, opt);
}

/**
 * For a model that declares its state's shape (model/shape.ts), the first
 * step whose recorded state does not fit it, as one line naming the field:
 * `step 2: state.aa[0].frame: -12345 is not an integer in 0..1 (and 2 more)`.
 * A variant whose initial states do not fit its base's shape (extra ghost
 * fields) is not checked, as in properties/bind.ts.
 */
export function stateMisfit<S, P>(model: Model<S, P>, params: P, init: readonly S[], trace: Trace): string | undefined {
  let shape;
  try {
    shape = model.shape?.(params);
  } catch {
    return undefined;
  }
  if (!shape || !init.every((s0) => shape.state.is(s0))) return undefined;
  for (const [i, step] of trace.steps.entries()) {
    const errs = shapeErrors(shape.state, step.state);
    if (errs) return `step ${i}: ${errs[0]}${errs.length > 1 ? ` (and ${errs.length - 1} more)` : ''}: the state does not fit model ${model.name}'s declared shape`;
  }
  return undefined;
}

/** `field: trace X, model Y` lines. */
function diffLines(recorded: unknown, modelState: unknown): string[] {
  return diff(recorded, modelState).map(
    (c) => `${formatPath(c.path)}: trace ${formatValue(c.added ? undefined : c.before)}, model ${formatValue(c.removed ? undefined : c.after)}`,
  );
}

const list = (xs: readonly string[], max = 12): string =>
  xs.length === 0 ? '(none)' : xs.length <= max ? xs.join(', ') : `${xs.slice(0, max).join(', ')}, ... (${xs.length} in all)`;

/** Re-runs `trace` on `model` with `params`; see {@link ReplayResult}. Never throws. */
export function replay<S, P>(model: Model<S, P>, params: P, trace: Trace, opt: ReplayOptions = {}): ReplayResult {
  const g = replaySteps(model, params, trace, opt);
  for (;;) {
    const r = g.next();
    if (r.done) return r.value;
  }
}

/**
 * {@link replay} that lets the event loop turn during the search for a goal
 * state (a recoverability trace), so that a signal reaches its handler and
 * `opt.stop` can end the search: the CLI's Ctrl-C policy.
 */
export async function replayAsync<S, P>(model: Model<S, P>, params: P, trace: Trace, opt: ReplayOptions = {}): Promise<ReplayResult> {
  const g = replaySteps(model, params, trace, opt);
  for (;;) {
    const r = g.next();
    if (r.done) return r.value;
    await new Promise((res) => setImmediate(res));
  }
}

/** The replay as a generator that yields now and then during the recoverability search; never throws. */
function* replaySteps<S, P>(model: Model<S, P>, params: P, trace: Trace, opt: ReplayOptions): Generator<void, ReplayResult> {
  const failed = (e: unknown): ReplayResult => ({
    kind: 'bad-input',
    reason: 'model-error',
    detail: `model ${model.name} failed: ${String((e as Error)?.message ?? e).split('\n')[0]}`,
  });
  let r: ReplayResult | Generator<void, ReplayResult>;
  try {
    r = run(model, params, trace, opt);
  } catch (e) {
    return failed(e);
  }
  if (!('next' in r)) return r;
  for (;;) {
    let n: IteratorResult<void, ReplayResult>;
    try {
      n = r.next();
    } catch (e) {
      return failed(e);
    }
    if (n.done) return n.value;
    yield;
  }
}

function run<S, P>(model: Model<S, P>, params: P, trace: Trace, opt: ReplayOptions): ReplayResult | Generator<void, ReplayResult> {
  // --- which property
  let name = opt.property ?? trace.property.name;
  let kind: PropertyKind = trace.property.kind;
  // `stuck` (properties/stuck.ts) is an invariant of a model with budgeted events, made from its rules when asked for
  const invariants = withStuck(model, params, [name]);
  if (opt.property !== undefined) {
    if (opt.property === 'deadlock') kind = 'deadlock';
    else if (invariants.some((i) => i.name === opt.property)) kind = 'invariant';
    else if ((model.goals ?? []).some((g) => g.name === opt.property)) kind = 'recoverability';
    else
      return {
        kind: 'bad-input',
        reason: 'unknown-property',
        detail: `model ${model.name} has no property '${opt.property}' (known: ${[...propertyNames(model), 'deadlock'].join(', ')})`,
      };
  }
  if (kind === 'deadlock') name = 'deadlock';
  // a trace that names no property: every invariant in every state, deadlock at the last
  const all = kind === 'none';
  const invs = all ? model.invariants : kind === 'invariant' ? invariants.filter((i) => i.name === name) : [];
  const checked: string[] = all ? [...model.invariants.map((i) => i.name), 'deadlock'] : [name];
  const inv = kind === 'invariant' ? invariants.find((i) => i.name === name) : undefined;
  const goal = kind === 'recoverability' ? (model.goals ?? []).find((g) => g.name === name) : undefined;
  if ((kind === 'invariant' && !inv) || (kind === 'recoverability' && !goal)) {
    const known = kind === 'invariant' ? invariants.map((i) => i.name) : (model.goals ?? []).map((g) => g.name);
    return {
      kind: 'bad-input',
      reason: 'unknown-property',
      detail: `the trace's property ${name} (${kind}) does not exist in model ${model.name} (its ${kind === 'invariant' ? 'invariants' : 'goals'}: ${list(known)})`,
    };
  }

  // the step the file records the violation at (version 2), when the property replayed is the trace's own
  const own = name === (trace.property.kind === 'deadlock' ? 'deadlock' : trace.property.name) && kind === trace.property.kind;
  const recorded = own ? trace.violation?.step : undefined;
  const last = steps0(trace);
  /** After a run that violates nothing: what the file says of its violation step. */
  const where =
    recorded !== undefined
      ? ` (the step the trace records its violation at): ${kind === 'deadlock' ? 'no deadlock' : name} now holds there`
      : own && trace.version === 1 && kind !== 'none'
        ? ' (a version-1 trace records no violation step: replay cannot tell whether its last steps were cut off)'
        : '';
  const earlier = (i: number): string =>
    recorded !== undefined && i !== recorded ? `; the trace records it at step ${recorded}` : '';
  const truncated = (holds: string): ReplayResult => ({
    kind: 'truncated',
    steps: last,
    recorded: recorded!,
    property: name,
    actions,
    detail: `the file ends at step ${last}, before the step its violation is recorded at (${recorded}): ${recorded! - last} step${recorded! - last === 1 ? '' : 's'} cut off; ${holds}${trace.command ? `; \`${trace.command}\` writes it whole` : ''}`,
    checked,
  });

  const bound = bind(model, params, { noGoals: true });
  if (E.isLeft(bound)) return { kind: 'bad-input', reason: 'model-error', detail: bound.left };
  const sys = bound.right;
  const misfit = stateMisfit(model, params, sys.init, trace);
  if (misfit) return { kind: 'bad-input', reason: 'bad-state', detail: misfit };
  const apply = immerApply(sys);
  const ruleNames = new Set(sys.rules.map((r) => r.name));
  const steps = trace.steps;
  const actions: string[] = [];
  /** The first of the checked invariants that fails in `s`. */
  const violated = (s: S) => invs.find((i) => !i.holds(s, params));
  const reproducedInv = (i: number, bad: Model<S, P>['invariants'][number]): ReplayResult => ({
    kind: 'reproduced',
    step: i,
    property: bad.name,
    propertyKind: 'invariant',
    actions,
    detail: `invariant ${bad.name} fails in the state of step ${i}: ${bad.description}${all ? ` (the trace names no property: checked ${list(checked)})` : ''}${earlier(i)}`,
    checked,
    ...(recorded !== undefined ? { recorded } : {}),
  });

  // --- step 0
  const s0 = steps[0]!.state;
  const key0 = canonicalString(s0);
  let cur: S | undefined = sys.init.find((x) => canonicalString(x) === key0);
  if (cur === undefined) {
    let best: string[] | undefined;
    for (const x of sys.init) {
      const d = diffLines(s0, x);
      if (!best || d.length < best.length) best = d;
    }
    return {
      kind: 'diverged',
      step: 0,
      reason: 'init-not-initial',
      detail: `the state of step 0 is not an initial state of model ${model.name}${sys.init.length > 1 ? ` (closest of its ${sys.init.length} initial states shown)` : ''}`,
      ...(best ? { diff: best } : {}),
    };
  }
  const bad0 = violated(cur);
  if (bad0) return reproducedInv(0, bad0);

  // --- steps 1..n
  for (let i = 1; i < steps.length; i++) {
    const step = steps[i]!;
    const ts: Transition<S>[] = transitionsOf(sys, cur, apply);
    const labels = ts.map((t) => labelOf(sys, t));
    const recordedKey = canonicalString(step.state);
    let chosen: Transition<S> | undefined;
    if (step.action !== null && !opt.byState) {
      let cands: Transition<S>[] = ts.filter((_, k) => labels[k] === step.action);
      if (cands.length === 0 && step.rule !== null && 'choice' in step) {
        // the label may print the choice differently (a changed showChoice): match rule and choice
        const ck = canonicalString(step.choice);
        cands = ts.filter((t) => sys.rules[t.rule]!.name === step.rule && t.hasChoice && canonicalString(t.choice) === ck);
      }
      if (cands.length === 0) {
        const rule = step.rule ?? step.action.replace(/\(.*$/s, '');
        if (!ruleNames.has(rule))
          return {
            kind: 'diverged',
            step: i,
            reason: 'unknown-action',
            detail: `step ${i}: model ${model.name} has no rule ${rule} (action ${step.action}); enabled here: ${list(labels)}`,
          };
        return {
          kind: 'diverged',
          step: i,
          reason: 'action-not-enabled',
          detail: `step ${i}: ${step.action} is not enabled in the state of step ${i - 1}; enabled: ${list(labels)}`,
        };
      }
      chosen = cands.find((t) => canonicalString(t.next) === recordedKey);
      if (!chosen) {
        const t = cands[0]!;
        const d = diffLines(step.state, t.next);
        return {
          kind: 'diverged',
          step: i,
          reason: 'state-differs',
          detail: `step ${i}: ${step.action} leads to a different state than recorded (${d.length} field${d.length === 1 ? ' differs' : 's differ'}: ${list(d.map((l) => l.replace(/:.*$/s, '')), 5)})`,
          diff: d,
        };
      }
      actions.push(step.action);
    } else {
      const k = ts.findIndex((t) => canonicalString(t.next) === recordedKey);
      if (k < 0) {
        let best: { label: string; d: string[] } | undefined;
        ts.forEach((t, j) => {
          const d = diffLines(step.state, t.next);
          if (!best || d.length < best.d.length) best = { label: labels[j]!, d };
        });
        return {
          kind: 'diverged',
          step: i,
          reason: 'no-matching-transition',
          detail: best
            ? `step ${i}: no enabled transition (${list(labels)}) leads to the recorded state; closest: ${best.label} (${best.d.length} field${best.d.length === 1 ? ' differs' : 's differ'})`
            : `step ${i}: no rule is enabled in the state of step ${i - 1}`,
          ...(best ? { diff: best.d } : {}),
        };
      }
      chosen = ts[k]!;
      actions.push(labels[k]!);
    }
    cur = chosen.next;
    const bad = violated(cur);
    if (bad) return reproducedInv(i, bad);
  }

  // --- at the last state
  const cut = recorded !== undefined && last < recorded;
  if (kind === 'deadlock' || all) {
    const ts = transitionsOf(sys, cur, apply);
    const validEnd = model.isValidEnd?.(cur, params) ?? false;
    const invText = all ? `no property named in the trace: invariants ${list(model.invariants.map((i) => i.name))} hold in every state of the ${last}-step trace; ` : '';
    if (ts.length === 0 && !validEnd)
      return {
        kind: 'reproduced',
        step: last,
        property: 'deadlock',
        propertyKind: 'deadlock',
        actions,
        detail: `${invText}deadlock at step ${last}: no rule is enabled and the state is not a valid end state${earlier(last)}`,
        checked,
        ...(recorded !== undefined ? { recorded } : {}),
      };
    if (cut) return truncated(`step ${last} is no deadlock (enabled: ${list(ts.map((t) => labelOf(sys, t)))})`);
    return {
      kind: 'completed',
      steps: last,
      actions,
      detail:
        invText +
        (ts.length > 0
          ? `no deadlock at step ${last}: enabled: ${list(ts.map((t) => labelOf(sys, t)))}`
          : `no deadlock at step ${last}: no rule is enabled but the state is a valid end state`) +
        (all && (model.goals ?? []).length > 0 ? `; goals not checked (name one with --invariant): ${list(model.goals!.map((g) => g.name))}` : '') +
        where,
      checked,
      ...(recorded !== undefined ? { recorded } : {}),
    };
  }
  if (kind === 'recoverability') {
    // the goal is not searched for from a state the check never claimed anything of
    if (cut) return truncated(`the search for goal ${name} from step ${last} is not run`);
    return recover(model, params, sys, cur, goal!, last, actions, opt.maxStates ?? 1_000_000, opt.stop, where, recorded);
  }
  if (cut) return truncated(`invariant ${name} holds ${last === 0 ? 'in the initial state, the only state the file has' : `in every state up to step ${last}, the file's last`}`);
  return {
    kind: 'completed',
    steps: last,
    actions,
    detail: `invariant ${name} holds in every state of the ${last}-step trace${where}`,
    checked,
    ...(recorded !== undefined ? { recorded } : {}),
  };
}

/** The index of a trace's last step. */
const steps0 = (trace: Trace): number => trace.steps.length - 1;

/** Bounded BFS from the last state for a goal state; yields every 1,024 states (replayAsync), stops when `stop` says so. */
function* recover<S, P>(
  model: Model<S, P>,
  params: P,
  sys: System<S>,
  from: S,
  goal: NonNullable<Model<S, P>['goals']>[number],
  last: number,
  actions: readonly string[],
  maxStates: number,
  stop?: () => boolean,
  where = '',
  recorded?: number,
): Generator<void, ReplayResult> {
  const rec = recorded !== undefined ? { recorded } : {};
  const key = (s: S): string => canonicalString(model.canonicalize ? model.canonicalize(s, params) : s);
  const apply = immerApply(sys);
  const seen = new Set<string>([key(from)]);
  let level: S[] = [from];
  for (let depth = 0; level.length > 0; depth++) {
    const next: S[] = [];
    for (const s of level) {
      if (goal.reached(s, params))
        return {
          kind: 'completed',
          steps: last,
          actions,
          detail: `goal ${goal.name} is still reachable from the state of step ${last} (in ${depth} step${depth === 1 ? '' : 's'})${where}`,
          checked: [goal.name],
          ...rec,
        };
      if ((seen.size & 1023) === 0) {
        yield;
        if (stop?.())
          return {
            kind: 'inconclusive',
            step: last,
            property: goal.name,
            detail: `interrupted: searched ${seen.size} states from the state of step ${last} (to depth ${depth}) without finding goal ${goal.name} yet`,
          };
      }
      for (const t of transitionsOf(sys, s, apply)) {
        const k = key(t.next);
        if (seen.has(k)) continue;
        if (seen.size >= maxStates)
          return {
            kind: 'inconclusive',
            step: last,
            property: goal.name,
            detail: `searched ${seen.size} states from the state of step ${last} without finding goal ${goal.name}; the bound of ${maxStates} states was reached`,
          };
        seen.add(k);
        next.push(t.next);
      }
    }
    level = next;
  }
  return {
    kind: 'reproduced',
    step: last,
    property: goal.name,
    propertyKind: 'recoverability',
    actions,
    detail: `recoverability lost at step ${last}: none of the ${seen.size} states reachable from it satisfies goal ${goal.name} (${goal.description})`,
    checked: [goal.name],
    ...rec,
  };
}

/** One or more lines for a human: the outcome, the detail and the field-by-field diff. */
export function showReplay(r: ReplayResult): string {
  switch (r.kind) {
    case 'completed':
      return `COMPLETED: the trace runs to its end (${r.steps} steps) without violating ${r.checked.length === 1 ? r.checked[0] : `any of the ${r.checked.length} properties checked`}${r.recorded !== undefined ? ': the property now holds' : ''}\n  ${r.detail}\n`;
    case 'truncated':
      return `TRUNCATED: the file ends at step ${r.steps}, before its violation of ${r.property} recorded at step ${r.recorded}\n  ${r.detail}\n`;
    case 'reproduced':
      return `REPRODUCED at step ${r.step}: ${r.property}\n  ${r.detail}\n`;
    case 'inconclusive':
      return `INCONCLUSIVE at step ${r.step}: ${r.property}\n  ${r.detail}\n`;
    case 'bad-input':
      return `${r.detail}\n`;
    case 'diverged':
      return `DIVERGED at step ${r.step} (${r.reason})\n  ${r.detail}\n${(r.diff ?? []).map((l) => `    ${l}\n`).join('')}`;
  }
}
