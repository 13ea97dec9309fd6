/**
 * Lint of model/ and checker/ (cheap: parses the sources, no search): no
 * `for (k in a.b) ... a.b[k]`. V8 loads `o[k]` in a for-in's body from the
 * loop's enum cache only when `o` is the very variable the loop iterates;
 * when the object is an expression read again in the body (`a.b`, `a[x]`,
 * `f()`), every `a.b[k]` is a generic keyed load. Measured on xenbus
 * (2026-12-04 night, docs/performance.md "Nested path"): 0.8 us a walk of the
 * xenstore's 60 nodes as written, 0.17 us with the object in a local, 8% of
 * the search in all. Write `const o = a.b; for (const k in o) ... o[k]`.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';

const root = resolve(import.meta.dirname, '..');

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const f of readdirSync(dir).sort()) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) out.push(...sources(p));
    else if (f.endsWith('.ts') && !f.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** `file:line: text` of every `for (k in E) ... E[k]` in the source, E not a plain variable. */
export function forInKeyedLoads(file: string, text: string): string[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isForInStatement(n) && !ts.isIdentifier(n.expression)) {
      const obj = n.expression.getText(sf);
      const init = n.initializer;
      const key = ts.isVariableDeclarationList(init) ? init.declarations[0]!.name.getText(sf) : init.getText(sf);
      const inBody = (m: ts.Node): void => {
        if (ts.isElementAccessExpression(m) && m.expression.getText(sf) === obj && m.argumentExpression.getText(sf) === key) {
          const { line } = sf.getLineAndCharacterOfPosition(m.getStart(sf));
          found.push(`${file}:${line + 1}: for (${key} in ${obj}) ... ${m.getText(sf)}`);
        }
        ts.forEachChild(m, inBody);
      };
      inBody(n.statement);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return found;
}

test('the lint finds the pattern, and only it', () => {
  const src = [
    'function a(xs: any) { for (const k in xs.nodes) if (xs.nodes[k] !== undefined) n++; }', // found
    'function b(xs: any) { for (const k in xs["nodes"]) { const v = xs["nodes"][k]; } }', // found
    'function c(xs: any) { let k; for (k in xs.a.b) use(xs.a.b[k]); }', // found
    'function d(xs: any) { const o = xs.nodes; for (const k in o) if (o[k] !== undefined) n++; }', // a local: fine
    'function e(xs: any) { for (const k in xs.nodes) if (xs.other[k] !== undefined) n++; }', // another object: not this lint
    'function f(xs: any) { for (const k in xs.nodes) if (xs.nodes[j] !== undefined) n++; }', // another key
  ].join('\n');
  const hits = forInKeyedLoads('x.ts', src);
  assert.equal(hits.map((h) => h.split(':')[1]), ['1', '2', '3'], hits.join('\n'));
});

test('no for-in over an expression loads through that expression again (model/, checker/)', () => {
  const files = [...sources(join(root, 'model')), ...sources(join(root, 'checker'))];
  assert.ok(files.length > 50, `${files.length} files`);
  const hits = files.flatMap((f) => forInKeyedLoads(relative(root, f), readFileSync(f, 'utf8')));
  assert.equal(hits, [], `put the object in a local (const o = a.b; for (const k in o) ... o[k]):\n${hits.join('\n')}`);
});

test.run();
