/**
 * netback's own credit scheduler, compiled: `tx_add_credit`,
 * `tx_credit_exceeded` and `xenvif_tx_credit_callback` are extracted at test
 * time from Debian's linux-source-6.12 (`drivers/net/xen-netback/netback.c`;
 * nothing of the kernel is committed), verbatim, and compiled with gcc -m32
 * against our shim.h by harness.c. {@link netbackCompiledAdapter} runs
 * `limiter` vectors through it via the adapter interface (the same fields as
 * conformance/impl/limiterAdapter.ts, our TypeScript transcription).
 *
 * A patched copy (see {@link CREDIT_PATCHES}) is the same code with one change,
 * each a named seeded bug or the model's design fix.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Adapter, Observation } from '../adapter.js';
import type { Json, Vector, VectorStep } from '../format.js';

const HERE = dirname(fileURLToPath(import.meta.url));
export const CREDIT_HARNESS_SOURCE = join(HERE, 'harness.c');
/** Debian's linux-source-6.12 package. */
export const LINUX_TARBALL = '/usr/src/linux-source-6.12.tar.xz';
export const NETBACK_C = 'linux-source-6.12/drivers/net/xen-netback/netback.c';
/** The definitions taken, in the order of netback.c, each up to the first line that is `}`. */
export const CREDIT_FUNCTIONS: readonly string[] = [
  'static void tx_add_credit(struct xenvif_queue *queue)',
  'void xenvif_tx_credit_callback(struct timer_list *t)',
  'static bool tx_credit_exceeded(struct xenvif_queue *queue, unsigned size)',
];
/** jiffies_64 at connect in the vectors: the 32-bit jiffies (and timer expiries) wrap three ticks later. */
export const START_JIFFIES = 0xfffffffd;

/**
 * netback.c, extracted once from the tarball into a cache folder (about
 * 10 s); throws when it cannot be. The file is extracted beside and renamed
 * into place, so that test files running at once never read half of it.
 */
export function netbackSource(cache = join(tmpdir(), 'pvcheck-netback-credit-6.12')): string {
  const file = join(cache, NETBACK_C);
  if (!existsSync(file)) {
    const part = `${cache}.part-${process.pid}`;
    mkdirSync(part, { recursive: true });
    try {
      execFileSync('tar', ['-xJf', LINUX_TARBALL, '-C', part, '--wildcards', NETBACK_C], { stdio: 'pipe' });
      mkdirSync(dirname(file), { recursive: true });
      renameSync(join(part, NETBACK_C), file);
    } finally {
      rmSync(part, { recursive: true, force: true });
    }
  }
  return readFileSync(file, 'utf8');
}

/** The three functions, verbatim, each preceded by a line comment naming its lines in netback.c. */
export function extractCreditFunctions(netbackC: string): string {
  const lines = netbackC.split('\n');
  const out = ['/* Extracted verbatim from linux-source-6.12 drivers/net/xen-netback/netback.c by conformance/credit/harness.ts. */'];
  for (const sig of CREDIT_FUNCTIONS) {
    const start = lines.findIndex((l) => l === sig);
    if (start < 0) throw new Error(`netback.c: no line '${sig}'`);
    const end = lines.findIndex((l, i) => i > start && l === '}');
    if (end < 0) throw new Error(`netback.c: '${sig}' has no closing brace`);
    out.push(`/* netback.c lines ${start + 1}-${end + 1} */`, ...lines.slice(start, end + 1), '');
  }
  return out.join('\n');
}

