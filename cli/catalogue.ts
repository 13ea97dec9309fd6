/**
 * `pvcheck catalogue [FILE|DIR...] [--json] [-q]`: the regression suite a protocol
 * maintainer runs after changing a model. Every example (by default every
 * `.ts` file of pvcheck's examples/) declares in its leading comment how it is
 * checked and what the result must be (docs/examples.md):
 *
 *   @pvcheck catalogue X-1 XSA-39 CVE-2013-0216     (optional, at most once)
 *   @pvcheck check -p frontend=hostile -p ringSize=2  (at least one)
 *   @pvcheck expect violation B_no_impossible_req_prod in 2 steps
 *   @pvcheck fixed-by ring [ARGS]                      (optional)
 *
 * Each `check` runs as `pvcheck check FILE ARGS` would, and its result is
 * compared with the `expect` under it; `fixed-by` checks that model with the
 * first check's ARGS then its own, and expects `ok`. Its ARGS may also say
 * `--leave-out NAME` (repeatable): a finding the model declares about today's
 * code (Model.findings) that the fix run does not check, every other property
 * checked, as check-all leaves one out (Model.checkAll). One table row per check
 * (catalogue id, file, arguments, expected, got, seconds), and a progress
 * line per check on stderr unless --quiet; exit 0 when every
 * result is the declared one, 1 otherwise (a header that cannot be read
 * counts as a mismatch), 2 bad input, 3 interrupted.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as E from 'fp-ts/lib/Either.js';
import type { CheckResult } from '../checker/explore.js';
import type { Model } from '../model/core.js';
import { resolveParams } from '../model/params.js';
import { deadlockSelected, propertyNames } from '../properties/bind.js';
import { intOption, paramPairs, parse } from './args.js';
import { runSearch } from './check.js';
import { EXIT, UsageError } from './errors.js';
import { interrupted } from './interrupt.js';
import { loadModel, looksLikeFile } from './loadModel.js';
import { table } from './report.js';

/** pvcheck's own examples/ folder. */
export const EXAMPLES_DIR = fileURLToPath(new URL('../examples/', import.meta.url));

export interface Check {
  /** the arguments after `pvcheck check FILE` */
  readonly args: readonly string[];
  /** the declared result, normalised: `ok`, `violation P in N steps`, `deadlock in N steps`, `incomplete` */
  readonly expect: string;
}

export interface Header {
  readonly file: string;
  readonly catalogue?: { readonly id: string; readonly refs: readonly string[] };
  readonly checks: readonly Check[];
  readonly fixedBy?: { readonly model: string; readonly args: readonly string[] };
}

const words = (s: string): string[] => s.trim().split(/\s+/).filter((w) => w !== '');

/** A declared or computed result in its one spelling (`1 steps` -> `1 step`, spaces collapsed); undefined if not a result. */
export function normaliseResult(s: string): string | undefined {
  const t = words(s).join(' ');
  if (t === 'ok' || t === 'incomplete') return t;
  const m = /^(?:violation (\S+)|deadlock) in (\d+) steps?$/.exec(t);
  if (!m) return undefined;
  const n = Number(m[2]);
  return `${m[1] ? `violation ${m[1]}` : 'deadlock'} in ${n} ${n === 1 ? 'step' : 'steps'}`;
}

/** The result of a check in the spelling of `expect`. */
export function resultOf(r: CheckResult<unknown>): string {
  if (r.outcome === 'ok' || r.outcome === 'incomplete') return r.outcome;
  const n = r.violation!.trace.length - 1;
  const steps = `${n} ${n === 1 ? 'step' : 'steps'}`;
  return r.outcome === 'deadlock' ? `deadlock in ${steps}` : `violation ${r.violation!.property} in ${steps}`;
}

