/**
 * Counterexamples as message sequence charts, for the people who read them:
 * plain text for xen-devel e-mail (`pvcheck show TRACE --msc [--width N]`) and
 * Mermaid for GitLab/GitHub (`--mermaid`).
 *
 * One column per actor (the model's `views.actors`, else the `actor` of its
 * rules in rule order), one row per step with the action and its Xen
 * description, an arrow per message the step sends (event-channel
 * notifications, xenstore writes and the watches they fire, grant
 * operations), and the model's picture of the state (Model.view) wherever it
 * changes.
 *
 *   step frontend  backend
 *      0    |         |      init
 *      7    *-------->|      F6 notify_remote_via_evtchn: set the backend pending bit
 *           |         |        evtchn notify
 */
import * as E from 'fp-ts/lib/Either.js';
import type { Model, RuleTouches, ViewMessage } from '../model/core.js';
import { resolveParams } from '../model/params.js';
import { diff, formatChange, namerOf } from './diff.js';
import { describeProperty, type Trace } from './format.js';
import { verdictLine } from './show.js';

/** One arrow of the chart, between two columns. */
export interface ChartArrow {
  readonly from: string;
  readonly to: string;
  readonly label: string;
  readonly via?: string;
}

export interface ChartStep {
  readonly index: number;
  /** The checker's action label (`F6`, `netback_changed`, `map(3)`); `(action unknown)` for an unnamed foreign step. */
  readonly action: string;
  readonly rule: string | null;
  /** The column of the step. */
  readonly actor: string;
  /** The rule's doc: the Xen code it stands for. */
  readonly doc?: string;
  readonly see?: string;
  readonly arrows: readonly ChartArrow[];
  readonly reads: readonly string[];
  readonly writes: readonly string[];
  /** The fields the step changed (`req_prod: 0 -> 2`). */
  readonly changes: readonly string[];
  /** The model's picture of the state after the step, present only where it changed (and at step 0). */
  readonly picture?: readonly string[];
  /** The whole picture after the step, changed or not. */
  readonly fullPicture?: readonly string[];
}

export interface Chart {
  readonly model: string;
  readonly params: string;
  /** `I4_no_lost_wakeup (invariant): ...` */
  readonly property: string;
  readonly actors: readonly string[];
  readonly steps: readonly ChartStep[];
  readonly verdict: string;
}

/** The column of steps whose actor is unknown (a foreign trace, a rule without `actor`). */
export const UNKNOWN_ACTOR = 'system';

const uniq = <T>(xs: readonly T[]): T[] => [...new Set(xs)];

