/**
 * A counterexample (or a check) as one self-contained HTML file:
 * `pvcheck show TRACE --html FILE` and `pvcheck check ... --report FILE`.
 *
 * No network, no external asset: styles, the sequence chart (an inline SVG)
 * and a few lines of script are in the file. Without JavaScript it is a
 * static page: the outcome, the figures, the chart, then every step one after
 * the other. With JavaScript a slider (and the left/right keys) shows one
 * step at a time: the action, the Xen code it stands for, the fields it
 * changed highlighted in the whole state, and the model's picture (the ring's
 * slots drawn as a ring).
 */
import type { Model } from '../model/core.js';
import { formatPath, formatValue, leaves } from './diff.js';
import type { Trace } from './format.js';
import { chartOf, type Chart, type ChartStep } from './views.js';

/** The figures of a check (the fields of `pvcheck check --json` the report shows). */
export interface ReportCheck {
  readonly model: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly outcome: string;
  /** The outcome in words (`VIOLATION of I4_no_lost_wakeup after 34 steps (shortest)`). */
  readonly outcomeLine: string;
  readonly figures: readonly (readonly [string, string])[];
  readonly invariants: readonly string[];
  readonly coverage: Readonly<Record<string, number>>;
  readonly neverFired: readonly string[];
}

export interface ReportWitness {
  readonly name: string;
  readonly description?: string;
  readonly min: number | null;
  readonly max: number | null;
  readonly minTrace?: Trace;
  readonly maxTrace?: Trace;
}

export interface ReportInput {
  readonly title?: string;
  readonly check?: ReportCheck;
  readonly trace?: Trace;
  readonly model?: Model;
  readonly witnesses?: readonly ReportWitness[];
  /** `pvcheck diff`: each side's verdict, text. */
  readonly sides?: readonly { readonly label: string; readonly text: string }[];
  /** The page's verdict line when there is no check (`pvcheck diff`: the states differ or not). */
  readonly verdict?: { readonly text: string; readonly good: boolean };
  /** The heading of the trace's section (default: Counterexample, or Trace for a trace that claims no violation). */
  readonly traceHeading?: string;
}

export const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

// ---------------------------------------------------------------- the chart as SVG

const COL = 130, ROW = 22, ARROW = 18, TOP = 40, LEFT = 44;

/** The sequence chart as an inline SVG: lifelines, a dot per step at its actor, arrows with labels, the action to the right. */
export function chartSvg(chart: Chart): string {
  const n = chart.actors.length;
  const x = new Map(chart.actors.map((a, i) => [a, LEFT + i * COL + COL / 2]));
  const textX = LEFT + n * COL + 10;
  const rows: string[] = [];
  let y = TOP;
  for (const st of chart.steps) {
    const h = ROW + st.arrows.length * ARROW;
    const label = st.index === 0 ? 'init' : `${st.action}${st.doc ? ' — ' + st.doc : ''}`;
    const parts: string[] = [];
    parts.push(`<rect class="hit" x="0" y="${y}" width="100%" height="${h}"/>`);
    parts.push(`<text class="num" x="${LEFT - 8}" y="${y + 15}" text-anchor="end">${st.index}</text>`);
    const ax = x.get(st.actor);
    if (ax !== undefined) parts.push(`<circle cx="${ax}" cy="${y + 11}" r="5"/>`);
    parts.push(`<text x="${textX}" y="${y + 15}">${esc(label.length > 140 ? label.slice(0, 137) + '...' : label)}</text>`);
    st.arrows.forEach((a, k) => {
      const f = x.get(a.from), t = x.get(a.to);
      if (f === undefined || t === undefined) return;
      const ay = y + ROW + k * ARROW + 8;
      parts.push(`<line class="msg" x1="${f}" y1="${ay}" x2="${t + (t > f ? -6 : 6)}" y2="${ay}" marker-end="url(#head)"/>`);
      const lab = a.label + (a.via ? ` (${a.via})` : '');
      parts.push(`<text class="lab" x="${Math.min(f, t) + 6}" y="${ay - 3}">${esc(lab.length > 60 ? lab.slice(0, 57) + '...' : lab)}</text>`);
    });
    rows.push(`<g class="row" id="row-${st.index}" data-step="${st.index}"><title>step ${st.index}: ${esc(label)}</title>${parts.join('')}</g>`);
    y += h;
  }
  const height = y + 10;
  const width = textX + 700;
  const heads = chart.actors
    .map((a) => `<text class="actor" x="${x.get(a)}" y="20" text-anchor="middle">${esc(a)}</text><line class="life" x1="${x.get(a)}" y1="28" x2="${x.get(a)}" y2="${height}"/>`)
    .join('');
  return (
    `<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="message sequence chart">` +
    `<defs><marker id="head" markerWidth="8" markerHeight="8" refX="6" refY="4" orient="auto"><path d="M0,0 L8,4 L0,8 z"/></marker></defs>` +
    heads +
    rows.join('') +
    `</svg>`
  );
}