/** The `@pvcheck` header of an example's text: Left is one line saying what is wrong (with the line number). */
export function parseHeader(file: string, text: string): E.Either<string, Header> {
  const start = text.indexOf('/**');
  const end = start < 0 ? -1 : text.indexOf('*/', start);
  if (start < 0 || end < 0 || text.slice(0, start).replace(/^#!.*\n/, '').trim() !== '')
    return E.left(`${file}: no leading /** ... */ comment with an @pvcheck header (docs/examples.md)`);
  const firstLine = text.slice(0, start).split('\n').length;
  let catalogue: Header['catalogue'];
  let fixedBy: Header['fixedBy'];
  const checks: { args: string[]; expect?: string }[] = [];
  const lines = text.slice(start, end).split('\n');
  for (const [i, raw] of lines.entries()) {
    const m = /^\s*(?:\/\*\*|\*)?\s*@pvcheck\s+(\S+)\s*(.*?)\s*$/.exec(raw);
    if (!m) continue;
    const at = `${file}:${firstLine + i}`;
    const [, tag, rest] = m as unknown as [string, string, string];
    switch (tag) {
      case 'catalogue': {
        const [id, ...refs] = words(rest);
        if (!id) return E.left(`${at}: @pvcheck catalogue needs an id (X-1, B-4, ...)`);
        if (catalogue) return E.left(`${at}: a second @pvcheck catalogue line`);
        catalogue = { id, refs };
        break;
      }
      case 'check':
        if (checks.length && checks[checks.length - 1]!.expect === undefined) return E.left(`${at}: @pvcheck check without an expect for the check above it`);
        checks.push({ args: words(rest) });
        break;
      case 'expect': {
        const last = checks[checks.length - 1];
        if (!last || last.expect !== undefined) return E.left(`${at}: @pvcheck expect without a check line above it`);
        const r = normaliseResult(rest);
        if (!r) return E.left(`${at}: @pvcheck expect '${rest}': expected ok, violation PROPERTY in N steps, deadlock in N steps or incomplete`);
        last.expect = r;
        break;
      }
      case 'fixed-by': {
        const [model, ...args] = words(rest);
        if (!model) return E.left(`${at}: @pvcheck fixed-by needs a model or a file`);
        if (fixedBy) return E.left(`${at}: a second @pvcheck fixed-by line`);
        fixedBy = { model, args };
        break;
      }
      default:
        return E.left(`${at}: unknown tag @pvcheck ${tag} (catalogue, check, expect, fixed-by)`);
    }
  }
  if (!checks.length) return E.left(`${file}: no @pvcheck check line in the leading comment (docs/examples.md)`);
  const open = checks.find((c) => c.expect === undefined);
  if (open) return E.left(`${file}: @pvcheck check ${open.args.join(' ')} has no expect line`);
  return E.right({
    file,
    ...(catalogue ? { catalogue } : {}),
    checks: checks.map((c) => ({ args: c.args, expect: c.expect! })),
    ...(fixedBy ? { fixedBy } : {}),
  });
}

/** The header of an example file. */
/** What an example's fixed-by line names: a file, relative to the example's folder, or a built-in model. */
export function fixedByModel(example: string, model: string): string {
  return looksLikeFile(model) ? resolve(dirname(example), model) : model;
}

export function readHeader(file: string): E.Either<string, Header> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return E.left(`${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return parseHeader(file, text);
}

/** The example files under the given files and folders (a folder: its `.ts` files, sorted). */
export function exampleFiles(paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    let st;
    try {
      st = statSync(p);
    } catch {
      throw new UsageError(`${p}: no such file or folder`);
    }
    if (st.isDirectory())
      out.push(...readdirSync(p).filter((f) => /\.(c|m)?ts$/.test(f) && !f.endsWith('.d.ts')).sort().map((f) => join(p, f)));
    else out.push(p);
  }
  return out;
}

/** The options an example's check line may use: those of `pvcheck check` that decide the result. */
const CHECK_LINE_OPTIONS = {
  param: { type: 'string', multiple: true, short: 'p' },
  invariant: { type: 'string', multiple: true, short: 'i' },
  'max-states': { type: 'string' },
  'max-depth': { type: 'string' },
  'no-deadlock': { type: 'boolean' },
} as const;
/**
 * A fixed-by line's options: a check line's, and `--leave-out NAME`, a finding
 * the fix model declares (Model.findings; check-all's `leaveOut`): a fix of an
 * example's bug verifies on today's model but for a finding it does not fix.
 */
const FIXED_BY_OPTIONS = { ...CHECK_LINE_OPTIONS, 'leave-out': { type: 'string', multiple: true } } as const;

export interface Row {
  catalogue: string | null;
  refs: string[];
  file: string;
  /** `check ARGS` or `fixed-by MODEL ARGS` */
  what: string;
  expected: string;
  got: string;
  match: boolean;
  seconds: number;
  distinctStates: number | null;
}

/**
 * Runs one check of `model` (a file or built-in name) with ARGS; the result
 * string, or an error line. `fixedBy`: the last ARGS are a fixed-by line's,
 * of `example` (checked against its bounds first, fixedByBoundsDiffer).
 */
async function runCheck(modelArg: string, argLists: readonly (readonly string[])[], fixedBy?: { example: string; line: string }): Promise<{ got: string; states: number | null }> {
  const model = await loadModel(modelArg);
  let params: Record<string, string> = {};
  let invariants: string[] | undefined;
  let maxStates: number | undefined;
  let maxDepth: number | undefined;
  let noDeadlock = false;
  let leaveOut: string[] = [];
  for (const [k, args] of argLists.entries()) {
    const { values, positionals } = parse([...args], fixedBy && k === argLists.length - 1 ? FIXED_BY_OPTIONS : CHECK_LINE_OPTIONS);
    if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}' in the check line`);
    params = { ...params, ...paramPairs(values.param) };
    if (values.invariant) invariants = values.invariant;
    maxStates = intOption('max-states', values['max-states'], 1) ?? maxStates;
    maxDepth = intOption('max-depth', values['max-depth']) ?? maxDepth;
    noDeadlock ||= values['no-deadlock'] === true;
    leaveOut = (values as { 'leave-out'?: string[] })['leave-out'] ?? leaveOut;
  }
  const findings = model.findings ?? [];
  for (const n of leaveOut)
    if (!findings.includes(n))
      throw new UsageError(`--leave-out ${n}: not a finding model ${model.name} declares (its findings: ${findings.join(', ') || 'none'}); a fix run leaves out only a known finding about today's code`);
  if (leaveOut.length) invariants = (invariants ?? [...propertyNames(model), 'deadlock']).filter((n) => !leaveOut.includes(n));
  const p = resolveParams(model.params, params);
  if (E.isLeft(p)) throw new UsageError(`model ${model.name}: ${p.left}`);
  if (fixedBy) {
    // a fixed-by row at other bounds than its example's is refused before it runs
    const differ = fixedByBoundsDiffer(await loadModel(fixedBy.example), model, argLists[0]!, argLists[1]!);
    if (differ.length)
      throw new UsageError(
        `fixed-by ${fixedBy.line} runs at ${differ.map((d) => `${d.name}=${d.fixed}`).join(' ')}, the example at ${differ.map((d) => `${d.name}=${d.example}`).join(' ')}: ` +
          `name the example's bounds on the fixed-by line (${differ.map((d) => `-p ${d.name}=${d.example}`).join(' ')})`,
      );
  }
  const r = await runSearch(model, p.right as object, {
    ...(invariants ? { invariants } : {}),
    ...(maxStates !== undefined ? { maxStates } : {}),
    ...(maxDepth !== undefined ? { maxDepth } : {}),
    checkDeadlock: !noDeadlock && deadlockSelected(invariants),
    progress: false,
    // what a worker thread loads the model from
    source: looksLikeFile(modelArg) ? resolve(modelArg) : modelArg,
  });
  return { got: r.incompleteReason === 'interrupted' ? 'interrupted' : resultOf(r), states: r.distinctStates };
}

