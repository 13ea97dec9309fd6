import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { paramsOf, pathsSummary as summary } from '../test/support/models.ts';
const exDir = resolve('examples');
const rows: [string, number, number, string][] = [];
for (const f of readdirSync(exDir).filter((x) => x.endsWith('.ts')).sort()) {
  const m = (await import(pathToFileURL(join(exDir, f)).href)).default;
  if (!m.shape) continue;
  const p = paramsOf(m, {});
  let t = Date.now(); const a = summary(m, p, false); const tp = (Date.now() - t) / 1000;
  t = Date.now(); const b = summary(m, p, true); const tr = (Date.now() - t) / 1000;
  rows.push([f, tp, tr, JSON.parse(a).states + (a === b ? '' : ' DIFF')]);
}
rows.sort((x, y) => y[1] + y[2] - x[1] - x[2]);
for (const r of rows) console.log(r[1].toFixed(1), r[2].toFixed(1), r[3], r[0]);
console.log('total packed', rows.reduce((s, r) => s + r[1], 0).toFixed(0), 'reference', rows.reduce((s, r) => s + r[2], 0).toFixed(0));