// ---------------------------------------------------------------- the picture

const SLOT: Record<string, [string, string]> = {
  '.': ['free', 'free'],
  q: ['req', 'request being written (req_prod_pvt)'],
  Q: ['REQ', 'request published (req_prod)'],
  w: ['work', 'request taken by the backend (req_cons)'],
  r: ['rsp', 'response being written (rsp_prod_pvt)'],
  R: ['RSP', 'response published (rsp_prod)'],
};

/**
 * A ring line of Model.view (`[Q q . R]  req prod 2 ...`, model/ringView.ts)
 * drawn as a ring: one sector per slot, by what it holds. Other lines are
 * shown as text.
 */
export function ringSvg(line: string): string | undefined {
  const m = /^\[([.QqRrw](?: [.QqRrw])*)\]/.exec(line);
  if (!m) return undefined;
  const slots = m[1]!.split(' ');
  const n = slots.length, R = 52, r0 = 26, c = 60;
  const arcs = slots.map((ch, i) => {
    const a0 = (i / n) * 2 * Math.PI - Math.PI / 2, a1 = ((i + 1) / n) * 2 * Math.PI - Math.PI / 2;
    const p = (rad: number, a: number) => `${(c + rad * Math.cos(a)).toFixed(1)},${(c + rad * Math.sin(a)).toFixed(1)}`;
    const large = a1 - a0 > Math.PI ? 1 : 0;
    const d = `M${p(R, a0)} A${R},${R} 0 ${large} 1 ${p(R, a1)} L${p(r0, a1)} A${r0},${r0} 0 ${large} 0 ${p(r0, a0)} z`;
    const mid = (a0 + a1) / 2;
    const [cls, what] = SLOT[ch] ?? ['free', ch];
    return `<path class="slot s-${cls}" d="${d}"><title>slot ${i}: ${esc(what)}</title></path><text class="slotnum" x="${(c + 64 * Math.cos(mid)).toFixed(1)}" y="${(c + 64 * Math.sin(mid) + 4).toFixed(1)}" text-anchor="middle">${i}</text>`;
  });
  return `<svg class="ring" xmlns="http://www.w3.org/2000/svg" width="140" height="140" viewBox="-10 -10 140 140" role="img" aria-label="ring ${esc(m[0])}">${arcs.join('')}</svg>`;
}

const legend = `<p class="legend">${Object.values(SLOT).map(([cls, what]) => `<span class="key s-${cls}"></span>${esc(what)}`).join(' ')}</p>`;

function pictureHtml(lines: readonly string[] | undefined): string {
  if (!lines?.length) return '';
  const rings = lines.map(ringSvg).filter((x): x is string => !!x);
  return `<div class="picture">${rings.join('')}<pre>${esc(lines.join('\n'))}</pre></div>${rings.length ? legend : ''}`;
}

// ---------------------------------------------------------------- steps