/**
 * A fixed-by line runs its model at that model's defaults, which may differ
 * from the example's own (`withDefaults`, docs/examples.md "Bounds"): a fix
 * then verifies at other bounds than the bug was shown at, and the line says
 * less than it seems. The parameters both models declare whose values differ
 * between the example at its first check line and the fixed-by run, leaving
 * out those the fixed-by line names itself (a fix's own switch, such as
 * `-p setStatusPinned=checked`), each with both values; empty when the fix
 * runs at the example's bounds. A parameter list either model
 * refuses gives no lint (the run reports it).
 */
export function fixedByBoundsDiffer(
  example: Model,
  fixed: Model,
  checkArgs: readonly string[],
  fixedByArgs: readonly string[],
): { name: string; fixed: string; example: string }[] {
  const check = paramPairs(parse([...checkArgs], CHECK_LINE_OPTIONS).values.param);
  const own = paramPairs(parse([...fixedByArgs], FIXED_BY_OPTIONS).values.param);
  const pe = resolveParams(example.params, check);
  const pf = resolveParams(fixed.params, { ...check, ...own });
  if (E.isLeft(pe) || E.isLeft(pf)) return [];
  const a = pe.right as Record<string, unknown>;
  const b = pf.right as Record<string, unknown>;
  return Object.keys(fixed.params.specs)
    .filter((k) => k in example.params.specs && !Object.hasOwn(own, k) && a[k] !== b[k])
    .map((k) => ({ name: k, fixed: String(b[k]), example: String(a[k]) }));
}

