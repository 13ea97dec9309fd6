import * as E from 'fp-ts/lib/Either.js';
import { check } from '/work/wt/lead/checker/explore.ts';
import { checkParallel } from '/work/wt/lead/checker/parallel.ts';
import { loadModel } from '/work/wt/lead/cli/loadModel.ts';
import { workerSystemLoader } from '/work/wt/lead/cli/workerSystem.ts';
import { resolveParams } from '/work/wt/lead/model/params.ts';
import { bind } from '/work/wt/lead/properties/bind.ts';
const [file, ...kv] = process.argv.slice(2);
const params = Object.fromEntries(kv.map((x) => x.split('=')));
const model = await loadModel(file!);
const p = resolveParams(model.params, params); if (E.isLeft(p)) throw p.left;
const sys = bind(model, p.right, {}); if (E.isLeft(sys)) throw sys.left;
const opt = { checkDeadlock: true };
let t = Date.now(); const one = check(sys.right, opt); console.log('1 thread', (Date.now() - t) / 1000, one.distinctStates, one.depth, one.outcome);
for (const n of [2, 3]) { t = Date.now(); const r = await checkParallel(sys.right, opt, { loader: workerSystemLoader, args: { model: file, params: p.right } }, n); console.log(n, 'workers', (Date.now() - t) / 1000, r.distinctStates); }
