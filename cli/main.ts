/**
 * pvcheck command line. Every bad input ends as one line on stderr and exit
 * code 2; no stack trace unless PVCHECK_DEBUG=1.
 */
import { readFileSync } from 'node:fs';
import { EXIT, UsageError } from './errors.js';
import { installInterruptPolicy } from './interrupt.js';
import { ModelFault } from '../properties/fault.js';
import { BUILTIN_NAMES, checkAllRefusals, checkRefusals, listRefusals, mergeRefusals, replayArgs, showRefusals } from './refusals.js';
// Nothing above loads a model: a command's module (and with it the models) is imported once the
// input its refusals can judge without a model is taken (cli/refusals.ts), so that a typo is refused
// in ~0.1 s instead of ~0.5 s (session 32).

const HELP = `pvcheck: exhaustive checker for the Xen paravirtual I/O protocols

usage:
  pvcheck --version                    the version of pvcheck (and of node)
  pvcheck COMMAND --help               the usage and options of one command
  pvcheck list [MODEL...]              models, their parameters (defaults, ranges) and invariants
  pvcheck check MODEL|FILE [options]   explore every reachable state and check the invariants
  pvcheck check-all [--json] [--workers N]
                                       check every built-in model at its default parameters (npm start);
                                       --workers N runs every row on N workers (for measurements)
  pvcheck show TRACE [--model MODEL|FILE]
                                       print a counterexample: per step the action and what changed
  pvcheck show TRACE --msc [--width N] | --mermaid | --html FILE
                                       the counterexample as a message sequence chart: plain text for e-mail
                                       (72 columns unless --width), a Mermaid sequenceDiagram, or one
                                       self-contained HTML page with a step slider
  pvcheck replay TRACE [--model MODEL|FILE] [--param name=value]... [--invariant NAME] [--by-state] [--json] [-q]
                                       re-run a trace (JSON or ITF) on its model or another one
  pvcheck merge DIR [--json]          a swarm's members combined (--swarm K/N --out DIR): coverage union,
                                       the shortest counterexample found; exit 1 if one was, else 3 (incomplete)
  pvcheck diff BEFORE AFTER [--param name=value]... [--max-states N] [--max-memory SIZE] [--trace-dir DIR] [--report FILE] [--json]
                                       what a change does: states and rules only one model has, a shortest
                                       run to the first such state (a trace file), and both verdicts
  pvcheck catalogue [FILE|DIR...] [--json] [-q]
                                       run every example (default: pvcheck's examples/) with the command its
                                       @pvcheck header declares and compare with the declared result (docs/examples.md)
  pvcheck vectors MODEL [--param ...] --out DIR [--cover rules|edges|states] [--walks [--max-steps N]] [--from-trace FILE]
                  [--max-states N] [--max-memory SIZE] [-q]
                                       conformance test vectors (docs/vectors.md); diff and vectors hold the whole
                                       state graph: --max-memory (default 3/4 of the memory) stops them cleanly
  pvcheck bench [--repeat N] [--points 4x32,8x32,8x64] [--workers 1,2] [--spin] [--rumur] [--rumur-threads 1,2] [--spin-dir DIR] [--nested REV [--nested-cases C,C] [--same-models]] | [--models all|M,M] [--quiet]
                                       throughput and memory on the ring-notify benchmark, beside SPIN and Rumur
                                       (--spin-dir: the folder of the peers' ring-notify.pml and ring-notify.m,
                                       default ../shared/bench beside pvcheck's folder);
                                       --models: every built-in model at its defaults;
                                       --nested REV: the nested models (xenbus4, ring-weak, grant22-150k) against
                                       an older commit or checkout, interleaved, as pvcheck check runs them
                                       (default workers; states per wall and per CPU second; issue 11: --nested f6f19a3);
                                       --same-models: that tree's checker on this tree's models (the engine alone);
                                       --quiet: the whole command in a session of its own at autogroup niceness -19,
                                       near-quiet on a loaded machine (bench/quiet.ts; the first line says what was set)

check options:
  -p, --param name=value     set a model parameter (repeatable)
  -i, --invariant NAME       check only these invariants (repeatable; 'deadlock' selects deadlock detection;
                             'stuck', for xenbus, a deadlock at any smaller bound of its events budget)
  --no-deadlock              do not report terminal states as deadlocks
  --nested                   search the model itself, never its word-level fast path (ring at memory=weak
                             on one ring runs on ring-weak-flat, the same states: same counts and traces)
  --max-states N             stop after N distinct states (outcome incomplete)
  --max-depth N              do not explore beyond depth N (outcome incomplete)
  -w, --workers N            worker threads, 1 to 1024 (default: as many as the machine has free cores
                             for, chosen after a first second on one thread; 1: the single-threaded
                             search); same result for every N; each counts 32 MiB against --max-memory
                             (a default run whose workers would not fit stays on one thread)
  --max-memory SIZE          stop before the process holds SIZE (512M, 2G; default 3/4 of
                             the machine's memory) with a partial report (outcome incomplete)
  --store full|compact[:SIZE]|bitstate[:SIZE]
                             what is kept per state: the 64-bit fingerprint table (full, default), 32-bit
                             hash-compaction signatures in a SIZE table (default 64M), or bitstate hashing in a
                             SIZE bit array (3 bits a state; outcome incomplete unless a violation is found); with
                             no SIZE the states stay in the full table (exact: same verdict as full) until it
                             would take half of a quarter of the memory budget, then go into a bit array of that
                             quarter; the report says how many states were kept exactly and estimates the
                             probability that one was missed after (docs/scale-out.md); bitstate runs on
                             workers with --workers N (same counts for every N), compact on one thread
  --partition K/N --exchange DIR
                             member K of N of one exhaustive search partitioned by fingerprint, exchanging
                             states as files in DIR (a folder every member sees); K/N from JOB_COMPLETION_INDEX
                             or SLURM_ARRAY_TASK_ID when only N (or auto) is given; member 1 reports the whole
                             search; a member started again resumes (docs/scale-out.md)
  --swarm K/N --out DIR [--seed S] [--time T]
                             member K of a swarm of N small diversified searches (member 1: BFS, others: DFS
                             in a shuffled order to a depth bound; bitstate, --store bitstate:SIZE), stopping
                             at T (90s, 10m) or --max-memory; writes DIR/member-K.json and its counterexample; K/N as for
                             --partition; combine with pvcheck merge DIR
  --trace-out FILE           where to write the counterexample (default pvcheck-MODEL-PROPERTY.trace.json)
  --format json|itf          trace file format (ITF: the Informal Trace Format of Quint/Apalache)
  --dump-states FILE         write every reachable state, one per line, sorted (and print its SHA-256):
                             a flat model's field values comma-separated in its layout's order (pvcheck list
                             names them), a shaped model's JSON in its shape's field order, else canonical
                             JSON (keys sorted); no header
  --matrix name=v1,v2        check the cross product of parameter values (repeatable); prints a matrix
  --witnesses DIR            write min/max witness traces of the model's observables to DIR
  --report FILE              the check as one self-contained HTML page (outcome, coverage, chart, steps)
  --json                     one JSON report on stdout
  -q, --quiet                no progress lines on stderr
  --typecheck                type-check the model FILE first (its tsconfig.json, else strict defaults):
                             its type errors as file:line:column, exit 2, no search

show options:
  -m, --model MODEL|FILE     the model whose state pictures and rule notes are shown (default: the built-in
                             model the trace names, else the model file its command names, looked for from
                             the current folder, then from the trace's folder)

replay options:
  -m, --model MODEL|FILE     replay on this model (default: the model named in the trace)
  -p, --param name=value     override a parameter recorded in the trace
  -i, --invariant NAME       check this property instead of the trace's
  --by-state                 ignore action names, match each step by its state (foreign ITF)
  --json                     the outcome as JSON

exit codes: 0 verified / trace completed, 1 violation or deadlock / reproduced, 2 bad input,
            3 incomplete (bounds, or interrupted) / replay inconclusive, 4 replay diverged,
            5 replay truncated (the trace file ends before its recorded violation step)
interrupts: the first Ctrl-C (or SIGTERM) stops the whole command with the report of what was done
            (exit 3); a second one exits at once`;

