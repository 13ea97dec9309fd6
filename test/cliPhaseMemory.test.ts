/**
 * `pvcheck vectors` and `pvcheck diff` hold a whole state graph (its edges, for
 * coverage and for the diff) in a worker thread; `--max-memory SIZE` (default
 * 3/4 of the machine's memory) stops them before the process passes SIZE, in
 * one line with exit 3, and writes nothing: an earlier suite in --out stays as
 * it was. Before this guard, `vectors grant -p refs=2 -p pages=2 --cover edges`
 * grew to 2.4 GB, and one bound more runs the machine into swap.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pvcheck } from './support/cli.js';
import { scratchDir } from './support/tmp.js';

const tmp = scratchDir('pvcheck-phasemem-');
// grant 2x2's edge suite: 611k states and 5 M edges, far past 200 MiB within seconds
const BIG = ['grant', '-p', 'refs=2', '-p', 'pages=2'];

test('vectors: stopped by --max-memory in one line, exit 3, an earlier suite in --out left as it was', () => {
  const out = join(tmp, 'suite');
  // an earlier suite, written under an explicit budget it fits in (ring-notify's, 2 s of CPU)
  const first = pvcheck(['vectors', 'ring-notify', '--max-memory', '4G', '--out', out, '-q'], tmp);
  assert.is(first.code, 0, first.err);
  const before = readFileSync(join(out, 'vectors.jsonl'), 'utf8');
  const names = readdirSync(out).sort();
  const r = pvcheck(['vectors', ...BIG, '--cover', 'edges', '--max-memory', '200M', '--out', out, '-q'], tmp);
  assert.is(r.code, 3, `exit 3 (incomplete), got ${r.code}: ${r.err}`);
  const lines = r.err.trim().split('\n');
  assert.is(lines.length, 1, `one line on stderr, got:\n${r.err}`);
  assert.match(lines[0]!, /^pvcheck: vectors for grant stopped at --max-memory 200 MiB \(the process held [\d.]+ MiB\) .*the suite was not generated/);
  assert.not.match(r.err, /\n\s+at /, 'no stack trace');
  assert.equal(readdirSync(out).sort(), names, 'the folder holds what it held');
  assert.is(readFileSync(join(out, 'vectors.jsonl'), 'utf8'), before, 'the earlier suite is untouched');
});

test('diff: stopped by --max-memory: INCOMPLETE (max-memory), exit 3, in text and in --json', () => {
  const r = pvcheck(['diff', 'grant', 'grant', '-p', 'refs=2', '-p', 'pages=2', '--max-memory', '200M', '-q'], tmp);
  assert.is(r.code, 3, `exit 3, got ${r.code}: ${r.out}${r.err}`);
  assert.match(r.out, /^diff grant -> grant: INCOMPLETE \(max-memory\): the explorations stopped at --max-memory 200 MiB .*nothing compared, no verdict/);
  const j = pvcheck(['diff', 'grant', 'grant', '-p', 'refs=2', '-p', 'pages=2', '--max-memory', '200M', '--json', '-q'], tmp);
  assert.is(j.code, 3, j.err);
  const o = JSON.parse(j.out) as { incomplete: string; rss: number; maxMemory: number };
  assert.is(o.incomplete, 'max-memory');
  assert.is(o.maxMemory, 200 * 1024 ** 2);
  assert.ok(o.rss > o.maxMemory, `the resident set ${o.rss} passed the budget`);
});

test('a malformed --max-memory is refused in one line, exit 2, before any work', () => {
  for (const cmd of [['vectors', 'grant', '--out', join(tmp, 'x')], ['diff', 'grant', 'grant']]) {
    const r = pvcheck([...cmd, '--max-memory', 'lots'], tmp);
    assert.is(r.code, 2, `${cmd[0]}: ${r.err}`);
    assert.is(r.err.trim().split('\n').length, 1, r.err);
    assert.match(r.err, /--max-memory: expected a size such as 512M/);
  }
});

test.run();
