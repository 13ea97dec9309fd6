/** Pure formatters for check results (human text and the --json report). */
import type { CheckResult, Violation } from '../checker/report.js';
import { showParams } from '../model/params.js';
import type { StoreReport } from '../checker/bitstate.js';

export const fmtInt = (n: number): string => n.toLocaleString('en-US');

/** `1 step`, `34 steps`. */
export const steps = (n: number): string => `${n} ${n === 1 ? 'step' : 'steps'}`;

export function rate(states: number, seconds: number): string {
  return seconds > 0 ? `${fmtInt(Math.round(states / seconds))} states/s` : '-';
}

/** A counterexample is a shortest, but one unfolded from a quotient's only when shown (cli/refine.ts). */
const shortestWord = (r: CheckResult<unknown>): string =>
  r.violation?.refined?.shortest === 'unknown' ? `a shortest has ${r.violation.refined.quotientSteps} to ${r.violation.trace.length - 1}` : 'shortest';

export function outcomeLine(r: CheckResult<unknown>): string {
  switch (r.outcome) {
    case 'ok':
      return 'ok: every invariant holds in every reachable state' + (r.terminalStates && r.deadlockChecked ? ', no deadlock' : '');
    case 'violation':
      return `VIOLATION of ${r.violation!.property} after ${steps(r.violation!.trace.length - 1)} (${shortestWord(r)})`;
    case 'deadlock':
      return `DEADLOCK after ${steps(r.violation!.trace.length - 1)} (${shortestWord(r)}): no rule enabled and not a valid end state`;
    case 'incomplete':
      if (r.incompleteReason === 'bitstate' && r.store?.folded === false)
        return 'INCOMPLETE (bitstate): every invariant holds in every reachable state (each state kept exactly), but a bitstate search keeps no edges: the goals (AG EF) are not checked';
      if (r.incompleteReason === 'bitstate')
        return 'INCOMPLETE (bitstate): no violation among the states visited; bitstate hashing may have missed states, so nothing is proved';
      if (r.incompleteReason === 'max-memory' && r.store?.full)
        return 'INCOMPLETE (max-memory): the --store compact table is full (give a larger --store compact:SIZE); nothing is verified beyond the states explored';
      if (r.incompleteReason === 'max-memory')
        return 'INCOMPLETE (max-memory): stopped before passing --max-memory; nothing is verified beyond the states explored';
      return `INCOMPLETE (${r.incompleteReason}): the bounds cut the search, nothing is verified beyond them`;
  }
}

export interface JsonReport {
  model: string;
  params: Record<string, unknown>;
  outcome: string;
  incompleteReason?: string;
  distinctStates: number;
  edges: number;
  depth: number;
  terminalStates: number;
  seconds: number;
  statesPerSecond: number;
  bytesPerState: number;
  fingerprintCollisionProbability: number;
  workers: number;
  /** Why that many workers (cli/check.ts). */
  workersReason?: string;
  invariants: string[];
  coverage: Record<string, number>;
  neverFired: string[];
  violation?: { property: string; kind: string; length: number; traceFile: string | null; quotient?: { folds: string; length: number; shortest: string; cut?: 'budget' | 'interrupted'; params: Record<string, unknown> } };
  observables?: { name: string; min: number | null; max: number | null; minTraceLength: number; maxTraceLength: number; minTraceFile?: string | null; maxTraceFile?: string | null }[];
  stateSetSha256?: string;
  /** --store compact|bitstate (checker/bitstate.ts): the store and its estimate of missed states. */
  store?: StoreReport;
  /** check-all: a further run of the model (Model.checkAll): the parameters it sets beside the defaults, the findings it leaves out. */
  checkAll?: { params: Record<string, string>; leftOut: string[] };
  /**
   * check-all: a declared deadlock of a model with an events budget (xenbus F7) found again with `-i stuck`,
   * without the events it does not need: its length, its trace file and the command that reproduces it.
   */
  stuck?: { length: number; traceFile: string | null; command: string };
}