/** The help of one command: its usage lines and its options block from HELP; undefined for an unknown command. */
export function commandHelp(cmd: string): string | undefined {
  const lines = HELP.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]!.startsWith(`  pvcheck ${cmd} `) && lines[i] !== `  pvcheck ${cmd}`) continue;
    out.push(lines[i]!.trimEnd());
    while (i + 1 < lines.length && /^ {30,}\S/.test(lines[i + 1]!)) out.push(lines[++i]!);
  }
  if (!out.length) return undefined;
  const block = lines.findIndex((l) => l === `${cmd} options:`);
  if (block >= 0) {
    out.push('', lines[block]!);
    for (let i = block + 1; i < lines.length && lines[i]!.trim() !== ''; i++) out.push(lines[i]!);
  }
  return ['usage:', ...out].join('\n');
}

const quietPipe = (e: NodeJS.ErrnoException): void => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
};

export async function main(argv: string[]): Promise<number> {
  // `pvcheck ... | head`: a closed pipe ends the output quietly (one listener for every call of main: a test
  // that calls it a dozen times in one process got Node's MaxListenersExceededWarning on stderr)
  if (!process.stdout.listeners('error').includes(quietPipe)) process.stdout.on('error', quietPipe);
  installInterruptPolicy();
  const [cmd, ...rest] = argv;
  if (cmd === '--version' || cmd === '-V' || cmd === 'version') {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    process.stdout.write(`pvcheck ${pkg.version} (node ${process.versions.node})\n`);
    return EXIT.ok;
  }
  if (cmd !== undefined && (rest.includes('--help') || rest.includes('-h'))) {
    const text = commandHelp(cmd);
    if (text) {
      process.stdout.write(text + '\n');
      return EXIT.ok;
    }
  }
  try {
    switch (cmd) {
      case 'list': {
        // `pvcheck list [MODEL...]`: all built-in models, or the ones named
        const positionals = listRefusals(rest);
        const { listText } = await import('./list.js');
        if (!positionals.length) {
          process.stdout.write(listText((await import('../model/registry.js')).builtinModels));
          return EXIT.ok;
        }
        // the ones named, each from its own module (as check NAME: cli/workerSystem.ts builtinModel), in the
        // registry's order, each once; not the registry's sixteen (session 35)
        const { builtinModel } = await import('./workerSystem.js');
        const named = await Promise.all(BUILTIN_NAMES.filter((n) => positionals.includes(n)).map(async (n) => (await builtinModel(n))!));
        process.stdout.write(listText(named));
        return EXIT.ok;
      }
      case 'check': {
        const input = checkRefusals(rest);
        const { checkCommand } = await import('./check.js');
        // what checkRefusals took, not parsed again (it creates --exchange's or --out's folder)
        return await checkCommand(rest, input);
      }
      case 'check-all': {
        checkAllRefusals(rest);
        const { checkAllCommand } = await import('./check.js');
        return await checkAllCommand(rest);
      }
      case 'show': {
        showRefusals(rest);
        const { showCommand } = await import('./traceCommands.js');
        return await showCommand(rest);
      }
      case 'replay': {
        replayArgs(rest);
        const { replayCommand } = await import('./traceCommands.js');
        return await replayCommand(rest);
      }
      case 'merge': {
        mergeRefusals(rest);
        const { mergeCommand } = await import('./scaleOut.js');
        return await mergeCommand(rest);
      }
      case 'diff': {
        const { diffCommand } = await import('./diff.js');
        return await diffCommand(rest);
      }
      case 'catalogue': {
        const { catalogueCommand } = await import('./catalogue.js');
        return await catalogueCommand(rest);
      }
      case 'vectors': {
        const { vectorsCommand } = await import('./vectors.js');
        return await vectorsCommand(rest);
      }
      case 'bench': {
        const { benchCommand } = await import('../bench/bench.js');
        return await benchCommand(rest);
      }
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(HELP + '\n');
        return cmd === undefined ? EXIT.badInput : EXIT.ok;
      default:
        throw new UsageError(`unknown command '${cmd}' (commands: list, check, check-all, show, replay, merge, diff, catalogue, vectors, bench, help)`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`pvcheck: error: ${e.message}\n`);
      if (process.env.PVCHECK_DEBUG && e.cause !== undefined) process.stderr.write(`${(e.cause as Error)?.stack ?? String(e.cause)}\n`);
      return EXIT.badInput;
    }
    if (e instanceof ModelFault) {
      const { reportFault } = await import('./fault.js');
      return reportFault(e);
    }
    if (process.env.PVCHECK_DEBUG) throw e;
    const msg = ((e as Error)?.message ?? String(e)).split('\n')[0];
    process.stderr.write(`pvcheck: internal error: ${msg} (set PVCHECK_DEBUG=1 for the stack)\n`);
    return EXIT.internal;
  }
}