/** The chart of a trace; with its model, actors, arrows and pictures. Never throws on a foreign trace. */
export function chartOf(trace: Trace, model?: Model): Chart {
  const rules = new Map((model?.rules ?? []).map((r) => [r.name, r]));
  const views = model?.views;
  const name = namerOf(model?.valueName);
  const resolved = model ? resolveParams(model.params, trace.params as Record<string, string | number | boolean>) : undefined;
  const params = resolved && E.isRight(resolved) ? resolved.right : undefined;
  const picture = (st: unknown): string[] | undefined => {
    if (!model?.view || params === undefined) return undefined;
    try {
      return model.view(st, params).split('\n');
    } catch {
      return undefined;
    }
  };
  const touchesOf = (rule: string | null, before: unknown, after: unknown): RuleTouches => {
    if (rule === null || !views) return {};
    const stat = views.rules?.[rule] ?? {};
    let dyn: RuleTouches = {};
    if (views.step && params !== undefined) {
      try {
        dyn = views.step(rule, before, after, params);
      } catch {
        dyn = {};
      }
    }
    return {
      reads: uniq([...(stat.reads ?? []), ...(dyn.reads ?? [])]),
      writes: uniq([...(stat.writes ?? []), ...(dyn.writes ?? [])]),
      messages: [...(stat.messages ?? []), ...(dyn.messages ?? [])],
    };
  };
  const steps: ChartStep[] = [];
  let lastPicture: string[] | undefined;
  trace.steps.forEach((s, i) => {
    const pic = picture(s.state);
    // the lines of the picture that changed (all of them when the number of lines did)
    const prev = lastPicture;
    const changedLines = pic && (!prev || prev.length !== pic.length ? pic : pic.filter((l, k) => l !== prev[k]));
    const changedPic = changedLines && changedLines.length ? changedLines : undefined;
    lastPicture = pic;
    if (i === 0) {
      steps.push({ index: 0, action: 'init', rule: null, actor: '', arrows: [], reads: [], writes: [], changes: [],
        ...(pic ? { picture: pic, fullPicture: pic } : {}) });
      return;
    }
    const r = s.rule !== null ? rules.get(s.rule) : undefined;
    const actor = r?.actor ?? UNKNOWN_ACTOR;
    const t = touchesOf(s.rule, trace.steps[i - 1]!.state, s.state);
    const arrows = (t.messages ?? []).map((m: ViewMessage) => ({
      from: m.from ?? actor, to: m.to, label: m.label, ...(m.via !== undefined ? { via: m.via } : {}),
    })).filter((a) => a.from !== a.to);
    steps.push({
      index: i,
      action: s.action ?? '(action unknown)',
      rule: s.rule,
      actor,
      ...(r?.doc !== undefined ? { doc: r.doc } : {}),
      ...(r?.see !== undefined ? { see: r.see } : {}),
      arrows,
      reads: t.reads ?? [],
      writes: t.writes ?? [],
      changes: diff(trace.steps[i - 1]!.state, s.state).map((c) => formatChange(c, ' -> ', name)),
      ...(changedPic ? { picture: changedPic } : {}),
      ...(pic ? { fullPicture: pic } : {}),
    });
  });
  // columns: the declared actors, then the rules' actors in rule order, then any other actor a step or arrow names
  const used = new Set<string>();
  for (const st of steps.slice(1)) {
    used.add(st.actor);
    for (const a of st.arrows) used.add(a.from).add(a.to);
  }
  const declared = views?.actors ?? uniq((model?.rules ?? []).map((r) => r.actor).filter((a): a is string => !!a));
  const actors = uniq([...declared.filter((a) => used.has(a)), ...[...used]]);
  if (actors.length === 0) actors.push(UNKNOWN_ACTOR);
  const p = trace.property;
  const description = p.description ?? (model && p.kind !== 'none' ? describeProperty(model, p.name, p.kind) : undefined);
  const property = p.kind === 'none' ? `none${p.name ? ` (${p.name})` : ''}`
    : `${p.kind === 'deadlock' ? 'deadlock' : `${p.name} (${p.kind})`}${description ? `: ${description}` : ''}`;
  const paramText = Object.entries(trace.params).map(([k, v]) => `${k}=${String(v)}`).join(' ') || '(none)';
  return { model: trace.model || '(not named)', params: paramText, property, actors, steps, verdict: verdictLine(trace) };
}

// ---------------------------------------------------------------- plain text

/** Words of `text` in lines of at most `w` characters (a longer word is cut). */
export function wrap(text: string, w: number): string[] {
  const out: string[] = [];
  let line = '';
  for (let word of text.split(/\s+/).filter(Boolean)) {
    while (word.length > w) {
      if (line) { out.push(line); line = ''; }
      out.push(word.slice(0, w));
      word = word.slice(w);
    }
    if (!line) line = word;
    else if (line.length + 1 + word.length <= w) line += ' ' + word;
    else { out.push(line); line = word; }
  }
  if (line || out.length === 0) out.push(line);
  return out;
}

export interface MscOptions {
  /** Total width in columns; default 72 (e-mail). */
  readonly width?: number;
  /** Repeat the column header every N steps (default 25; 0: only at the top). */
  readonly headerEvery?: number;
}

/**
 * The chart as plain text of at most `width` columns: a gutter with the step
 * number, one lifeline per actor (`*` where the actor acts, arrows
 * `*------>|`), and to the right the action, its Xen description, the
 * arrows' labels and the picture where it changed, wrapped to fit.
 */
