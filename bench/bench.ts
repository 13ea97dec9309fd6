/**
 * `npm run bench`: throughput and memory of the checker on the ring-notify
 * benchmark points (ring-spec.md §11), each run REPEAT times in a fresh
 * process; medians reported. With --spin (and SPIN + gcc installed, `apt-get
 * install -y spin gcc`), SPIN -DNOREDUCE runs the same points interleaved with
 * ours, so the two are measured under the same machine noise, and the report
 * gives the ratio of medians.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, copyFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { intOption, parse } from '../cli/args.js';
import { UsageError } from '../cli/errors.js';
import { table } from '../cli/report.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
};

interface Ours { states: number; edges: number; seconds: number; bytesPerState: number; rssDeltaPerState: number }
interface Spin { states: number; transitions: number; seconds: number; memoryMB: number }

function runOurs(N: number, M: number): Ours {
  const r = spawnSync(process.execPath, ['--max-old-space-size=8192', '--import', './bin/register.mjs', 'bench/one.ts', String(N), String(M)], {
    cwd: root, encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`bench run ${N}x${M} failed: ${r.stderr}`);
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
  const r = spawnSync(exe, ['-m10000000'], { cwd: dir, encoding: 'utf8' });
  const out = r.stdout;
  const num = (re: RegExp) => Number(re.exec(out)?.[1] ?? NaN);
  return {
    states: num(/([\d.e+]+) states, stored/),
    transitions: num(/([\d.e+]+) transitions \(= stored\+matched\)/),
    seconds: num(/pan: elapsed time ([\d.e+-]+) seconds/),
    memoryMB: num(/([\d.]+)\s+total actual memory usage/),
  };
}

export async function benchCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    repeat: { type: 'string' },
    points: { type: 'string' },
    spin: { type: 'boolean' },
    'spin-dir': { type: 'string' },
  });
  if (positionals.length) throw new UsageError(`bench takes no positional argument (got '${positionals[0]}')`);
  const repeat = intOption('repeat', values.repeat) ?? 3;
  if (repeat < 1) throw new UsageError('--repeat must be at least 1');
  const points = (values.points ?? '4x32,8x32,8x64').split(',').map((p) => {
    const m = /^(\d+)x(\d+)$/.exec(p.trim());
    if (!m) throw new UsageError(`--points expects NxM,NxM..., got '${p}'`);
    return [Number(m[1]), Number(m[2])] as const;
  });
  let spinDir: string | undefined;
  if (values.spin) {
    const src = resolve(values['spin-dir'] ?? join(root, '..', 'shared', 'bench'));
    if (!existsSync(join(src, 'ring-notify.pml'))) throw new UsageError(`--spin: no ring-notify.pml in ${src} (use --spin-dir)`);
    const probe = spawnSync('spin', ['-V'], { encoding: 'utf8' });
    if (probe.status !== 0) throw new UsageError('--spin: spin is not installed (apt-get install -y spin gcc)');
    spinDir = mkdtempSync(join(tmpdir(), 'pvcheck-spin-'));
    copyFileSync(join(src, 'ring-notify.pml'), join(spinDir, 'ring-notify.pml'));
  }
  const rows: string[][] = [];
  const log = (s: string) => process.stderr.write(s + '\n');
  log(`# node ${process.version}; ${repeat} runs per point, medians; ${values.spin ? 'SPIN -DNOREDUCE interleaved' : 'no SPIN (use --spin)'}`);
  try {
    for (const [N, M] of points) {
      const exe = spinDir ? buildSpin(spinDir, N, M) : undefined;
      const ours: Ours[] = [];
      const spin: Spin[] = [];
      for (let i = 0; i < repeat; i++) {
        ours.push(runOurs(N, M));
        if (exe) spin.push(runSpin(exe, spinDir!));
        const o = ours[ours.length - 1]!;
        log(`${N}x${M} run ${i + 1}: pvcheck ${o.seconds.toFixed(2)} s` + (exe ? `, spin ${spin[spin.length - 1]!.seconds} s` : ''));
      }
      const o = ours[0]!;
      const sec = median(ours.map((x) => x.seconds));
      const row = [
        `${N}x${M}`,
        String(o.states),
        String(o.edges),
        sec.toFixed(2),
        String(Math.round(o.states / sec)),
        median(ours.map((x) => x.bytesPerState)).toFixed(1),
        median(ours.map((x) => x.rssDeltaPerState)).toFixed(1),
      ];
      if (exe) {
        const ss = median(spin.map((x) => x.seconds));
        const spinStates = spin[0]!.states;
        row.push(
          spinStates === o.states ? 'equal' : `DIFFER (spin ${spinStates})`,
          ss.toFixed(2),
          String(Math.round(spinStates / ss)),
          (ss / sec).toFixed(2),
        );
      }
      rows.push(row);
    }
  } finally {
    if (spinDir) rmSync(spinDir, { recursive: true, force: true });
  }
  const header = ['point', 'states', 'edges', 'seconds', 'states/s', 'bytes/state', 'RSS bytes/state'];
  if (values.spin) header.push('spin states', 'spin s', 'spin states/s', 'speed vs spin');
  process.stdout.write(table(header, rows) + '\n');
  return 0;
}
