/**
 * `npm run bench -- --rows [--base DIR] [--repeat N] [--filter S] [--workers N|default] [--callgrind]`:
 * every check-all row (each built-in at its defaults, then its Model.checkAll runs, as `npm start` runs
 * them: cli/check.ts checkAllRuns) as its own `pvcheck check MODEL -p k=v ... [-i ...] -q --json`
 * process, this tree's and DIR's alternating (base, this, base, this, ... per row, so both see the
 * same noise on a shared machine), user + system CPU seconds of each process (GNU time: every thread,
 * start-up and compiles included), states per run, medians and the ratio this/base, as a markdown
 * table. This is the tool that says an engine change slows no row.
 *
 * The rows are this tree's; DIR runs the same command lines (a row DIR refuses, e.g. a parameter it
 * does not have, says so in its cells). `--workers` is what each process gets: 1 by default (one
 * thread: the default's hand-over depends on the machine's load, so its CPU does too), `default` for
 * none (as npm start runs them). `--filter S`: the rows whose label (as check-all prints it, e.g.
 * `blkif (frontend=hostile ringSize=2)`) contains S, repeatable (any of them).
 *
 * `--callgrind`: instruction counts instead of CPU seconds (`valgrind --tool=callgrind node
 * --single-threaded ...`: no compiler or GC threads, so that the count is the same run after run to
 * about half a percent), one run per tree and row unless --repeat is given; slow (a minute or more a
 * row): for a few rows (--filter). Each run's processes are started from a scratch folder (the trace a
 * row writes lands there) that is removed at the end.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../cli/errors.js';
import type { Model } from '../model/core.js';

const HERE = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export interface Row {
  /** As check-all labels it: `MODEL` or `MODEL (k=v ...)` (its parameters as the row declares them). */
  readonly label: string;
  /** The arguments after `pvcheck`. */
  readonly args: readonly string[];
}

/** Every check-all row of `models`, in check-all's order, as a `pvcheck check` command line. */
export function rowsOf(models: readonly Model[]): Row[] {
  const rows: Row[] = [];
  for (const m of models) {
    rows.push({ label: m.name, args: ['check', m.name] });
    for (const run of m.checkAll ?? []) {
      const ps = Object.entries(run.params).flatMap(([k, v]) => ['-p', `${k}=${v}`]);
      // a row that leaves properties out checks the others by name, deadlock among them unless left out (as checkAllRuns does)
      const all = [...m.invariants.map((i) => i.name), ...(m.goals ?? []).map((g) => g.name), 'deadlock'];
      const is = run.leaveOut?.length ? all.filter((n) => !run.leaveOut!.includes(n)).flatMap((n) => ['-i', n]) : [];
      const shown = Object.entries(run.params).map(([k, v]) => `${k}=${v}`).join(' ');
      rows.push({ label: `${m.name} (${shown})`, args: ['check', m.name, ...ps, ...is] });
    }
  }
  return rows;
}

export interface RowsOptions {
  readonly base?: string;
  readonly repeat: number;
  readonly filters: readonly string[];
  /** '1'.. or 'default' (no --workers given to the CLI). */
  readonly workers: string;
  readonly callgrind: boolean;
}

/** The command line after `--rows`; bad input is a UsageError (one line, exit 2). */
export function rowsOptions(argv: readonly string[]): RowsOptions {
  let base: string | undefined;
  let repeat: number | undefined;
  const filters: string[] = [];
  let workers = '1';
  let callgrind = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`--rows: ${a} needs a value`);
      return v;
    };
    if (a === '--base') base = value();
    else if (a === '--repeat') {
      const v = value();
      if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 1000) throw new UsageError(`--rows: --repeat expects a whole number of runs from 1 to 1000, got '${v}'`);
      repeat = Number(v);
    } else if (a === '--filter') filters.push(value());
    else if (a === '--workers') {
      const v = value();
      if (v !== 'default' && (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 1024))
        throw new UsageError(`--rows: --workers expects a number of worker threads from 1 to 1024 or 'default', got '${v}'`);
      workers = v === 'default' ? v : String(Number(v));
    } else if (a === '--callgrind') callgrind = true;
    else throw new UsageError(`--rows: unknown option '${a}' (options: --base DIR, --repeat N, --filter S, --workers N|default, --callgrind)`);
  }
  if (base !== undefined) {
    base = resolve(base);
    if (!existsSync(join(base, 'bin/pvcheck.mjs')) || !existsSync(join(base, 'node_modules')))
      throw new UsageError(`--rows: --base ${base} is not a pvcheck checkout with its node_modules (no bin/pvcheck.mjs or node_modules in it)`);
  }
  if (callgrind && spawnSync('valgrind', ['--version'], { encoding: 'utf8' }).status !== 0) throw new UsageError('--rows --callgrind needs valgrind on the PATH (apt-get install -y valgrind)');
  if (!callgrind && !existsSync('/usr/bin/time')) throw new UsageError('--rows needs GNU time (/usr/bin/time) for each process\'s CPU seconds (apt-get install -y time)');
  return { ...(base !== undefined ? { base } : {}), repeat: repeat ?? (callgrind ? 1 : 3), filters, workers, callgrind };
}

