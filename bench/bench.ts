/**
 * `npm run bench`: throughput and memory of the checker on the ring-notify
 * benchmark points (ring-spec.md §11), each run REPEAT times in a fresh
 * process; medians reported. With --spin (and SPIN + gcc installed, `apt-get
 * install -y spin gcc`), SPIN -DNOREDUCE runs the same points interleaved with
 * ours, so the two are measured under the same machine noise, and the report
 * gives the ratio of medians. With --rumur (Rumur and gcc installed, `apt-get
 * install -y rumur gcc`), Rumur's verifier (1 thread, so breadth-first, built
 * as ../shared/bench/run-rumur.sh builds it) runs interleaved the same way; its
 * time is the verifier's wall time (Rumur prints whole seconds only).
 *
 * `--workers 1,2` runs pvcheck at each of these worker counts, `--rumur-threads
 * 1,2` Rumur's verifier built for each thread count; every tool's peak RSS is
 * measured with GNU time (/usr/bin/time) or, for pvcheck, by the process itself.
 *
 * `--models all` (or `--models grant,xenbus`) instead times every built-in
 * model at its default parameters, as `npm start` checks them.
 *
 * `--nested REV` (a commit of this repository, or a folder holding an older
 * checkout) then times the nested models against that tree, interleaved, as
 * `bench/nested.ts compare` does: issue 11 measures them against f6f19a3
 * (`--nested f6f19a3`). A commit is unpacked with `git archive` into a
 * temporary folder that borrows this checkout's node_modules. `--nested-cases`
 * names the cases (default xenbus4,ring-weak,grant22-150k: bench/nested.ts CASES).
 * `--same-models` runs that tree's checker on this tree's models (bench/nested.ts
 * `--same-models`): the engine alone, on the same states, where the models grew.
 * `--rows [--base DIR] [--repeat N] [--filter S] [--workers N|default] [--callgrind]`: every check-all
 * row as its own `pvcheck check` process against DIR, CPU seconds or instruction counts (bench/rows.ts).
 *
 * `--quiet` (any of the above): the whole command in a session of its own at autogroup niceness -19, every run
 * it starts (pvcheck's, SPIN's, Rumur's, the --nested comparison's) inside it, as `bench/nested.ts compare
 * --quiet` has it (bench/quiet.ts: why, and what it costs the machine's other sessions). The command line is
 * checked there before the niceness is set; the first line (`# ...` on stderr, `--rows`' included) says what
 * was set, and where it cannot be, one line says so and the runs share the machine as without it.
 *
 * So one command measures every figure of issue 11's point 5:
 *   npm run bench -- --points 8x64 --workers 1,2 --spin --rumur --rumur-threads 2 --nested f6f19a3
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, copyFileSync, rmSync, readFileSync, writeFileSync, symlinkSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { intOption, parse } from '../cli/args.js';
import { UsageError } from '../cli/errors.js';
import { workersOption } from '../cli/check.js';
import { defaultMemoryLimit } from '../checker/memory.js';
import { resolveParams } from '../model/params.js';
import { ringNotifyParams } from '../model/ringNotify.js';
import * as E from 'fp-ts/lib/Either.js';
import { table } from '../cli/report.js';
import { inQuietSession, quietNote, quietRerun, quietSet } from './quiet.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
};

interface Ours { states: number; edges: number; seconds: number; bytesPerState: number; rssDeltaPerState: number; peakRssMiB: number }
interface Spin { states: number; transitions: number; seconds: number; memoryMB: number; peakRssMiB: number }
interface Rumur { states: number; rulesFired: number; seconds: number; peakRssMiB: number }

/** `cmd args` under /usr/bin/time: its output and its peak RSS (MiB; NaN without GNU time). */
function timed(cmd: string, args: string[], cwd: string): { stdout: string; stderr: string; status: number | null; peakRssMiB: number } {
  const gnuTime = existsSync('/usr/bin/time');
  const r = gnuTime
    ? spawnSync('/usr/bin/time', ['-f', 'PEAK_RSS_KB=%M', cmd, ...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 28 })
    : spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 1 << 28 });
  const m = /PEAK_RSS_KB=(\d+)/.exec(r.stderr);
  return { stdout: r.stdout, stderr: r.stderr, status: r.status, peakRssMiB: m ? Number(m[1]) / 1024 : NaN };
}

