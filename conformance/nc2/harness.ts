/**
 * The NetChannel2 ring harness (conformance/nc2/harness.c): renders nc2-api
 * vectors (model/nc2Api.ts) in its line format, at the vector's own indices
 * or moved on by `shift` (a multiple of the ring's size, so every message sits
 * at the same place in the payload: e.g. 0xffff0000 makes every index cross
 * 2^32),
 * builds the harness with gcc (optionally as one of its mutants) and runs it.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Json, Vector } from '../format.js';
import { runHarness, type BuildResult, type RunResult } from '../ring/harness.js';

export const NC2_HARNESS_SOURCE = join(dirname(fileURLToPath(import.meta.url)), 'harness.c');
export const NC2_MUTANTS = ['MUTANT_WRAP_EXCLUSIVE', 'MUTANT_CONS_EVENT_AT_CONS', 'MUTANT_FINAL_NO_EVENT'] as const;

const INDEX_FIELDS = new Set(['prod', 'prod_event', 'cons', 'cons_event', 'prod_pvt', 'cons_pvt']);
const u32 = (x: number): number => x >>> 0;
const num = (v: Json | undefined, where: string): number => {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  throw new Error(`${where}: ${JSON.stringify(v)} is not an integer`);
};

/** The harness input for nc2-api vectors; `shift` moves every ring index on by that much (mod 2^32). */
export function renderNc2Harness(vs: readonly Vector[], shift = 0): string {

  const at = (i: number) => u32(i + shift);
  const lines = ['# pvcheck nc2-api vectors for conformance/nc2/harness.c (see docs/vectors.md)'];
  for (const v of vs) {
    if (!v.model.startsWith('nc2-api')) throw new Error(`vector ${v.id} is not an nc2-api vector (model ${v.model})`);
    if (/\s/.test(v.id)) throw new Error(`vector id '${v.id}' contains white space`);
    const bytes = num(v.params.ringBytes, `vector ${v.id} ringBytes`);
    if (shift % bytes !== 0) throw new Error(`shift ${shift} is not a multiple of vector ${v.id}'s ring (${bytes} bytes): its messages would sit elsewhere in the payload`);
    lines.push(`V ${v.id} ${bytes} ${at(num(v.params.startIndex, `vector ${v.id} startIndex`))}`);
    v.steps.forEach((s, n) => {
      const where = `vector ${v.id} step ${n + 1}`;
      const a = (s.args ?? {}) as Record<string, Json>;
      lines.push(`S ${n + 1} ${s.call}`);
      switch (s.call) {
        case 'nc2_can_send_payload_bytes': lines.push(`cansend ${num(a.nr_bytes, where)}`); break;
        case 'nc2_send_message': lines.push(`send ${num(a.type, where)} ${num(a.flags, where)} ${num(a.size, where)} ${num(a.fill, where)}`); break;
        case 'nc2_flush_ring': lines.push('flush'); break;
        case 'nc2_get_message': lines.push('get'); break;
        case 'nc2_finish_messages': lines.push('finish'); break;
        case 'nc2_final_check_for_messages': lines.push(`final ${at(num(a.prod, where))}`); break;
        case 'hostile_cons': lines.push(`hcons ${at(num(a.cons, where))}`); break;
        default: throw new Error(`${where}: the harness has no call ${s.call}`);
      }
      for (const [f, e] of Object.entries(s.expect))
        lines.push(`expect ${f} ${INDEX_FIELDS.has(f) ? at(num(e, where)) : num(e, where)}`);
    });
    lines.push('E');
  }
  return lines.join('\n') + '\n';
}

/** Compiles harness.c to `out`, as the mutant `mutant` if given. */
export function buildNc2Harness(out: string, opt: { mutant?: (typeof NC2_MUTANTS)[number]; cc?: string } = {}): BuildResult {
  const cc = opt.cc ?? process.env.CC ?? 'gcc';
  const args = ['-std=gnu11', '-O1', '-Wall', '-Werror', ...(opt.mutant ? [`-D${opt.mutant}`] : []), '-o', out, NC2_HARNESS_SOURCE];
  const r = spawnSync(cc, args, { encoding: 'utf8' });
  if (r.error) return { ok: false, message: `cannot run the C compiler '${cc}': ${r.error.message} (install gcc)` };
  if (r.status !== 0) return { ok: false, message: `${cc} failed (status ${r.status}): ${(r.stderr || r.stdout).trim()}` };
  return { ok: true, message: `built ${out}` };
}

/** Runs a built harness on an input file (the ring harness's runner: same exit codes, 0 pass, 1 mismatch, 2 bad input). */
export const runNc2Harness: (exe: string, inputFile: string) => RunResult = runHarness;