export function mscText(chart: Chart, opt: MscOptions = {}): string {
  const width = Math.max(40, opt.width ?? 72);
  const every = opt.headerEvery ?? 25;
  const n = chart.actors.length;
  const gutter = 5; // "  12 "
  const longest = Math.max(...chart.actors.map((a) => a.length));
  // a column per actor as wide as its name (+1), narrower when that leaves under 28 columns of text
  // a column per actor as wide as its name (+1); narrower when that leaves under 30 columns of text,
  // with the names then on two staggered header lines, or as letters with a legend when even that is too narrow
  let col = Math.max(3, longest + 1);
  let legend = false, stagger = false;
  if (gutter + n * col + 2 + 30 > width) {
    col = Math.max(3, Math.floor((width - gutter - 2 - 30) / n));
    if (col < longest + 1) {
      if (2 * col - 1 >= longest && n > 1) stagger = true;
      else legend = true;
    }
  }
  const lanes = n * col;
  const textW = Math.max(16, width - gutter - lanes - 2);
  const pos = new Map(chart.actors.map((a, i) => [a, i * col + Math.floor((col - 1) / 2)]));
  const short = (a: string, i: number): string => (legend ? `${String.fromCharCode(65 + (i % 26))}` : a);
  const lifelines = (): string[] => {
    const cells = Array<string>(lanes).fill(' ');
    for (const p of pos.values()) cells[p] = '|';
    return cells;
  };
  const row = (num: string, cells: string[], text: string): string =>
    (num.padStart(gutter - 1) + ' ' + cells.join('') + '  ' + text).replace(/\s+$/, '');
  const header = (): string[] => {
    const lines = stagger ? [0, 1] : [-1];
    return lines.map((parity, li) => {
      const cells = Array<string>(lanes + 8).fill(' ');
      chart.actors.forEach((a, i) => {
        if (parity >= 0 && i % 2 !== parity) return;
        const name = short(a, i);
        const start = Math.max(0, Math.min(lanes + 8 - name.length, pos.get(a)! - Math.floor((name.length - 1) / 2)));
        for (let k = 0; k < name.length; k++) cells[start + k] = name[k]!;
      });
      if (parity === 0) for (const [i, a] of chart.actors.entries()) if (i % 2 === 1 && cells[pos.get(a)!] === ' ') cells[pos.get(a)!] = '|';
      return row(li === lines.length - 1 ? 'step' : '', cells, '');
    });
  };
  const out: string[] = [];
  out.push(...wrap(`Model: ${chart.model}`, width));
  out.push(...wrap(`Params: ${chart.params}`, width));
  out.push(...wrap(`Property: ${chart.property}`, width));
  if (legend) out.push(...wrap(`Columns: ${chart.actors.map((a, i) => `${short(a, i)}=${a}`).join(' ')}`, width));
  out.push('');
  out.push(...header());
  const text = (num: string, cells: string[], lines: string[]): void => {
    lines.forEach((l, k) => out.push(row(k === 0 ? num : '', k === 0 ? cells : lifelines(), l)));
  };
  const indented = (s: string, first: string, rest = '  '): string[] =>
    wrap(s, textW - rest.length).map((l, k) => (k === 0 ? first + l : rest + l));
  // a picture keeps its spacing: cut at its own separators ('  ', ' | '), words only inside a too-long part
  const pictured = (s: string, first: string, rest: string): string[] => {
    const w = textW - rest.length;
    const parts = s.split(/(?<=  | \| )/);
    const lines: string[] = [];
    let line = '';
    for (const part of parts) {
      if ((line + part).trimEnd().length <= w) line += part;
      else {
        if (line.trim()) lines.push(line.trimEnd());
        line = '';
        if (part.trimEnd().length <= w) line = part;
        else lines.push(...wrap(part, w));
      }
    }
    if (line.trim() || lines.length === 0) lines.push(line.trimEnd());
    return lines.map((l, k) => (k === 0 ? first + l : rest + l));
  };
  for (const st of chart.steps) {
    if (every > 0 && st.index > 0 && st.index % every === 0) out.push(...header());
    const cells = lifelines();
    const here = pos.get(st.actor);
    if (here !== undefined) cells[here] = '*';
    const title = st.index === 0 ? ['init (initial state)'] : indented(`${st.action}${st.doc ? `  ${st.doc}` : ''}`, '');
    text(String(st.index), cells, title);
    for (const a of st.arrows) {
      const c = lifelines();
      const f = pos.get(a.from), t = pos.get(a.to);
      if (f !== undefined && t !== undefined && f !== t) {
        const [lo, hi] = f < t ? [f, t] : [t, f];
        for (let k = lo + 1; k < hi; k++) c[k] = '-';
        c[f] = '*';
        if (f < t) c[t - 1] = '>';
        else c[t + 1] = '<';
      }
      text('', c, indented(`${a.label}${a.via ? ` (${a.via})` : ''}`, '  '));
    }
    if (st.writes.length && st.arrows.length === 0) text('', lifelines(), indented(`writes ${st.writes.join(', ')}`, '  '));
    const lead = st.index > 0 ? '  ' : '';
    for (const l of st.picture ?? []) text('', lifelines(), pictured(l, `${lead}| `, `${lead}|   `));
  }
  out.push('');
  out.push(...wrap(chart.verdict, width));
  return out.join('\n') + '\n';
}

