/**
 * `pvcheck check` on a model that checks a quotient whose faithful re-search
 * is long (cli/refine.ts; test/fixtures/slow-quotient.ts: the faithful
 * model's search to depth 30 passes 200,000 states): the re-search says how
 * far it is in a progress line, and a Ctrl-C at that line stops it. The
 * unfolded trace (the faithful model's) is written and kept, and replays;
 * the report says in one line that its shortness is unknown because the
 * re-search was interrupted; the exit code is the violation's (1), since
 * the verdict does not depend on the re-search. The library's sliced
 * re-search is test/refineInterrupt.test.ts.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { scratchDir } from './support/tmp.js';
import { pvcheck, pvcheckInterrupted, root } from './support/cli.js';

const tmp = scratchDir('pvcheck-refine-');
const model = join(root, 'test/fixtures/slow-quotient.ts');
/** The re-search's progress line (not the quotient search's: `progress NAME depth D: ...`). */
const RESEARCH =
  /^progress slow-quotient \(is the unfolded counterexample a shortest\? the faithful model searched to depth 30\): depth (\d+), ([\d,]+) of at most 200,000 states, \d+ s; Ctrl-C keeps the trace, its shortness unknown$/m;

test('Ctrl-C at the faithful re-search\'s progress line: the unfolded trace kept and replayable, its shortness unknown (interrupted) in one line, exit 1', async () => {
  const r = await pvcheckInterrupted(['check', model], tmp, RESEARCH);
  assert.not.ok(r.early, `the re-search ended before it was interrupted:\n${r.out}${r.err}`);
  const p = RESEARCH.exec(r.err)!;
  assert.ok(Number(p[1]) >= 1 && Number(p[1]) <= 30 && Number(p[2]!.replace(/,/g, '')) > 0, `the progress line's figures: ${p[0]}`);
  assert.match(r.err, /^pvcheck: interrupted \(Ctrl-C\): stopping;/m);
  assert.not.match(r.err, /^\s+at /m, 'no stack trace');
  assert.is(r.code, 1, r.err);
  assert.match(r.out, /^ {2}outcome {6}VIOLATION of not_fired_at_top after 31 steps \(a shortest has 30 to 31\)$/m);
  const why = r.out.split('\n').filter((l) => /interrupted/.test(l));
  assert.equal(why.length, 1, r.out);
  assert.match(why[0]!, /^ {2}quotient {5}fold=late folds arm into fire and forgets the noise: found in 30 steps; the trace is the faithful model's \(fold=steps\), 31 steps, not known to be a shortest: a shortest has 30 to 31 steps \(the faithful search to 30 steps was interrupted\)$/);
  const file = 'pvcheck-slow-quotient-not_fired_at_top.trace.json';
  assert.match(r.out, new RegExp(`^ {2}trace {8}${file.replace(/\./g, '\\.')}$`, 'm'));
  const t = JSON.parse(readFileSync(join(tmp, file), 'utf8')) as { params: { fold: string }; steps: { rule: string | null }[] };
  assert.is(t.params.fold, 'steps', 'the faithful model\'s parameters');
  assert.is(t.steps.length, 32);
  assert.equal(t.steps.filter((s) => s.rule === 'arm').length, 1, 'the hidden step written');
  const rep = pvcheck(['replay', file, '--model', model], tmp);
  assert.match(rep.out, /reproduced/i, rep.out + rep.err);
});

test.run();
