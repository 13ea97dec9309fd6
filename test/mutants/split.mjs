#!/usr/bin/env node
// node test/mutants/split.mjs: moves every mutant of test/mutants/mutants.json (the one list
// before session 29) to its area's file, test/mutants/AREA.json (test/mutants/list.mjs
// areaOf: the top folder of the first file it edits; model-NAME for model/), appended
// there with its text as written, and removes mutants.json. A mutant whose id an area
// file already has is dropped from mutants.json, not added twice: after `git merge main`
// brought a branch's additions to mutants.json back (a modify/delete conflict: keep the
// branch's mutants.json), running this again moves only those. Prints what it moved.
// Exit 2 with one line on a mutants.json it cannot read.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LEGACY, areaOf, loadMutants } from './list.mjs';

const dir = join(fileURLToPath(import.meta.url), '..');
const legacy = join(dir, LEGACY);
const fail = (msg) => {
  process.stderr.write(`mutants split: ${msg}\n`);
  process.exit(2);
};
if (!existsSync(legacy)) {
  console.log(`mutants split: no test/mutants/${LEGACY}: nothing to move`);
  process.exit(0);
}
const text = readFileSync(legacy, 'utf8');
let parsed;
try {
  parsed = JSON.parse(text).mutants;
} catch (e) {
  fail(`test/mutants/${LEGACY}: not JSON (${String(e?.message ?? e).split('\n')[0]}): resolve its conflict first`);
}
if (!Array.isArray(parsed)) fail(`test/mutants/${LEGACY}: no "mutants" list`);
// each entry's own text: from a line `    {"id": ` to the next one (or the list's end), its trailing comma cut
const starts = [...text.matchAll(/^ {4}\{"id": /gm)].map((m) => m.index);
const end = text.lastIndexOf('\n  ]');
if (starts.length !== parsed.length || end < 0) fail(`test/mutants/${LEGACY}: ${parsed.length} mutants but ${starts.length} lines starting '    {"id": ': write each as one entry starting a line`);
const chunks = starts.map((s, i) => text.slice(s, i + 1 < starts.length ? starts[i + 1] : end).replace(/,?\s*$/, ''));
chunks.forEach((c, i) => {
  const m = JSON.parse(c);
  if (JSON.stringify(m) !== JSON.stringify(parsed[i])) fail(`test/mutants/${LEGACY}: entry ${i + 1} (${parsed[i].id}) does not read back from its text`);
});
// what the area files have already (mutants.json's own entries aside)
let elsewhere;
try {
  elsewhere = new Set(loadMutants(dir, { except: LEGACY }).map((m) => m.id));
} catch (e) {
  fail(e.message);
}
const byArea = new Map();
let dropped = 0;
parsed.forEach((m, i) => {
  if (elsewhere.has(m.id)) {
    dropped++;
    return;
  }
  const a = areaOf(m);
  if (!byArea.has(a)) byArea.set(a, []);
  byArea.get(a).push(chunks[i]);
});
for (const [a, cs] of [...byArea].sort(([x], [y]) => (x < y ? -1 : 1))) {
  const f = join(dir, `${a}.json`);
  let out;
  if (existsSync(f)) {
    const t = readFileSync(f, 'utf8');
    const at = t.lastIndexOf('\n  ]');
    if (at < 0) fail(`test/mutants/${a}.json: no closing '  ]' line to append before`);
    const empty = /"mutants": \[\s*$/.test(t.slice(0, at));
    out = `${t.slice(0, at).replace(/\s*$/, '')}${empty ? '' : ','}\n${cs.join(',\n')}${t.slice(at)}`;
  } else out = `{\n  "about": "test/mutants/README.md says what a mutant is and which file takes it (${a}: mutants whose first edit is in ${a.startsWith('model-') ? `model/${a.slice(6)}*.ts` : `${a}/`}).",\n  "mutants": [\n${cs.join(',\n')}\n  ]\n}\n`;
  JSON.parse(out); // a file it would break is not written
  writeFileSync(f, out);
  console.log(`test/mutants/${a}.json: ${cs.length} mutant${cs.length === 1 ? '' : 's'} moved`);
}
rmSync(legacy);
console.log(`mutants split: ${parsed.length - dropped} moved, ${dropped} already in their area's file; test/mutants/${LEGACY} removed`);
