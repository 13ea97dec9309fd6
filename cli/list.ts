/**
 * `pvcheck list [MODEL...]`: the built-in models, their parameters (defaults,
 * ranges), invariants, goals, observables, fast path and rules (moved out of
 * cli/main.ts, which loads it only for `list`: session 32's fast refusals).
 */
import type { Model } from '../model/core.js';
import type { ParamSpec } from '../model/params.js';
import { fastPathLine } from './fastPath.js';

function describeParam(name: string, s: ParamSpec): string {
  switch (s.kind) {
    case 'int':
      return `${name}=${s.default} (${s.min}..${s.max}) ${s.doc}`;
    case 'enum':
      return `${name}=${s.default} (${s.values.join('|')}) ${s.doc}`;
    case 'bool':
      return `${name}=${s.default} (true|false) ${s.doc}`;
  }
}

/**
 * A model's `see` without the references to files a user does not have: the
 * design documents beside the repository (`../shared/...`), which the package
 * does not hold.
 */
export const userSee = (see: string | undefined): string | undefined =>
  see
    ?.split(/;\s*/)
    .filter((part) => !/^\.\.\//.test(part.trim()))
    .join('; ') || undefined;

/** The fields of a flat model's --dump-states lines at its defaults, in order; undefined for a model without a layout. */
function dumpFields(m: Model): string[] | undefined {
  try {
    return m.layout?.(m.params.defaults).map((f) => f.name);
  } catch {
    return undefined;
  }
}

export function listText(models: readonly Model[]): string {
  const out: string[] = [];
  for (const m of models) {
    out.push(`${m.name}: ${m.description}`);
    const see = userSee(m.see);
    if (see) out.push(`  see: ${see}`);
    out.push('  parameters:');
    for (const [k, s] of Object.entries(m.params.specs)) out.push(`    ${describeParam(k, s)}`);
    out.push('  invariants:');
    for (const i of m.invariants) out.push(`    ${i.name}: ${i.description} [${i.see}]`);
    for (const g of m.goals ?? []) out.push(`    ${g.name} (recoverability, AG EF): ${g.description} [${g.see}]`);
    out.push(`    deadlock: a state with no enabled rule that is not a valid end state`);
    for (const o of m.observables ?? []) out.push(`  observable ${o.name}: ${o.description}`);
    const fast = fastPathLine(m.name);
    if (fast) out.push(`  ${fast}`);
    const layout = dumpFields(m);
    if (layout) out.push(`  --dump-states fields (at the defaults): ${layout.join(',')}`);
    if (m.rules.some((r) => r.origin)) {
      out.push('  rules (origin: what the step is):');
      for (const r of m.rules) out.push(`    ${r.name} [${r.origin ?? '?'}]${r.doc ? `: ${r.doc}` : ''}`);
    } else out.push(`  rules: ${m.rules.map((r) => r.name).join(' ')}`);
    out.push('');
  }
  return out.join('\n');
}