export function jsonReport(
  model: string,
  params: object,
  invariants: string[],
  r: CheckResult<unknown>,
  traceFile: string | null,
  extra: Partial<JsonReport> = {},
): JsonReport {
  return {
    model,
    params: { ...params },
    outcome: r.outcome,
    ...(r.incompleteReason ? { incompleteReason: r.incompleteReason } : {}),
    distinctStates: r.distinctStates,
    edges: r.edges,
    depth: r.depth,
    terminalStates: r.terminalStates,
    seconds: r.seconds,
    statesPerSecond: r.seconds > 0 ? Math.round(r.distinctStates / r.seconds) : 0,
    bytesPerState: Math.round(r.bytesPerState * 10) / 10,
    fingerprintCollisionProbability: r.collisionProbability,
    workers: r.workers ?? 1,
    ...(r.workersReason ? { workersReason: r.workersReason } : {}),
    ...(r.store ? { store: { ...r.store, ...(r.store.hashFactor === Infinity ? { hashFactor: null as unknown as number } : {}) } } : {}),
    invariants,
    coverage: Object.fromEntries(r.coverage.map((c) => [c.rule, c.fired])),
    neverFired: [...r.neverFired],
    ...(r.violation
      ? {
          violation: {
            property: r.violation.property, kind: r.violation.kind, length: r.violation.trace.length - 1, traceFile,
            ...(r.violation.refined
              ? { quotient: { folds: r.violation.refined.folds, length: r.violation.refined.quotientSteps, shortest: r.violation.refined.shortest, ...(r.violation.refined.cut ? { cut: r.violation.refined.cut } : {}), params: { ...r.violation.refined.params } } }
              : {}),
          },
        }
      : {}),
    ...(r.observables
      ? {
          observables: r.observables.map((o) => ({
            name: o.name,
            min: Number.isNaN(o.min) ? null : o.min,
            max: Number.isNaN(o.max) ? null : o.max,
            minTraceLength: o.minSteps,
            maxTraceLength: o.maxSteps,
          })),
        }
      : {}),
    ...extra,
  };
}

/**
 * The human report. `folded`: rules of the faithful model the checked quotient
 * folds into others (model/core.ts Refinement.hidden): one that never fired is
 * named as folded, not as dead code.
 */
export function humanReport(model: string, params: object, invariants: string[], r: CheckResult<unknown>, folded: readonly string[] = []): string {
  const lines: string[] = [];
  lines.push(`model ${model}  ${showParams(params)}`);
  lines.push(`  outcome      ${outcomeLine(r)}`);
  const refined = r.violation ? refinedLine(r.violation, params) : undefined;
  if (refined) lines.push(`  quotient     ${refined}`);
  lines.push(
    `  explored     ${fmtInt(r.distinctStates)} distinct states, ${fmtInt(r.edges)} edges, depth ${r.depth}, ${r.terminalStates} terminal`,
  );
  lines.push(
    `  time         ${r.seconds.toFixed(2)} s (${rate(r.distinctStates, r.seconds)}), ${r.bytesPerState.toFixed(1)} bytes/state` +
      (r.workers && r.workers > 1 ? `, ${r.workers} workers` : ''),
  );
  lines.push(`  invariants   ${invariants.length ? invariants.join(', ') : '(none selected)'}`);
  const fired = r.coverage.filter((c) => c.fired > 0).length;
  const dead = r.neverFired.filter((x) => !folded.includes(x));
  const foldedAway = r.neverFired.filter((x) => folded.includes(x));
  lines.push(
    `  coverage     ${fired}/${r.coverage.length} rules fired` +
      (dead.length ? `; never fired: ${dead.join(', ')}` : '') +
      (foldedAway.length ? `; folded into others by the quotient: ${foldedAway.join(', ')}` : ''),
  );
  for (const o of r.observables ?? [])
    lines.push(
      Number.isNaN(o.min)
        ? `  observable   ${o.name}: no value in any reachable state`
        : `  observable   ${o.name}: min ${o.min} (witness ${steps(o.minSteps)}), max ${o.max} (witness ${steps(o.maxSteps)})`,
    );
  lines.push(r.store ? storeLine(r.store) : `  fingerprints ${r.workers && r.workers > 1 ? 63 : 64}-bit; probability that a collision hid a state: ${r.collisionProbability.toExponential(1)}`);
  return lines.join('\n');
}