/** One textual change to the extracted code; throws when the text it changes is not there. */
export interface CreditPatch { readonly doc: string; readonly apply: (src: string) => string }
const replaceOnce = (src: string, re: RegExp, by: string, name: string): string => {
  if (!re.test(src)) throw new Error(`patch ${name}: the code it changes is not in netback.c`);
  return src.replace(re, by);
};
export const CREDIT_PATCHES = {
  'no-wrap-clamp': {
    doc: "tx_add_credit without the clamp: `if (max_credit < queue->remaining_credit) max_credit = ULONG_MAX;` removed (the sum's wrap is kept)",
    apply: (s: string) => replaceOnce(s, /\n\tif \(max_credit < queue->remaining_credit\)\n\t\tmax_credit = ULONG_MAX;[^\n]*/, '', 'no-wrap-clamp'),
  },
  'no-burst-cap': {
    doc: 'tx_add_credit without the cap: `remaining_credit = min(max_credit, max_burst)` becomes `= max_credit`',
    apply: (s: string) => replaceOnce(s, /queue->remaining_credit = min\(max_credit, max_burst\);/, 'queue->remaining_credit = max_credit; (void)max_burst;', 'no-burst-cap'),
  },
  'design-timer': {
    doc: "the model's design fix (creditTimer=design): tx_credit_exceeded arms credit_timeout at the end of the window that starts after the refill, next_credit recomputed from credit_window_start",
    apply: (s: string) => replaceOnce(s, /(\n\t\tmod_timer\(&queue->credit_timeout,)/,
      '\n\t\tnext_credit = queue->credit_window_start +\n\t\t\tmsecs_to_jiffies(queue->credit_usec / 1000);$1', 'design-timer'),
  },
} as const satisfies Record<string, CreditPatch>;
export type CreditPatchName = keyof typeof CREDIT_PATCHES;

export interface BuildResult { readonly ok: boolean; readonly message: string }

/**
 * Why netback's compiled credit code cannot be tested on this machine (the
 * tarball, gcc or its 32-bit libraries missing), or undefined.
 */
export function creditHarnessUnavailable(cc = process.env.CC ?? 'gcc'): string | undefined {
  if (!existsSync(LINUX_TARBALL)) return `${LINUX_TARBALL} absent (apt-get install linux-source-6.12)`;
  const dir = join(tmpdir(), 'pvcheck-m32-probe');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'p.c'), 'int main(void) { return sizeof(unsigned long) != 4; }\n');
  const r = spawnSync(cc, ['-m32', '-o', join(dir, 'p'), join(dir, 'p.c')], { encoding: 'utf8' });
  if (r.error) return `cannot run the C compiler '${cc}' (apt-get install gcc)`;
  if (r.status !== 0) return `${cc} -m32 cannot build (apt-get install gcc-multilib)`;
  return undefined;
}

/**
 * Builds the harness in `dir` over the three functions of `netbackC`
 * (netback.c's text), with an optional patch; the executable's path in the
 * message when ok.
 */
export function buildCreditHarness(dir: string, netbackC: string, patch?: CreditPatchName, cc = process.env.CC ?? 'gcc'): BuildResult {
  let code: string;
  try {
    code = extractCreditFunctions(netbackC);
    if (patch) code = CREDIT_PATCHES[patch].apply(code);
  } catch (e) {
    return { ok: false, message: (e as Error).message };
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'netback-credit.c'), code);
  const exe = join(dir, 'credit-harness');
  const args = ['-m32', '-std=gnu11', '-O1', '-Wall', '-Werror', '-I', HERE, '-I', dir, `-DNETBACK_CREDIT_C="netback-credit.c"`, '-o', exe, CREDIT_HARNESS_SOURCE];
  const r = spawnSync(cc, args, { encoding: 'utf8' });
  if (r.error) return { ok: false, message: `cannot run the C compiler '${cc}': ${r.error.message}` };
  if (r.status !== 0) return { ok: false, message: `${cc} failed (status ${r.status}): ${(r.stderr || r.stdout).trim()}` };
  return { ok: true, message: exe };
}

const num = (v: Json | undefined, what: string): number => {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new Error(`${what} must be a non-negative integer`);
  return v;
};