function stateTable(before: unknown, after: unknown, first: boolean): string {
  const old = new Map(leaves(before).map((l) => [formatPath(l.path), formatValue(l.value)]));
  const now = leaves(after).map((l) => [formatPath(l.path), formatValue(l.value)] as const);
  const gone = first ? [] : [...old.keys()].filter((k) => !now.some(([p]) => p === k));
  const rows = now.map(([p, v]) => {
    const was = old.get(p);
    const changed = !first && was !== v;
    return `<tr${changed ? ' class="changed"' : ''}><td>${esc(p)}</td><td>${esc(v)}${changed ? ` <span class="was">was ${esc(was ?? '(absent)')}</span>` : ''}</td></tr>`;
  });
  for (const p of gone) rows.push(`<tr class="changed"><td>${esc(p)}</td><td>(removed) <span class="was">was ${esc(old.get(p)!)}</span></td></tr>`);
  return `<table class="state"><tbody>${rows.join('')}</tbody></table>`;
}

function stepHtml(trace: Trace, st: ChartStep): string {
  const i = st.index;
  const before = i > 0 ? trace.steps[i - 1]!.state : trace.steps[0]!.state;
  const head = i === 0 ? 'Step 0: init (initial state)' : `Step ${i}: ${st.action}`;
  const meta: string[] = [];
  if (i > 0) meta.push(`<p><b>${esc(st.actor)}</b>${st.doc ? `: ${esc(st.doc)}` : ''}</p>`);
  if (st.see) meta.push(`<p class="see">Xen source: <code>${esc(st.see)}</code></p>`);
  if (st.arrows.length)
    meta.push(`<ul class="msgs">${st.arrows.map((a) => `<li>${esc(a.from)} → ${esc(a.to)}: ${esc(a.label)}${a.via ? ` <i>(${esc(a.via)})</i>` : ''}</li>`).join('')}</ul>`);
  if (i > 0) meta.push(st.changes.length ? `<p class="changes">changed: ${st.changes.map((c) => `<code>${esc(c)}</code>`).join(', ')}</p>` : '<p class="changes">(no change)</p>');
  return `<section class="step" id="step-${i}" data-step="${i}"><h3>${esc(head)}</h3>${meta.join('')}${pictureHtml(st.fullPicture)}${stateTable(before, trace.steps[i]!.state, i === 0)}</section>`;
}

// ---------------------------------------------------------------- the page

const CSS = `
body{font:14px/1.4 system-ui,sans-serif;margin:1em 2em;color:#222;max-width:1400px}
h1{font-size:20px}h2{font-size:17px;border-bottom:1px solid #ccc;margin-top:1.6em}h3{font-size:15px;margin:.4em 0}
code,pre,table.state{font:12px/1.35 ui-monospace,monospace}
.outcome{font-weight:bold;padding:.4em .6em;border-radius:4px;display:inline-block}
.bad{background:#fde2e1;color:#8a1111}.good{background:#ddf4dd;color:#145214}.meh{background:#fff2cc;color:#6b4f00}
table.fig td{padding:1px 10px 1px 0}table.cov td{padding:0 10px 0 0}.never{color:#8a1111}
.chartbox{overflow:auto;max-height:70vh;border:1px solid #ddd}
svg.chart text{font:12px ui-monospace,monospace}svg.chart .actor{font-weight:bold}
svg.chart .life{stroke:#999;stroke-dasharray:4 3}svg.chart circle{fill:#2255aa}
svg.chart .msg{stroke:#b34700;stroke-width:1.5}svg.chart marker path{fill:#b34700}svg.chart .lab{fill:#b34700;font-size:11px}
svg.chart .hit{fill:transparent}svg.chart .row.current .hit{fill:#fff3b0}svg.chart .num{fill:#666}
.nav{position:sticky;top:0;background:#fff;padding:.4em 0;border-bottom:1px solid #ddd;z-index:1}
.nav input[type=range]{width:50%;vertical-align:middle}
.js .step{display:none}.js .step.current{display:block}
.step{border-left:3px solid #2255aa;padding-left:.8em;margin:1em 0}
table.state{border-collapse:collapse}table.state td{padding:0 12px 0 0;vertical-align:top}
tr.changed{background:#fff3b0;font-weight:bold}.was{color:#8a5a00;font-weight:normal}
.picture{display:flex;gap:1em;align-items:center}.picture pre{margin:0;background:#f6f6f6;padding:.4em}
.slot{stroke:#fff;stroke-width:2}.s-free{fill:#e8e8e8;background:#e8e8e8}.s-req{fill:#9cc3f0;background:#9cc3f0}.s-REQ{fill:#2255aa;background:#2255aa}.s-work{fill:#f0c04a;background:#f0c04a}.s-rsp{fill:#a6dca6;background:#a6dca6}.s-RSP{fill:#2e8b2e;background:#2e8b2e}
.slotnum{font:10px monospace;fill:#555}.legend{font-size:12px;color:#555}.key{display:inline-block;width:10px;height:10px;margin:0 3px 0 10px}
.see{color:#555}.verdict{font-weight:bold;color:#8a1111}
`;

