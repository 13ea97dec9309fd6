/**
 * Writing a generated suite to a folder, and describing it in a few lines:
 * the library side of `pvcheck vectors` (the command itself is cli/vectors.ts).
 *
 * A suite folder holds `vectors.jsonl` (one vector per line), `summary.json`
 * (the coverage reached, unreachable rules, boundary suites), `itf/<id>.itf.json`
 * (each vector as ITF) and, for ring-api vectors, `ring-harness.txt` (the input
 * of conformance/ring/harness.c).
 */
import { mkdirSync, readdirSync, rmSync, existsSync, writeFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import type { SuiteReport } from './generate.js';
import { encodeVectorLine, vectorToItf, type Vector } from './format.js';
import { isRingVector, renderHarnessInput } from './ring/harness.js';

/**
 * Built-in names that resolve to another model for vectors: `ring` is the
 * ring-api model, because the `ring` model splits macros into interleaved
 * steps and a harness calls whole macros.
 */
export const VECTOR_ALIASES: Readonly<Record<string, string>> = { ring: 'ring-api' };

/**
 * Writes a suite to DIR: vectors.jsonl, summary.json, itf/, ring-harness.txt
 * (ring-api). Returns the vectors that have no ITF form (a state with a null,
 * a non-integer number), with the reason; their JSONL form is written anyway.
 */
export function writeSuite(dir: string, vectors: readonly Vector[], summary: unknown): string[] {
  mkdirSync(dir, { recursive: true });
  const itfDir = join(dir, 'itf');
  if (existsSync(itfDir)) for (const f of readdirSync(itfDir)) if (f.endsWith('.itf.json')) rmSync(join(itfDir, f));
  mkdirSync(itfDir, { recursive: true });
  const noItf: string[] = [];
  for (const v of vectors) {
    const itf = vectorToItf(v);
    if (E.isLeft(itf)) noItf.push(`${v.id}: ${itf.left}`);
    else writeFileSync(join(itfDir, `${v.id}.itf.json`), JSON.stringify(itf.right, null, 1) + '\n');
  }
  writeJsonLines(join(dir, 'vectors.jsonl'), vectors);
  writeFileSync(join(dir, 'summary.json'), JSON.stringify({ ...(summary as object), ...(noItf.length ? { noItf } : {}) }, null, 2) + '\n');
  const harness = join(dir, 'ring-harness.txt');
  if (vectors.length && vectors.every(isRingVector)) {
    writeFileSync(harness, renderHarnessInput(vectors));
  } else if (existsSync(harness)) rmSync(harness);
  return noItf;
}

/**
 * Writes one vector per line (encodeVectorLine, as `encodeSuite`), a chunk at a
 * time: a large suite (grant's edges suite at its defaults is over a
 * gigabyte) does not fit in one string (V8's limit is about 512 MiB).
 */
function writeJsonLines(file: string, vectors: readonly Vector[]): void {
  const fd = openSync(file, 'w');
  try {
    let chunk = '';
    for (const v of vectors) {
      chunk += encodeVectorLine(v);
      if (chunk.length >= 1 << 20) {
        writeSync(fd, chunk);
        chunk = '';
      }
    }
    if (chunk) writeSync(fd, chunk);
  } finally {
    closeSync(fd);
  }
}

/** The suite's report as lines for a human. */
export const describeSuite = (r: SuiteReport): string[] => {
  const lines = [
    `model ${r.model} ${Object.entries(r.params).map(([k, v]) => `${k}=${v}`).join(' ')}: ${r.states} states, ${r.edges} edges${r.complete ? '' : ' (exploration stopped at --max-states: coverage is of the explored part)'}`,
    `${r.cover} coverage: ${r.covered}/${r.goals} goals in ${r.coverageVectors} ${r.walks ? 'walks' : 'vectors'}${r.unreachableRules.length ? `; rules that never fire: ${r.unreachableRules.join(', ')}` : '; every rule fires'}`,
  ];
  if (r.boundaries.length) {
    const hit = r.boundaries.filter((b) => b.vector);
    const miss = r.boundaries.filter((b) => !b.vector);
    lines.push(`boundaries: ${hit.length}/${r.boundaries.length} reached${miss.length ? `; unreachable: ${miss.map((b) => b.name).join(', ')}` : ''}`);
  }
  lines.push(`${r.vectors} vectors, ${r.steps} steps`);
  return lines;
};

/** A line saying which vectors have no ITF rendering, or ''. */
export const itfNote = (noItf: readonly string[]): string =>
  noItf.length ? `no ITF rendering for ${noItf.length} vector${noItf.length === 1 ? '' : 's'} (see summary.json noItf): ${noItf[0]}\n` : '';