function runOurs(N: number, M: number, W: number): Ours {
  const r = spawnSync(process.execPath, ['--max-old-space-size=8192', '--import', './bin/register.mjs', 'bench/one.ts', String(N), String(M), String(W)], {
    cwd: root, encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`bench run ${N}x${M} on ${W} workers failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Ours;
}

function buildSpin(dir: string, N: number, M: number): string {
  const exe = join(dir, `pan-${N}x${M}`);
  const sh = (cmd: string, args: string[]) => {
    const r = spawnSync(cmd, args, { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr || r.stdout}`);
  };
  sh('spin', ['-a', `-DRING_SIZE=${N}`, `-DMESSAGES=${M}`, 'ring-notify.pml']);
  sh('gcc', ['-O2', '-DSAFETY', '-DNOREDUCE', '-o', exe, 'pan.c']);
  return exe;
}

function runSpin(exe: string, dir: string): Spin {
  const r = timed(exe, ['-m10000000'], dir);
  const out = r.stdout;
  const num = (re: RegExp) => Number(re.exec(out)?.[1] ?? NaN);
  return {
    states: num(/([\d.e+]+) states, stored/),
    transitions: num(/([\d.e+]+) transitions \(= stored\+matched\)/),
    seconds: num(/pan: elapsed time ([\d.e+-]+) seconds/),
    memoryMB: num(/([\d.]+)\s+total actual memory usage/),
    peakRssMiB: r.peakRssMiB,
  };
}

