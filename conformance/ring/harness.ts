/**
 * The C harness of conformance/ring/harness.c: renders ring-api vectors in its
 * line format, builds it with gcc against the real `xen/io/ring.h` (or against
 * another copy of the header placed first on the include path), and runs it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Json, Vector } from '../format.js';
import { ringApiRules } from '../../model/ringApi.js';

export const HARNESS_SOURCE = join(dirname(fileURLToPath(import.meta.url)), 'harness.c');
/** Where Debian's libxen-dev puts the header. */
export const SYSTEM_RING_H = '/usr/include/xen/io/ring.h';

/** The calls harness.c knows (the rules of model/ringApi.ts). */
export const RING_CALLS: ReadonlySet<string> = new Set(ringApiRules.map((r) => r.name));

/** Whether a vector is a ring-api vector (of ring-api or a variant keeping its vocabulary) the harness can run. */
export const isRingVector = (v: Vector): boolean =>
  typeof v.params.ringSize === 'number' && typeof v.params.startIndex === 'number' && v.steps.every((s) => RING_CALLS.has(s.call));

const u32 = (k: string, v: Json, where: string): string => {
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffffffff) return String(v);
  throw new Error(`${where}: ${k}=${JSON.stringify(v)} is not a uint32 or boolean`);
};

/** The harness input for a suite (ring-api vectors only; others are an error). */
export function renderHarnessInput(vs: readonly Vector[]): string {
  const lines = ['# pvcheck ring-api vectors for conformance/ring/harness.c (see docs/vectors.md)'];
  for (const v of vs) {
    if (!isRingVector(v)) throw new Error(`vector ${v.id} is not a ring-api vector (model ${v.model})`);
    if (/\s/.test(v.id)) throw new Error(`vector id '${v.id}' contains white space`);
    lines.push(`V ${v.id} ${v.params.ringSize} ${v.params.startIndex}`);
    v.steps.forEach((s, i) => {
      const where = `vector ${v.id} step ${i + 1}`;
      const args = Object.entries(s.args ?? {})
        .filter(([k]) => k === 'payload')
        .map(([k, x]) => `${k}=${u32(k, x, where)}`);
      const exp = Object.entries(s.expect).map(([k, x]) => `${k}=${u32(k, x, where)}`);
      lines.push(['S', s.call, ...args, ':', ...exp].join(' '));
    });
    lines.push('E');
  }
  return lines.join('\n') + '\n';
}

/**
 * A race of harness.c (an X line): the producer's RING_PUSH_*_AND_CHECK_NOTIFY
 * against the consumer's RING_FINAL_CHECK_FOR_* on the real macros, taking
 * turns at every access to the shared ring and every barrier; every
 * interleaving, or the one `schedule` gives ("FFB...": F frontend, B backend).
 */
export interface Race {
  readonly id: string;
  readonly ringSize: number;
  readonly startIndex: number;
  /** `requests`: the frontend pushes, the backend final-checks; `responses`: the other way round. */
  readonly kind: 'requests' | 'responses';
  readonly schedule?: string;
}

/** The harness lines of some races (they may follow a suite's vectors in one input file). */
export function renderRaces(rs: readonly Race[]): string {
  return rs
    .map((r) => {
      if (/\s/.test(r.id)) throw new Error(`race id '${r.id}' contains white space`);
      if (r.schedule !== undefined && !/^[FB]+$/.test(r.schedule)) throw new Error(`race ${r.id}: a schedule is a string of F and B`);
      return `X ${r.id} ${r.ringSize} ${r.startIndex} ${r.kind}${r.schedule ? ' ' + r.schedule : ''}\n`;
    })
    .join('');
}

export interface BuildResult {
  readonly ok: boolean;
  /** The compiler's complaint, or why it could not run. */
  readonly message: string;
}

/**
 * Compiles the harness to `out` with gcc. `includeFirst` is a directory that
 * holds `xen/io/ring.h` (and `xen/xen-compat.h`) to use instead of the system
 * header. Fails with a clear message when gcc or the header is missing.
 */
export function buildHarness(out: string, opt: { includeFirst?: string; cc?: string } = {}): BuildResult {
  const cc = opt.cc ?? process.env.CC ?? 'gcc';
  if (!opt.includeFirst && !existsSync(SYSTEM_RING_H))
    return { ok: false, message: `${SYSTEM_RING_H} is missing: install the Xen headers (apt-get install -y libxen-dev)` };
  const args = ['-std=gnu11', '-O1', '-Wall', '-Werror', ...(opt.includeFirst ? ['-I', opt.includeFirst] : []), '-o', out, HARNESS_SOURCE];
  const r = spawnSync(cc, args, { encoding: 'utf8' });
  if (r.error) return { ok: false, message: `cannot run the C compiler '${cc}': ${r.error.message} (install gcc)` };
  if (r.status !== 0) return { ok: false, message: `${cc} failed (status ${r.status}): ${(r.stderr || r.stdout).trim()}` };
  return { ok: true, message: `built ${out}` };
}

export interface RunResult {
  /** 0 pass, 1 mismatch, 2 bad input, 3 ring size, other: crash. */
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a built harness on an input file. */
export function runHarness(exe: string, inputFile: string): RunResult {
  const r = spawnSync(exe, [inputFile], { encoding: 'utf8' });
  return { status: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.error ? r.error.message : (r.stderr ?? '') };
}
