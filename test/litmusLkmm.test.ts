/**
 * The weak memory model against the Linux-kernel memory model's own litmus
 * tests, read from Debian's kernel source (linux-source-6.12,
 * tools/memory-model/litmus-tests/*.litmus). Each test written only with
 * READ_ONCE, WRITE_ONCE, `if (r)` before a WRITE_ONCE (a control dependency),
 * smp_mb(), smp_rmb() and smp_wmb() is translated into a model/litmus.ts test
 * (smp_* as xen_*: on arm64 both are the same dmb instructions) and checked
 * under `weak`: its "Result: Never" outcome must be unreachable, its
 * "Result: Sometimes" outcome reachable. Tests using locks, RCU, acquire and
 * release are listed as not translated. Nothing of the kernel is committed:
 * the files are extracted from the package at test time, into a cache folder.
 * Where the package is absent the tests are skipped with one line (CI
 * installs it: .ci/run).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MB, R, RMB, W, WMB, outcomeMatches, type Instr, type LitmusTest } from '../model/litmus.js';
import { reachedOutcomes } from './support/litmus.js';

const TARBALL = '/usr/src/linux-source-6.12.tar.xz';
const DIR = 'linux-source-6.12/tools/memory-model/litmus-tests';

/** The LKMM's litmus-tests folder, extracted once into a cache folder; undefined without the package. */
function lkmmDir(): string | undefined {
  if (!existsSync(TARBALL)) return undefined;
  const cache = join(tmpdir(), 'pvcheck-lkmm-6.12');
  const dir = join(cache, DIR);
  if (!existsSync(join(dir, 'README'))) {
    mkdirSync(cache, { recursive: true });
    execFileSync('tar', ['-xJf', TARBALL, '-C', cache, '--wildcards', `${DIR}/*`]);
  }
  return dir;
}

export interface Parsed { readonly test: LitmusTest; readonly result: 'Never' | 'Sometimes' }

/** A C litmus file in the subset above, or the reason it is not translated. */
export function parseLkmm(name: string, text: string): Parsed | string {
  const result = /Result: (Never|Sometimes)/.exec(text)?.[1] as Parsed['result'] | undefined;
  if (!result) return 'no Result line';
  const body = text.replace(/\(\*\s[\s\S]*?\*\)/g, ''); // herd comments, not READ_ONCE(*x)
  if (!/^\s*\{\s*\}/m.test(body.split(/\nP0/)[0]!.split('\n').slice(1).join('\n'))) return 'initial state not {}';
  const threads: Instr[][] = [];
  const procs = [...body.matchAll(/^P(\d+)\([^)]*\)[^\n]*\n\{([\s\S]*?)^\}/gm)];
  if (procs.length === 0) return 'no processes';
  for (const [, n, code] of procs) {
    const prog: Instr[] = [];
    let guard: string | undefined;
    for (const raw of code!.split('\n')) {
      const l = raw.trim();
      if (l === '' || /^int r\d+;$/.test(l)) continue;
      let m: RegExpExecArray | null;
      if ((m = /^if \((r\d+)\)$/.exec(l))) { guard = m[1]; continue; }
      if ((m = /^WRITE_ONCE\(\*(\w+), (\d+)\);$/.exec(l))) prog.push(W(m[1]!, Number(m[2]), guard ? { if: guard } : {}));
      else if ((m = /^(r\d+) = READ_ONCE\(\*(\w+)\);$/.exec(l))) prog.push(R(m[1]!, m[2]!));
      else if (l === 'smp_mb();') prog.push(MB);
      else if (l === 'smp_rmb();') prog.push(RMB);
      else if (l === 'smp_wmb();') prog.push(WMB);
      else return `P${n}: '${l}' is not translated`;
      if (!l.startsWith('if')) guard = undefined;
    }
    threads[Number(n)] = prog;
  }
  if (threads.some((p) => !p || p.length === 0)) return 'a process is empty';
  const ex = /^exists \((.*)\)/m.exec(body)?.[1];
  if (!ex) return 'no exists clause';
  const exists: Record<string, number> = {};
  for (const c of ex.split('/\\')) {
    const m = /^\s*(\d+:r\d+|\w+)=(\d+)\s*$/.exec(c);
    if (!m) return `exists term '${c.trim()}' is not translated`;
    exists[m[1]!] = Number(m[2]);
  }
  return { test: { name, threads, exists }, result };
}

const dir = lkmmDir();
if (!dir) {
  test(`LKMM litmus tests: skipped (${TARBALL} absent: apt-get install linux-source-6.12)`, () => {});
} else {
  const files = readdirSync(dir).filter((f) => f.endsWith('.litmus')).sort();
  const parsed = files.map((f) => [f, parseLkmm(f.replace(/\.litmus$/, ''), readFileSync(join(dir, f), 'utf8'))] as const);
  const ok = parsed.filter((x): x is readonly [string, Parsed] => typeof x[1] !== 'string');

  test('LKMM litmus tests: the classic ones translate (and the others say why not)', () => {
    const names = ok.map(([f]) => f);
    for (const want of ['MP+poonceonces.litmus', 'MP+fencewmbonceonce+fencermbonceonce.litmus', 'SB+fencembonceonces.litmus', 'LB+poonceonces.litmus',
      'LB+fencembonceonce+ctrlonceonce.litmus', 'IRIW+fencembonceonces+OnceOnce.litmus', 'WRC+poonceonces+Once.litmus', 'R+fencembonceonces.litmus',
      'S+poonceonces.litmus', 'ISA2+poonceonces.litmus', 'CoRR+poonceonce+Once.litmus', 'CoWW+poonceonce.litmus'])
      assert.ok(names.includes(want), `${want} not translated: ${parsed.find(([f]) => f === want)?.[1]}`);
    for (const [f, why] of parsed) if (typeof why === 'string') assert.ok(why.length > 0, f);
  });

  for (const [f, p] of ok)
    test(`LKMM ${f}: Result ${p.result} under weak`, () => {
      const reached = [...reachedOutcomes(p.test, 'weak')].some((o) => outcomeMatches(o, p.test.exists!));
      assert.is(reached, p.result === 'Sometimes', `${f}: exists ${JSON.stringify(p.test.exists)} ${reached ? 'reached' : 'not reached'}`);
    });
}

test.run();