/** The report line of a lossy store (--store compact|bitstate, checker/bitstate.ts: the formulas). */
export function storeLine(st: StoreReport): string {
  const size = fmtSize(st.bytes);
  if (st.kind === 'compact')
    return `  store        compact: ${st.signatureBits}-bit signatures in ${size}${st.full ? ' (full)' : ''}; probability that a state was missed: at most ${st.missedProbability.toExponential(1)} (hash compaction)`;
  // --store bitstate with no SIZE (checker/bitstate.ts ExactThenBits): the full table first, the bit array past it
  if (st.folded === false)
    return `  store        bitstate: every one of the ${fmtInt(st.exactStates!)} states kept exactly in the full table (none missed); past ${fmtInt(st.exactLimit!)} they would go into a ${size} bit array (a quarter of the memory budget, rounded down to a power of two from 1 MiB to 4 GiB)`;
  return (
    `  store        bitstate: ${st.folded ? `the first ${fmtInt(st.exactStates!)} states kept exactly, then ` : ''}${size} bit array, ${st.hashes} bits a state, hash factor ${st.hashFactor === Infinity ? '-' : st.hashFactor!.toFixed(1)}; ` +
    `expected states missed ${st.expectedMissed!.toExponential(1)}, probability that one was: ${st.missedProbability.toExponential(1)} (Holzmann)`
  );
}

const fmtSize = (n: number): string => (n >= 1024 ** 3 ? `${n / 1024 ** 3} GiB` : n >= 1024 ** 2 ? `${n / 1024 ** 2} MiB` : `${n / 1024} KiB`);

/**
 * A plain-text table: numbers right-aligned, others left-aligned. A cell may
 * hold several lines (`\n`); the row then takes as many lines.
 */
export function table(header: string[], rows: string[][]): string {
  const cellLines = (c: string) => c.split('\n');
  const w = header.map((h, i) => Math.max(h.length, ...rows.flatMap((r) => cellLines(r[i]!).map((l) => l.length))));
  const line = (cells: string[]) =>
    cells.map((c, i) => (/^[\d,.]+$/.test(c) ? c.padStart(w[i]!) : c.padEnd(w[i]!))).join('  ').trimEnd();
  const out = [line(header), w.map((n) => '-'.repeat(n)).join('  ')];
  for (const r of rows) {
    const parts = r.map(cellLines);
    const height = Math.max(...parts.map((p) => p.length));
    for (let k = 0; k < height; k++) out.push(line(parts.map((p) => p[k] ?? '')));
  }
  return out.join('\n');
}

/** Words joined by spaces into lines of at most `width` characters. */
export function wrapWords(text: string, width: number): string {
  const lines: string[] = [];
  let cur = '';
  for (const word of text.split(' ')) {
    if (cur && cur.length + 1 + word.length > width) {
      lines.push(cur);
      cur = word;
    } else cur = cur ? `${cur} ${word}` : word;
  }
  if (cur) lines.push(cur);
  return lines.join('\n');
}

/** The report's words for a refined counterexample (cli/refine.ts): what was unfolded, and whether it is a shortest. */
export function refinedLine(v: Violation<unknown>, quotientParams: object = {}): string | undefined {
  const x = v.refined;
  if (!x) return undefined;
  const N = v.trace.length - 1;
  const how =
    x.shortest === 'unfolded'
      ? `a shortest (as long as the quotient's)`
      : x.shortest === 'searched'
        ? `a shortest (the faithful model searched to ${steps(N - 1)} has none shorter)`
        : `not known to be a shortest: a shortest has ${x.quotientSteps} to ${N} steps (the faithful search to ${steps(N - 1)} ${x.cut === 'interrupted' ? 'was interrupted' : 'passed its budget'})`;
  return `${x.folds}: found in ${steps(x.quotientSteps)}; the trace is the faithful model's (${showDiff(x.params, quotientParams)}), ${steps(N)}, ${how}`;
}

/** The faithful parameters that differ from the quotient's, `transWrites=steps`. */
function showDiff(faithful: Readonly<Record<string, unknown>>, quotient: object): string {
  const q = quotient as Record<string, unknown>;
  const d = Object.entries(faithful).filter(([k, x]) => q[k] !== x).map(([k, x]) => `${k}=${String(x)}`);
  return d.length ? d.join(' ') : 'each hidden step its own';
}

/** The report's line for the goals a bit array left out (cli/check.ts goalsLeftOut; a swarm member's, cli/scaleOut.ts). */
export const goalsLine = (names: readonly string[], how: '--store bitstate' | '--swarm'): string =>
  `  goals        NOT CHECKED: ${names.join(', ')} (AG EF goals: the bit array of ${how} keeps no state ids; check them without ${how}, or with --store compact)`;