/** The harness line of one vector step (see harness.c). */
export function creditStepLine(s: VectorStep): string {
  const m = /^([hx])_(.*)$/.exec(s.call);
  if (s.call === 'tick') return 'S tick';
  if (!m) return 'S nop';
  const [, g, what] = m;
  if (what === 'xenvif_tx_build_gops') return `S gops ${g} ${num(s.args?.charge, 'args.charge')}`;
  if (what === 'tx_credit_exceeded') return `S exceeded ${g} ${num(s.args?.charge, 'args.charge')}`;
  if (what === 'xenvif_tx_credit_callback') return `S callback ${g}`;
  if (what === 'xenvif_tx_interrupt' && s.args?.charge === undefined) return `S spurious ${g}`;
  return 'S nop';
}

/** The harness input of one vector. */
export function renderCreditVector(v: Vector, startJiffies = START_JIFFIES): string {
  const p = v.params;
  if (/\s/.test(v.id)) throw new Error(`vector id '${v.id}' contains white space`);
  const head = ['creditBytes', 'creditUsec', 'burst', 'wordBits', 'maxLag'].map((k) => num(p[k], `params.${k}`));
  return [`V ${v.id} ${head.join(' ')} ${startJiffies}`, ...v.steps.map(creditStepLine), 'E', ''].join('\n');
}

const FIELDS = new Set(['packets_sent', 'charge', 'credit_refills', 'h_remaining_credit', 'x_remaining_credit', 'h_credit_timeout', 'x_credit_timeout']);

/** Runs the harness on some input; its output lines. */
function runCredit(exe: string, input: string): string[] {
  const r = spawnSync(exe, [], { input, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.error) throw new Error(`cannot run ${exe}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${exe} exited ${r.status}: ${r.stderr.trim()}`);
  return r.stdout.split('\n').filter((l) => l !== '');
}

/**
 * An adapter running vectors through the built harness `exe`; it observes the
 * credit fields only. Each vector is one harness run at reset, or, with
 * `suite`, the whole suite is one run made at the first reset (each vector
 * still starts from connect) and each reset takes its vector's lines.
 */
export function netbackCompiledAdapter(exe: string, opt: { suite?: readonly Vector[]; startJiffies?: number } = {}): Adapter {
  const start = opt.startJiffies ?? START_JIFFIES;
  let batch: Map<string, string[]> | undefined;
  let out: string[] = [];
  let i = 0;
  const runSuiteOnce = (vs: readonly Vector[]): Map<string, string[]> => {
    const lines = runCredit(exe, vs.map((v) => renderCreditVector(v, start)).join(''));
    const m = new Map<string, string[]>();
    let k = 0;
    for (const v of vs) {
      // a vector's lines: one per step, or fewer when a step failed (X ends it)
      const mine: string[] = [];
      while (mine.length < v.steps.length && k < lines.length) {
        const l = lines[k++]!;
        mine.push(l);
        if (l.startsWith('X ')) break;
      }
      m.set(v.id, mine);
    }
    return m;
  };
  return {
    observes: (f) => FIELDS.has(f),
    reset(v: Vector) {
      if (opt.suite) {
        batch ??= runSuiteOnce(opt.suite);
        const mine = batch.get(v.id);
        if (!mine) throw new Error(`vector ${v.id} is not in the suite given to the adapter`);
        out = mine;
      } else out = runCredit(exe, renderCreditVector(v, start));
      i = 0;
    },
    apply(s: VectorStep): Observation {
      const line = out[i++];
      if (line === undefined) throw new Error('the harness gave no result for this step');
      if (line.startsWith('X ')) throw new Error(line.slice(2));
      const w = line.split(' ');
      const n = w.slice(1).map(Number);
      const refills: Json[] = n[4] ? [{ guest: w[6]!, from: n[6]!, to: n[7]! }] : [];
      const sent = /^[hx]_xenvif_tx_build_gops$/.test(s.call);
      return {
        packets_sent: sent ? 1 : 0,
        ...(sent ? { charge: num(s.args?.charge, 'args.charge') } : {}),
        credit_refills: refills,
        h_remaining_credit: n[0]!, x_remaining_credit: n[1]!,
        h_credit_timeout: n[2] === 1, x_credit_timeout: n[3] === 1,
      };
    },
  };
}