const SCRIPT = `
(function(){
  var d=document;d.body.classList.add('js');
  var steps=[].slice.call(d.querySelectorAll('.step'));if(!steps.length)return;
  var range=d.getElementById('slider'),label=d.getElementById('steplabel');
  function show(i){i=Math.max(0,Math.min(steps.length-1,i));range.value=i;
    steps.forEach(function(s,k){s.classList.toggle('current',k===i)});
    [].forEach.call(d.querySelectorAll('.row'),function(r){r.classList.toggle('current',+r.getAttribute('data-step')===i)});
    label.textContent=steps[i].querySelector('h3').textContent;}
  range.addEventListener('input',function(){show(+range.value)});
  d.getElementById('prev').addEventListener('click',function(){show(+range.value-1)});
  d.getElementById('next').addEventListener('click',function(){show(+range.value+1)});
  d.addEventListener('keydown',function(e){if(e.target&&e.target.tagName==='INPUT'&&e.target!==range)return;
    if(e.key==='ArrowLeft'){show(+range.value-1);e.preventDefault()}else if(e.key==='ArrowRight'){show(+range.value+1);e.preventDefault()}});
  [].forEach.call(d.querySelectorAll('.row'),function(r){r.addEventListener('click',function(){show(+r.getAttribute('data-step'))})});
  d.getElementById('nav').hidden=false;show(+range.value);
})();
`;

const outcomeClass = (o: string): string => (o === 'ok' || o === 'completed' ? 'good' : o === 'incomplete' ? 'meh' : 'bad');

function traceSection(trace: Trace, model: Model | undefined, heading: string): string {
  const chart = chartOf(trace, model);
  const out: string[] = [];
  const p = trace.property;
  out.push(`<h2>${esc(heading)}</h2>`);
  out.push(`<table class="fig"><tr><td>model</td><td><code>${esc(chart.model)}</code></td></tr><tr><td>parameters</td><td><code>${esc(chart.params)}</code></td></tr>` +
    `<tr><td>length</td><td>${trace.steps.length - 1} steps</td></tr>${trace.command ? `<tr><td>command</td><td><code>${esc(trace.command)}</code></td></tr>` : ''}</table>`);
  if (p.kind !== 'none') {
    const inv = p.kind === 'invariant' ? model?.invariants.find((x) => x.name === p.name) : undefined;
    const goal = p.kind === 'recoverability' ? model?.goals?.find((x) => x.name === p.name) : undefined;
    const see = inv?.see ?? goal?.see;
    out.push(`<div class="violation"><p class="verdict">${esc(chart.verdict)}</p><p><b>${esc(p.kind === 'deadlock' ? 'deadlock' : p.name)}</b> (${esc(p.kind)}): ${esc(chart.property.replace(/^[^:]*: ?/, ''))}</p>` +
      (see ? `<p class="see">Xen source: <code>${esc(see)}</code></p>` : '') + `</div>`);
  } else out.push(`<p>${esc(chart.verdict)}</p>`);
  out.push(`<h3>Sequence chart</h3><div class="chartbox">${chartSvg(chart)}</div>`);
  const n = chart.steps.length - 1;
  out.push(`<h3>Steps</h3><div class="nav" id="nav" hidden><button id="prev" type="button">◀</button> <input id="slider" type="range" min="0" max="${n}" value="${n}" aria-label="step"> <button id="next" type="button">▶</button> <span id="steplabel"></span> <small>(← → keys)</small></div>`);
  out.push(chart.steps.map((st) => stepHtml(trace, st)).join('\n'));
  return out.join('\n');
}