/** Every check of one example, as rows. */
export async function catalogueRows(file: string, shown = file, progress = false): Promise<Row[]> {
  const h = readHeader(file);
  const base = { catalogue: null, refs: [] as string[], file: shown, seconds: 0, distinctStates: null };
  if (E.isLeft(h)) return [{ ...base, what: '-', expected: 'an @pvcheck header', got: `error: ${h.left}`, match: false }];
  const head = { ...base, catalogue: h.right.catalogue?.id ?? null, refs: [...(h.right.catalogue?.refs ?? [])] };
  const jobs: { what: string; model: string; args: (readonly string[])[]; expected: string; fixedBy?: boolean }[] = h.right.checks.map((c) => ({
    what: ['check', ...c.args].join(' '),
    model: file,
    args: [c.args],
    expected: c.expect,
  }));
  const fb = h.right.fixedBy;
  if (fb) {
    const model = fixedByModel(file, fb.model);
    jobs.push({ what: ['fixed-by', fb.model, ...fb.args].join(' '), model, args: [h.right.checks[0]!.args, fb.args], expected: 'ok', fixedBy: true });
  }
  const rows: Row[] = [];
  for (const j of jobs) {
    if (interrupted()) break;
    const t0 = Date.now();
    let got: string;
    let states: number | null = null;
    try {
      ({ got, states } = await runCheck(j.model, j.args, j.fixedBy ? { example: file, line: fb!.model } : undefined));
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      got = `error: ${e.message}`;
    }
    const row = { ...head, what: j.what, expected: j.expected, got, match: got === j.expected, seconds: (Date.now() - t0) / 1000, distinctStates: states };
    rows.push(row);
    if (progress) process.stderr.write(`catalogue ${shown} ${j.what}: ${got}${row.match ? '' : ' (MISMATCH)'} ${row.seconds.toFixed(2)} s\n`);
  }
  return rows;
}

export async function catalogueCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { json: { type: 'boolean' }, quiet: { type: 'boolean', short: 'q' } });
  const files = exampleFiles(positionals.length ? positionals : [EXAMPLES_DIR]);
  if (!files.length) throw new UsageError(`no example files in ${positionals.join(' ') || EXAMPLES_DIR}`);
  const t0 = Date.now();
  const rows: Row[] = [];
  for (const f of files) {
    if (interrupted()) break;
    const shown = positionals.length ? relative('.', f) || f : join('examples', basename(f));
    rows.push(...(await catalogueRows(f, shown, !values.quiet)));
  }
  const stopped = interrupted() || rows.some((r) => r.got === 'interrupted');
  const bad = rows.filter((r) => !r.match && r.got !== 'interrupted');
  const seconds = (Date.now() - t0) / 1000;
  if (values.json) process.stdout.write(JSON.stringify({ rows, examples: files.length, mismatches: bad.length, interrupted: stopped, seconds }, null, 2) + '\n');
  else {
    const body = rows.map((r) => [r.catalogue ?? '-', r.file, r.what, r.expected, r.match ? r.got : `${r.got}  <-- MISMATCH`, r.seconds.toFixed(2)]);
    process.stdout.write(table(['catalogue', 'file', 'check', 'expected', 'got', 'seconds'], body) + '\n');
    process.stdout.write(
      `${rows.length} checks of ${files.length} examples in ${seconds.toFixed(1)} s: ` +
        (bad.length ? `${bad.length} not as declared (${[...new Set(bad.map((r) => r.file))].join(', ')})` : 'every result as declared') +
        (stopped ? '; INTERRUPTED: the remaining checks were not run' : '') +
        '\n',
    );
  }
  return bad.length ? EXIT.violation : stopped ? EXIT.incomplete : EXIT.ok;
}