/** One process: what it found and what it cost (CPU seconds, or instructions under callgrind); `refused` when it did not run the row. */
export interface Measured {
  readonly states?: number;
  readonly outcome?: string;
  readonly cost?: number;
  readonly refused?: string;
}

/** Runs `pvcheck ARGS -q --json` of tree `root` in `cwd`, measured. */
export function measure(root: string, args: readonly string[], o: RowsOptions, cwd: string): Measured {
  const cli = [join(root, 'bin/pvcheck.mjs'), ...args, '-q', '--json', ...(o.workers === 'default' ? [] : ['--workers', o.workers])];
  const timeFile = join(cwd, 'time.txt');
  const r = o.callgrind
    ? spawnSync('valgrind', ['--tool=callgrind', '--callgrind-out-file=/dev/null', process.execPath, '--single-threaded', ...cli], { cwd, encoding: 'utf8', maxBuffer: 1 << 28 })
    : spawnSync('/usr/bin/time', ['-o', timeFile, '-f', '%U %S', process.execPath, ...cli], { cwd, encoding: 'utf8', maxBuffer: 1 << 28 });
  // exit 0 (ok), 1 (a violation: a declared finding is one), 3 (incomplete) carry a report; 2 is bad input
  const json = r.stdout.slice(r.stdout.indexOf('{'), r.stdout.lastIndexOf('}') + 1);
  let report: { distinctStates?: number; outcome?: string } | undefined;
  try {
    report = json ? (JSON.parse(json) as { distinctStates?: number; outcome?: string }) : undefined;
  } catch {
    report = undefined;
  }
  if (!report || typeof report.distinctStates !== 'number') {
    const why = (r.stderr || r.stdout || `exit ${r.status}`).split('\n').find((l) => l.trim() && !l.startsWith('==')) ?? `exit ${r.status}`;
    return { refused: why.trim().slice(0, 120) };
  }
  let cost: number | undefined;
  if (o.callgrind) {
    const m = /Collected\s*:\s*(\d+)/.exec(r.stderr);
    cost = m ? Number(m[1]) : undefined;
  } else {
    const [u, s] = readFileSync(timeFile, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
    cost = u! + s!;
  }
  return { states: report.distinctStates, ...(report.outcome ? { outcome: report.outcome } : {}), ...(cost !== undefined && Number.isFinite(cost) ? { cost } : {}) };
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
};

/** The markdown table of a measurement (exported for the test: the ratio is the medians'). */
export function rowsTable(results: readonly { row: Row; base?: Measured[]; this: Measured[] }[], o: RowsOptions): string {
  const unit = o.callgrind ? 'instructions (M)' : 'CPU s';
  const fmt = (x: number) => (o.callgrind ? (x / 1e6).toFixed(1) : x.toFixed(2));
  const cell = (ms: readonly Measured[] | undefined): { text: string; median?: number; states: string } => {
    if (!ms) return { text: '', states: '' };
    const refused = ms.find((m) => m.refused);
    if (refused) return { text: `refused: ${refused.refused!.replace(/\|/g, '/')}`, states: '' };
    const costs = ms.map((m) => m.cost).filter((c): c is number => c !== undefined);
    const states = [...new Set(ms.map((m) => m.states))];
    return {
      text: costs.length ? `${fmt(median(costs))} (${costs.map(fmt).join(' ')})` : 'no measure',
      ...(costs.length ? { median: median(costs) } : {}),
      states: states.map((s) => (s ?? 0).toLocaleString('en-US')).join(' / '),
    };
  };
  const lines = [
    o.base ? `| row | states | base ${unit} | this ${unit} | this/base |` : `| row | states | ${unit} |`,
    o.base ? '|---|---:|---:|---:|---:|' : '|---|---:|---:|',
  ];
  let sumBase = 0, sumThis = 0, logs = 0, n = 0;
  for (const r of results) {
    const b = cell(r.base), t = cell(r.this);
    if (!o.base) {
      lines.push(`| ${r.row.label} | ${t.states} | ${t.text} |`);
      continue;
    }
    // a row the base refused (a parameter it has not) has nothing to compare its counts with
    const statesCell = b.states === t.states || b.median === undefined || t.median === undefined ? t.states || b.states : `${b.states} -> ${t.states} DIFFERENT`;
    const ratio = b.median !== undefined && t.median !== undefined && b.median > 0 ? t.median / b.median : undefined;
    if (ratio !== undefined) {
      sumBase += b.median!;
      sumThis += t.median!;
      logs += Math.log(ratio);
      n++;
    }
    lines.push(`| ${r.row.label} | ${statesCell} | ${b.text} | ${t.text} | ${ratio !== undefined ? ratio.toFixed(3) : ''} |`);
  }
  if (o.base && n) lines.push(`| all ${n} rows compared | | ${fmt(sumBase)} (sum) | ${fmt(sumThis)} (sum) | ${(sumThis / sumBase).toFixed(3)} (geometric mean of the rows ${Math.exp(logs / n).toFixed(3)}) |`);
  return lines.join('\n');
}

/** `pvcheck bench --rows ...` (bench/bench.ts hands it the rest of its command line). */
/** `started`: called once the line is checked, before the first run; its words end the first line (bench.ts `--quiet`). */
export async function rowsCommand(argv: readonly string[], started: () => Promise<string> = async () => ''): Promise<number> {
  const o = rowsOptions(argv);
  const { builtinModels } = (await import('../model/registry.js')) as { builtinModels: readonly Model[] };
  const all = rowsOf(builtinModels);
  const rows = o.filters.length ? all.filter((r) => o.filters.some((f) => r.label.includes(f))) : all;
  if (!rows.length) throw new UsageError(`--rows: no check-all row matches --filter ${o.filters.map((f) => `'${f}'`).join(', ')} (rows: ${all.map((r) => r.label).join('; ')})`);
  const note = await started();
  const cwd = mkdtempSync(join(tmpdir(), 'pvcheck-rows-'));
  const trees: [tag: 'base' | 'this', root: string][] = o.base ? [['base', o.base], ['this', HERE]] : [['this', HERE]];
  process.stderr.write(
    `# ${rows.length} check-all rows, ${o.repeat} run${o.repeat === 1 ? '' : 's'} each${o.base ? `, this tree and ${o.base} alternating` : ''}, ` +
      `${o.workers === 'default' ? 'default workers' : `--workers ${o.workers}`}, ${o.callgrind ? 'callgrind instruction counts' : 'user+sys CPU seconds'}${note}\n`,
  );
  const results: { row: Row; base?: Measured[]; this: Measured[] }[] = [];
  try {
    for (const row of rows) {
      const got: { base?: Measured[]; this: Measured[] } = { this: [], ...(o.base ? { base: [] } : {}) };
      for (let i = 0; i < o.repeat; i++)
        for (const [tag, root] of trees) {
          const m = measure(root, row.args, o, cwd);
          got[tag]!.push(m);
          process.stderr.write(`${row.label} ${tag} #${i + 1}: ${m.refused ? `refused: ${m.refused}` : `${m.states} states, ${m.cost === undefined ? '?' : o.callgrind ? `${m.cost} instructions` : `${m.cost.toFixed(2)} s CPU`}`}\n`);
        }
      results.push({ row, ...got });
    }
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
  process.stdout.write(
    `pvcheck check per check-all row, fresh process each, ${o.callgrind ? 'callgrind instructions' : 'user+sys CPU seconds'}: median (runs)${o.base ? `; base ${o.base}` : ''}\n\n` +
      rowsTable(results, o) + '\n',
  );
  return 0;
}
