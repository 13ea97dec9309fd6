/**
 * One model at given parameters on the packed path (its declared shape) and
 * on the generic path (forceGeneric), interleaved in one process, medians:
 * what declaring a model's shape buys (docs/performance.md, "netif-rx and
 * netif-tx on the packed path").
 *
 *   node --import ./bin/register.mjs bench/shapePaths.ts MODEL [k=v ...] [--repeat N]
 */
import { findModel } from '../model/registry.js';
import { paramsOf, runModel } from '../test/support/models.js';

const args = process.argv.slice(2);
const ri = args.indexOf('--repeat');
const repeat = ri >= 0 ? Number(args.splice(ri, 2)[1]) : 3;
const [name, ...kv] = args;
const m = name ? findModel(name) : undefined;
if (!m || !m.shape) { console.error(`usage: bench/shapePaths.ts MODEL [k=v ...] [--repeat N] (a built-in model that declares a shape)`); process.exit(2); }
const ov: Record<string, string | number> = {};
for (const x of kv) { const [k, v] = x.split('='); ov[k!] = /^\d+$/.test(v!) ? Number(v) : v!; }
const p = paramsOf(m, ov);
const times = { packed: [] as number[], generic: [] as number[] };
let figs = '';
for (let i = 0; i < repeat; i++) for (const generic of [false, true]) {
  const t = process.hrtime.bigint();
  const r = runModel(m, p, { forceGeneric: generic });
  times[generic ? 'generic' : 'packed'].push(Number(process.hrtime.bigint() - t) / 1e9);
  figs = `${r.outcome}, ${r.distinctStates} states, ${r.edges} edges`;
}
const med = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
console.log(`${name} ${kv.join(' ')}: ${figs}; median of ${repeat}: packed ${med(times.packed).toFixed(2)} s, generic ${med(times.generic).toFixed(2)} s, generic/packed ${(med(times.generic) / med(times.packed)).toFixed(2)}`);