// ---------------------------------------------------------------- Mermaid

/** An actor's Mermaid id: letters, digits and underscores. */
const mermaidId = (a: string, i: number): string => `A${i}_${a.replace(/[^A-Za-z0-9_]/g, '_')}`;

/**
 * Text safe inside a Mermaid message or note: no newline, no `;` or `#`
 * (statement and entity syntax), no `:`/`,` confusion in notes, braces and
 * angle brackets escaped as Mermaid entities.
 */
export function mermaidText(s: string): string {
  return s
    .replace(/[\r\n]+/g, ' ')
    .replace(/#/g, '#35;')
    .replace(/;/g, '#59;')
    .replace(/</g, '#lt;')
    .replace(/>/g, '#gt;')
    .replace(/%%/g, '% %')
    .replace(/\{/g, '#123;')
    .replace(/\}/g, '#125;')
    .trim();
}

/**
 * The chart as a Mermaid `sequenceDiagram`: a participant per actor, per step
 * a note over its actor (`12 F6 notify_remote_via_evtchn...`), an arrow per
 * message, the picture where it changed as a note over all columns, and the
 * verdict at the end.
 */
export function mermaidChart(chart: Chart, opt: { readonly pictures?: boolean } = {}): string {
  const ids = new Map(chart.actors.map((a, i) => [a, mermaidId(a, i)]));
  const out: string[] = ['sequenceDiagram'];
  for (const [a, id] of ids) out.push(`  participant ${id} as ${mermaidText(a)}`);
  const first = ids.get(chart.actors[0]!)!;
  const last = ids.get(chart.actors.at(-1)!)!;
  const span = first === last ? first : `${first},${last}`;
  const pictures = opt.pictures ?? true;
  for (const st of chart.steps) {
    if (st.index === 0) {
      out.push(`  Note over ${span}: 0 init${pictures && st.picture ? ' ' + mermaidText(st.picture.join(' / ')) : ''}`);
      continue;
    }
    const id = ids.get(st.actor)!;
    const doc = st.doc ? ` ${st.doc.length > 80 ? st.doc.slice(0, 77) + '...' : st.doc}` : '';
    out.push(`  Note over ${id}: ${st.index} ${mermaidText(st.action + doc)}`);
    for (const a of st.arrows) out.push(`  ${ids.get(a.from)}->>${ids.get(a.to)}: ${mermaidText(a.label + (a.via ? ` (${a.via})` : ''))}`);
    if (pictures && st.picture) out.push(`  Note over ${span}: ${mermaidText(st.picture.join(' / '))}`);
  }
  out.push(`  Note over ${span}: ${mermaidText(chart.verdict)}`);
  return out.join('\n') + '\n';
}
