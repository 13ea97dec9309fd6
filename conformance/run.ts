/**
 * The adapter runner: runs a suite of vectors on one of the independent
 * implementations shipped in conformance/impl/ (or on a model, `model:NAME`).
 *
 *   node --import ./bin/register.mjs conformance/run.ts VECTORS.jsonl [--impl grant|ring|limiter|model:NAME] [--bug NAME] [--all]
 *
 * `--impl` defaults from the suite's model (grant -> grant, ring-api -> ring,
 * limiter -> limiter: netback's credit scheduler, credit fields only). Prints one line per mismatch (`vector <id> step <n>
 * (<call>): <field> expected <x> got <y>`) and a closing `ok N vectors M steps`
 * or `FAIL ...`. Exit 0 all pass, 1 a mismatch, 2 bad input.
 */
import { readFileSync } from 'node:fs';
import * as E from 'fp-ts/lib/Either.js';
import { parseSuite } from './format.js';
import { modelAdapter, runSuite, type Adapter } from './adapter.js';
import { grantImplAdapter } from './impl/grantAdapter.js';
import { ringImplAdapter } from './impl/ringAdapter.js';
import { findModel } from '../model/registry.js';
import { limiterCreditAdapter } from './impl/limiterAdapter.js';
import type { GrantBug } from './impl/grantTable.js';
import type { CreditBug } from './impl/netbackCredit.js';
import type { RingBug } from './impl/ring.js';

export const RUN_USAGE = 'usage: run.ts VECTORS.jsonl [--impl grant|ring|limiter|model:NAME] [--bug NAME] [--all]';

/** The adapter for an implementation name, or a one-line error. */
export function adapterFor(impl: string, bug: string | undefined): E.Either<string, Adapter> {
  if (impl.startsWith('model:')) {
    const m = findModel(impl.slice('model:'.length));
    if (!m) return E.left(`unknown model '${impl.slice(6)}'`);
    if (bug) return E.left('--bug applies to the implementations, not to a model');
    return E.right(modelAdapter(m));
  }
  const bugs: Record<string, readonly string[]> = {
    grant: ['none', 'end-ignores-pin', 'map-ignores-readonly', 'map-allows-sub-page', 'reduce-ignores-device-pins', 'v1-end-clears-flags',
      'unmap-drops-pins-early', 'unmap-partial-frees-handle', 'copy-area-first', 'set-version-busy-if-valid', 'copy-pinned-no-recheck',
      'transitive-no-restart'],
    ring: ['none', 'notify-le', 'final-check-no-event', 'no-wrap'],
    limiter: ['none', 'no-wrap-clamp', 'no-burst-cap'],
  };
  const known = bugs[impl];
  if (!known) return E.left(`unknown implementation '${impl}' (grant, ring, limiter or model:NAME)`);
  const b = bug ?? 'none';
  if (!known.includes(b)) return E.left(`unknown bug '${b}' for ${impl} (${known.join(', ')})`);
  if (impl === 'grant') return E.right(grantImplAdapter(b as GrantBug));
  if (impl === 'limiter') return E.right(limiterCreditAdapter(b as CreditBug));
  return E.right(ringImplAdapter(b as RingBug));
}

const DEFAULT_IMPL: Record<string, string> = { grant: 'grant', 'ring-api': 'ring', limiter: 'limiter' };

export async function runCommand(argv: readonly string[], out: (s: string) => void = (s) => process.stdout.write(s), err: (s: string) => void = (s) => process.stderr.write(s)): Promise<number> {
  let file: string | undefined;
  let impl: string | undefined;
  let bug: string | undefined;
  let all = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--impl' || a === '--bug') {
      const v = argv[++i];
      if (v === undefined) { err(`run: ${a} needs a value\n${RUN_USAGE}\n`); return 2; }
      if (a === '--impl') impl = v; else bug = v;
    } else if (a === '--all') all = true;
    else if (a.startsWith('-')) { err(`run: unknown option ${a}\n${RUN_USAGE}\n`); return 2; }
    else if (file === undefined) file = a;
    else { err(`run: unexpected argument ${a}\n${RUN_USAGE}\n`); return 2; }
  }
  if (file === undefined) { err(`run: missing VECTORS.jsonl\n${RUN_USAGE}\n`); return 2; }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    err(`run: ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}\n`);
    return 2;
  }
  const suite = parseSuite(text);
  if (E.isLeft(suite)) { err(`run: ${file}: ${suite.left}\n`); return 2; }
  const model = suite.right[0]?.model ?? '';
  const name = impl ?? DEFAULT_IMPL[model] ?? DEFAULT_IMPL[model.replace(/-.*$/, '')];
  if (!name) { err(`run: no implementation for model '${model}': give --impl\n`); return 2; }
  const ad = adapterFor(name, bug);
  if (E.isLeft(ad)) { err(`run: ${ad.left}\n`); return 2; }
  const r = await runSuite(suite.right, ad.right, { stopAtFirst: !all });
  for (const m of r.mismatches) out(`MISMATCH ${m.message}\n`);
  out(r.mismatches.length ? `FAIL ${r.passed}/${r.vectors} vectors passed\n` : `ok ${r.vectors} vectors ${r.steps} steps\n`);
  return r.mismatches.length ? 1 : 0;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = await runCommand(process.argv.slice(2));