/** Rumur's verifier for N x M with T threads, generated and compiled as run-rumur.sh does. */
function buildRumur(dir: string, N: number, M: number, T: number): string {
  const src = readFileSync(join(dir, 'ring-notify.m'), 'utf8');
  const set = src
    .replace(/^(  RING_SIZE: *)\d+;/m, `$1${N};`)
    .replace(/^(  MESSAGES: *)\d+;/m, `$1${M};`);
  if (!new RegExp(`^  RING_SIZE: *${N};`, 'm').test(set) || !new RegExp(`^  MESSAGES: *${M};`, 'm').test(set)) {
    throw new Error(`could not set RING_SIZE=${N}, MESSAGES=${M} in ring-notify.m`);
  }
  const model = join(dir, `rn-${N}x${M}.m`);
  writeFileSync(model, set);
  const exe = join(dir, `rumur-${N}x${M}-t${T}`);
  const sh = (cmd: string, args: string[]) => {
    const r = spawnSync(cmd, args, { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr || r.stdout}`);
  };
  let la57 = false;
  try { la57 = /\bla57\b/.test(readFileSync('/proc/cpuinfo', 'utf8')); } catch { /* not Linux */ }
  const pointer = process.arch === 'x64' && !la57 ? ['--pointer-bits', '48'] : [];
  sh('rumur', ['--deadlock-detection', 'stuck', '--colour', 'off', '--threads', String(T), ...pointer, model, '--output', exe + '.c']);
  sh('gcc', ['-std=c11', '-O3', '-march=native', '-mtune=native', '-flto', '-fwhole-program', '-mcx16', '-o', exe, exe + '.c', '-lpthread']);
  return exe;
}

function runRumur(exe: string, dir: string): Rumur {
  const t0 = process.hrtime.bigint();
  const r = timed(exe, [], dir);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const m = /State Space Explored:\s*(\d+) states, (\d+) rules fired/.exec(r.stdout);
  if (r.status !== 0 || !m) throw new Error(`rumur verifier ${exe} failed: ${(r.stdout + r.stderr).slice(-300)}`);
  return { states: Number(m[1]), rulesFired: Number(m[2]), seconds, peakRssMiB: r.peakRssMiB };
}

interface ModelRun { outcome: string; states: number; edges: number; depth: number; seconds: number; bytesPerState: number; params: string }

/** `pvcheck check MODEL --json -q` in a fresh process: the report's search time, not process start-up. */
function runModel(name: string): ModelRun {
  const r = spawnSync(process.execPath, ['--max-old-space-size=8192', join(root, 'bin/pvcheck.mjs'), 'check', name, '--json', '-q'], {
    cwd: tmpdir(), encoding: 'utf8', maxBuffer: 1 << 26,
  });
  if (r.status !== 0 && r.status !== 1) throw new Error(`pvcheck check ${name} failed (exit ${r.status}): ${r.stderr.trim().split('\n')[0]}`);
  const j = JSON.parse(r.stdout) as { outcome: string; distinctStates: number; edges: number; depth: number; seconds: number; bytesPerState: number; params: Record<string, unknown> };
  const params = Object.entries(j.params).map(([k, v]) => `${k}=${String(v)}`).join(' ');
  return { outcome: j.outcome, states: j.distinctStates, edges: j.edges, depth: j.depth, seconds: j.seconds, bytesPerState: j.bytesPerState, params };
}

/** `bench --models all|a,b`: every (or the named) built-in model at its defaults, `repeat` fresh runs each, medians. */
async function benchModels(list: string, repeat: number, started: () => Promise<string>): Promise<number> {
  const { builtinModels } = await import('../model/registry.js');
  const names = list === 'all' ? builtinModels.map((m) => m.name) : list.split(',').map((x) => x.trim());
  for (const n of names) {
    if (!builtinModels.some((m) => m.name === n)) throw new UsageError(`--models: unknown model '${n}' (built-in: ${builtinModels.map((m) => m.name).join(', ')})`);
  }
  process.stderr.write(`# node ${process.version}; ${repeat} runs per model at its default parameters, each a fresh process; medians${await started()}\n`);
  const rows: string[][] = [];
  for (const n of names) {
    const runs: ModelRun[] = [];
    for (let i = 0; i < repeat; i++) {
      runs.push(runModel(n));
      process.stderr.write(`${n} run ${i + 1}: ${runs[i]!.seconds.toFixed(2)} s\n`);
    }
    const r = runs[0]!;
    const sec = median(runs.map((x) => x.seconds));
    rows.push([n, String(r.states), String(r.edges), String(r.depth), r.outcome, sec.toFixed(2), String(Math.round(r.states / sec)), median(runs.map((x) => x.bytesPerState)).toFixed(1)]);
  }
  process.stdout.write(table(['model', 'states', 'edges', 'depth', 'outcome', 'seconds', 'states/s', 'bytes/state'], rows) + '\n');
  return 0;
}

export async function benchCommand(args: string[]): Promise<number> {
  // `--quiet`: this command again in a session of its own (bench/quiet.ts), which checks the line and sets the
  // niceness once it is good (`started`, before the first run; its words end the first line)
  const quiet = args.includes('--quiet');
  if (quiet && !inQuietSession()) await quietRerun();
  const argv = args.filter((a) => a !== '--quiet');
  const started = async (): Promise<string> => quietNote(quiet ? quietSet('pvcheck bench') : undefined);
  // `--rows`: every check-all row as its own process, this tree against --base (bench/rows.ts takes the rest of the line)
  const rowsAt = argv.indexOf('--rows');
  if (rowsAt >= 0) return (await import('./rows.js')).rowsCommand([...argv.slice(0, rowsAt), ...argv.slice(rowsAt + 1)], started);
  const { values, positionals } = parse(argv, {
    repeat: { type: 'string' },
    points: { type: 'string' },
    spin: { type: 'boolean' },
    rumur: { type: 'boolean' },
    'spin-dir': { type: 'string' },
    models: { type: 'string' },
    workers: { type: 'string' },
    'rumur-threads': { type: 'string' },
    nested: { type: 'string' },
    'nested-cases': { type: 'string' },
    'same-models': { type: 'boolean' },
  });
  if (positionals.length) throw new UsageError(`bench takes no positional argument (got '${positionals[0]}')`);
  const repeat = intOption('repeat', values.repeat) ?? 3;
  if (repeat < 1) throw new UsageError('--repeat must be at least 1');
  if (values['nested-cases'] !== undefined && values.nested === undefined) throw new UsageError('--nested-cases needs --nested REV (the tree to compare against)');
  if (values['same-models'] && values.nested === undefined) throw new UsageError('--same-models needs --nested REV (the tree whose checker runs this tree\'s models)');
  // checked before anything runs: a bad case or revision must not cost a whole bench first
  const nested = values.nested === undefined ? undefined : await nestedPlan(values.nested, values['nested-cases'], values['same-models'] === true);
  try {
    if (values.models !== undefined) {
      if (values.points || values.spin || values.rumur) throw new UsageError('--models runs the built-in models; it does not take --points, --spin or --rumur');
      return await benchModels(values.models, repeat, started);
    }
    if (nested && values.points === undefined && !values.spin && !values.rumur && values.workers === undefined) return nested.run(repeat, await started());
    const status = await benchPoints(values, repeat, started);
    return nested ? Math.max(status, nested.run(repeat, '')) : status;
  } finally {
    nested?.dispose();
  }
}

async function benchPoints(
  values: { points?: string; spin?: boolean; rumur?: boolean; 'spin-dir'?: string; workers?: string; 'rumur-threads'?: string },
  repeat: number,
  started: () => Promise<string>,
): Promise<number> {
  const points = (values.points ?? '4x32,8x32,8x64').split(',').map((p) => {
    const m = /^(\d+)x(\d+)$/.exec(p.trim());
    if (!m) throw new UsageError(`--points expects NxM,NxM..., got '${p}'`);
    // the point is ring-notify's ringSize x messages: refused as `pvcheck check ring-notify` refuses it
    const ok = resolveParams(ringNotifyParams, { ringSize: m[1]!, messages: m[2]! });
    if (E.isLeft(ok)) throw new UsageError(`--points ${p.trim()}: ${ok.left}`);
    return [Number(m[1]), Number(m[2])] as const;
  });
  const src = resolve(values['spin-dir'] ?? join(root, '..', 'shared', 'bench'));
  /** A temporary folder holding the peer's model, after checking the tool is installed. */
  const peerDir = (flag: string, model: string, tool: string, versionArg: string): string => {
    if (!existsSync(join(src, model))) throw new UsageError(`--${flag}: no ${model} in ${src} (use --spin-dir)`);
    if (spawnSync(tool, [versionArg], { encoding: 'utf8' }).status !== 0)
      throw new UsageError(`--${flag}: ${tool} is not installed (apt-get install -y ${tool} gcc)`);
    const dir = mkdtempSync(join(tmpdir(), `pvcheck-${flag}-`));
    copyFileSync(join(src, model), join(dir, model));
    return dir;
  };
  const spinDir = values.spin ? peerDir('spin', 'ring-notify.pml', 'spin', '-V') : undefined;
  const rumurDir = values.rumur ? peerDir('rumur', 'ring-notify.m', 'rumur', '--version') : undefined;
  const workerList = listOption('workers', values.workers ?? '1').map((w) => workersOption(String(w), defaultMemoryLimit()));
  const threadList = listOption('rumur-threads', values['rumur-threads'] ?? '1');
  const rows: string[][] = [];
  const log = (s: string) => process.stderr.write(s + '\n');
  const peers = [values.spin ? 'SPIN -DNOREDUCE (one core)' : '', values.rumur ? `Rumur (${threadList.join(', ')} threads)` : ''].filter(Boolean).join(' and ');
  log(`# node ${process.version}; pvcheck on ${workerList.join(', ')} workers; ${repeat} runs per point, medians; ${peers ? peers + ' interleaved' : 'no peer (use --spin, --rumur)'}${await started()}`);
  try {
    for (const [N, M] of points) {
      const exe = spinDir ? buildSpin(spinDir, N, M) : undefined;
      const rexes = rumurDir ? threadList.map((t) => buildRumur(rumurDir, N, M, t)) : [];
      const ours: Ours[][] = workerList.map(() => []);
      const spin: Spin[] = [];
      const rumur: Rumur[][] = threadList.map(() => []);
      for (let i = 0; i < repeat; i++) {
        const line: string[] = [];
        workerList.forEach((w, j) => {
          const o = runOurs(N, M, w);
          ours[j]!.push(o);
          line.push(`pvcheck/${w} ${o.seconds.toFixed(2)} s`);
        });
        if (exe) {
          spin.push(runSpin(exe, spinDir!));
          line.push(`spin ${spin[spin.length - 1]!.seconds} s`);
        }
        rexes.forEach((x, j) => {
          const r = runRumur(x, rumurDir!);
          rumur[j]!.push(r);
          line.push(`rumur/${threadList[j]} ${r.seconds.toFixed(2)} s`);
        });
        log(`${N}x${M} run ${i + 1}: ${line.join(', ')}`);
      }
      const spinSec = spin.length ? median(spin.map((x) => x.seconds)) : NaN;
      const ref = ours[0]![0]!;
      const vsSpin = (sec: number) => (spin.length && spinSec > 0 ? (spinSec / sec).toFixed(2) : '-');
      workerList.forEach((w, j) => {
        const o = ours[j]![0]!;
        const sec = median(ours[j]!.map((x) => x.seconds));
        rows.push([
          `${N}x${M}`, w === 1 ? 'pvcheck --workers 1' : `pvcheck --workers ${w}`,
          String(o.states), String(o.edges), sec.toFixed(2), String(Math.round(o.states / sec)),
          median(ours[j]!.map((x) => x.bytesPerState)).toFixed(1),
          median(ours[j]!.map((x) => x.peakRssMiB)).toFixed(0),
          o.states === ref.states && o.edges === ref.edges ? 'equal' : 'DIFFER', vsSpin(sec),
        ]);
      });
      if (exe) {
        const s0 = spin[0]!;
        rows.push([
          `${N}x${M}`, 'SPIN -DNOREDUCE', String(s0.states), String(s0.transitions), spinSec.toFixed(2),
          spinSec > 0 ? String(Math.round(s0.states / spinSec)) : '-', '-', median(spin.map((x) => x.peakRssMiB)).toFixed(0),
          s0.states === ref.states ? 'equal' : 'DIFFER', '1.00',
        ]);
      }
      threadList.forEach((t, j) => {
        if (!rumurDir) return; // no Rumur run (no --rumur): nothing measured
        const r0 = rumur[j]![0]!;
        const rs = median(rumur[j]!.map((x) => x.seconds));
        // Rumur's "rules fired" counts the stutter rule END once (ring-notify.m's header).
        const same = r0.states === ref.states && r0.rulesFired === ref.edges + 1;
        rows.push([
          `${N}x${M}`, `Rumur --threads ${t}`, String(r0.states), String(r0.rulesFired), rs.toFixed(2), String(Math.round(r0.states / rs)),
          '-', median(rumur[j]!.map((x) => x.peakRssMiB)).toFixed(0), same ? 'equal' : 'DIFFER', vsSpin(rs),
        ]);
      });
    }
  } finally {
    if (spinDir) rmSync(spinDir, { recursive: true, force: true });
    if (rumurDir) rmSync(rumurDir, { recursive: true, force: true });
  }
  // "counts": states and edges against the first pvcheck row (Rumur's rules fired = edges + 1, its END).
  const header = ['point', 'tool', 'states', 'edges', 'seconds', 'states/s', 'bytes/state', 'peak RSS MiB', 'counts', 'speed vs SPIN'];
  process.stdout.write(table(header, rows) + '\n');
  return 0;
}

/**
 * `--nested REV|DIR`: the older tree the nested models are timed against. A folder is used as it is
 * (it needs its own node_modules or one reachable from it); anything else is a revision of this
 * repository, unpacked into a temporary folder with `git archive`.
 */
async function nestedPlan(rev: string, casesOpt: string | undefined, sameModels: boolean): Promise<{ run: (repeat: number, note: string) => number; dispose: () => void }> {
  const { caseRefusal } = await import('./nested.js');
  const cases = (casesOpt ?? 'xenbus4,ring-weak,grant22-150k').split(',').map((c) => c.trim());
  for (const c of cases) {
    // a retired name (bench/nested.ts RETIRED) with its hint, else the cases known
    const refused = caseRefusal(c, '--nested-cases');
    if (refused) throw new UsageError(refused);
  }
  let base: string;
  let temp: string | undefined;
  if (existsSync(rev) && statSync(rev).isDirectory()) {
    base = resolve(rev);
    if (!existsSync(join(base, 'checker'))) throw new UsageError(`--nested: ${rev} is a folder but not a pvcheck checkout (no checker/ in it)`);
  } else {
    const ok = spawnSync('git', ['-C', root, 'rev-parse', '--verify', '--quiet', `${rev}^{commit}`], { encoding: 'utf8' });
    if (ok.status !== 0) throw new UsageError(`--nested: '${rev}' is neither a folder nor a commit of ${root}`);
    temp = mkdtempSync(join(tmpdir(), 'pvcheck-nested-base-'));
    const r = spawnSync('sh', ['-c', `git -C "$1" archive "$2" | tar -x -C "$3"`, 'sh', root, rev, temp], { encoding: 'utf8' });
    if (r.status !== 0) {
      rmSync(temp, { recursive: true, force: true });
      throw new UsageError(`--nested: could not unpack ${rev}: ${(r.stderr || '').trim().split('\n')[0]}`);
    }
    symlinkSync(join(root, 'node_modules'), join(temp, 'node_modules'), 'dir');
    base = temp;
  }
  return {
    run: (repeat, note) => {
      // as `pvcheck check` runs them (the default workers, a built-in's fast path), states per wall and per CPU
      // second: issue 11's figures (until session 34 this ran the single-threaded check of the nested models, the
      // `-nested` cases' figure); `--same-models` compares the engines on the nested models, one thread each
      const how = sameModels ? ['--same-models'] : ['--workers', 'default', '--wall'];
      const what = sameModels ? `its checker on this tree's models` : `as pvcheck check runs them (compare ${how.join(' ')})`;
      process.stderr.write(`# nested models against ${rev} (${base}): ${what}: ${cases.join(', ')}, ${repeat} runs each, interleaved${note}\n`);
      const r = spawnSync(process.execPath, ['--import', './bin/register.mjs', 'bench/nested.ts', 'compare', '--repeat', String(repeat), '--base', base, '--cases', cases.join(','), ...how], {
        cwd: root, stdio: 'inherit',
      });
      return r.status ?? 1;
    },
    dispose: () => { if (temp) rmSync(temp, { recursive: true, force: true }); },
  };
}

/** A comma-separated list of positive integers. */
function listOption(name: string, v: string): number[] {
  const xs = v.split(',').map((x) => x.trim());
  if (!xs.every((x) => /^[1-9]\d*$/.test(x))) throw new UsageError(`--${name} expects a list of positive integers such as 1,2, got '${v}'`);
  return xs.map(Number);
}
