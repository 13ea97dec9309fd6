/**
 * Per-example selection in test/shapesExamplesA/B (session 31): with PVCHECK_EXAMPLES (which
 * `run-tests --changed` passes when only a change's examples select them) a half compares only the
 * examples named that are in it; unset, all of its examples; a name that is no example is an error
 * naming it. test/suiteHygieneChanged tests who gets PVCHECK_EXAMPLES.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { exampleHalf, halfChosen } from './support/shapedExamples.js';

const name = (f: string) => f.slice(f.lastIndexOf('/') + 1);

test('PVCHECK_EXAMPLES: each half compares the named examples it has, unset every one; an unknown name is an error', () => {
  const was = process.env.PVCHECK_EXAMPLES;
  try {
    const a = exampleHalf(0).map(name), b = exampleHalf(1).map(name);
    assert.ok(a.length >= 30 && b.length >= 30, `${a.length} and ${b.length} examples`);
    process.env.PVCHECK_EXAMPLES = `${b[3]},${a[1]}`;
    assert.equal(halfChosen(0).files.map(name), [a[1]]);
    assert.equal(halfChosen(1).files.map(name), [b[3]]);
    assert.is(halfChosen(0).whole.length, a.length);
    process.env.PVCHECK_EXAMPLES = '';
    assert.equal(halfChosen(1).files, []);
    delete process.env.PVCHECK_EXAMPLES;
    assert.equal(halfChosen(0).files.map(name), a);
    assert.is(halfChosen(0).chosen, undefined);
    process.env.PVCHECK_EXAMPLES = `${a[0]},no-such-example.ts`;
    assert.throws(() => halfChosen(0), /PVCHECK_EXAMPLES=[^:]+: no file no-such-example\.ts in \S+examples/);
  } finally {
    if (was === undefined) delete process.env.PVCHECK_EXAMPLES;
    else process.env.PVCHECK_EXAMPLES = was;
  }
});

test.run();