/** The whole report page. */
export function htmlReport(input: ReportInput): string {
  const body: string[] = [];
  const title = input.title ?? `pvcheck: ${input.check?.model ?? input.trace?.model ?? 'report'}`;
  body.push(`<h1>${esc(title)}</h1>`);
  const c = input.check;
  if (c) {
    body.push(`<p class="outcome ${outcomeClass(c.outcome)}">${esc(c.outcomeLine)}</p>`);
    body.push(`<h2>Bounds and figures</h2><table class="fig"><tr><td>model</td><td><code>${esc(c.model)}</code></td></tr>` +
      `<tr><td>parameters</td><td><code>${esc(Object.entries(c.params).map(([k, v]) => `${k}=${String(v)}`).join(' ') || '(none)')}</code></td></tr>` +
      c.figures.map(([k, v]) => `<tr><td>${esc(k)}</td><td>${esc(v)}</td></tr>`).join('') +
      `<tr><td>invariants</td><td>${esc(c.invariants.join(', ') || '(none selected)')}</td></tr></table>`);
    const cov = Object.entries(c.coverage);
    const fired = cov.filter(([, k]) => k > 0).length;
    body.push(`<h2>Coverage: ${fired}/${cov.length} rules fired</h2><table class="cov">` +
      cov.map(([r, k]) => `<tr${k === 0 ? ' class="never"' : ''}><td><code>${esc(r)}</code></td><td>${k === 0 ? 'never fired' : k.toLocaleString('en-US')}</td></tr>`).join('') + `</table>`);
  } else if (input.verdict) {
    body.push(`<p class="outcome ${input.verdict.good ? 'good' : 'bad'}">${esc(input.verdict.text)}</p>`);
  } else if (input.trace) {
    const p = input.trace.property;
    const n = input.trace.steps.length - 1;
    const at = input.trace.violation?.step ?? n; // a version-2 file's recorded step; after n in a cut file
    body.push(`<p class="outcome ${p.kind === 'none' ? 'meh' : 'bad'}">${esc(p.kind === 'none' ? 'a trace (no property claimed violated)' : `${p.kind === 'deadlock' ? 'deadlock' : p.name} violated in ${at} steps${at > n ? ` (the file ends at step ${n}: its last ${at - n} cut off)` : ''}`)}</p>`);
  }
  for (const s of input.sides ?? []) body.push(`<h2>${esc(s.label)}</h2><pre>${esc(s.text)}</pre>`);
  if (input.witnesses?.length) {
    body.push(`<h2>Observables</h2><table class="fig">` + input.witnesses.map((w) => {
      const wt = (t: Trace | undefined) => (t ? ` (witness: ${t.steps.length - 1} steps: ${esc(t.steps.slice(1).map((s) => s.action ?? '?').join(', '))})` : '');
      return `<tr><td><code>${esc(w.name)}</code>${w.description ? `<br><small>${esc(w.description)}</small>` : ''}</td><td>min ${w.min ?? '-'}${wt(w.minTrace)}<br>max ${w.max ?? '-'}${wt(w.maxTrace)}</td></tr>`;
    }).join('') + `</table>`);
  }
  if (input.trace) body.push(traceSection(input.trace, input.model, input.traceHeading ?? (input.trace.property.kind === 'none' ? 'Trace' : 'Counterexample')));
  return `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${esc(title)}</title>` +
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">` +
    `<style>${CSS}</style></head><body>\n${body.join('\n')}\n<script>${SCRIPT}</script></body></html>\n`;
}
