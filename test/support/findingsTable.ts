/**
 * docs/findings.md's table, parsed once for the tests that read it
 * (test/findings replays each row's trace, test/findingRows runs each row's
 * command): `| id | \`pvcheck check MODEL ARGS\` | \`PROPERTY\` in N steps
 * (or deadlock in N steps; a 1-step finding reads "in 1 step") | ...`. A row
 * whose command or result does not parse is an assertion failure naming the row.
 */
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const root = resolve(import.meta.dirname, '../..');

export interface FindingRow {
  readonly id: string;
  readonly model: string;
  /** The command after `pvcheck`, split on spaces: `check MODEL -p k=v ... -i NAME ...`. */
  readonly args: readonly string[];
  readonly params: Readonly<Record<string, string>>;
  /** The properties named with `-i`. */
  readonly only: readonly string[];
  readonly property: string;
  readonly steps: number;
}

export function findingRows(): FindingRow[] {
  return parseFindingRows(readFileSync(join(root, 'docs/findings.md'), 'utf8'));
}

/** The rows of a findings table in `text` (docs/findings.md's format). */
export function parseFindingRows(text: string): FindingRow[] {
  const out: FindingRow[] = [];
  for (const line of text.split('\n')) {
    if (!/^\| [A-Za-z0-9-]+ \| `pvcheck/.test(line)) continue;
    const cells = line.split('|').map((c) => c.trim());
    const id = cells[1]!;
    const cmd = /^`pvcheck (check (\S+)((?: (?:-p \S+=\S+|-i \S+))*))`$/.exec(cells[2]!);
    assert.ok(cmd, `${id}: command '${cells[2]}' is not \`pvcheck check MODEL [-p k=v]... [-i NAME]...\``);
    const res = /^(?:`(\w+)`|(deadlock)) in (\d+) steps?$/.exec(cells[3]!);
    assert.ok(res, `${id}: result '${cells[3]}' is not "\`PROPERTY\` in N steps" or "deadlock in N steps" ("in 1 step" for one)`);
    const rest = cmd[3]!.trim() ? cmd[3]!.trim().split(' ') : [];
    const params: Record<string, string> = {};
    const only: string[] = [];
    for (let i = 0; i < rest.length; i += 2) {
      if (rest[i] === '-p') {
        const [k, v] = rest[i + 1]!.split('=') as [string, string];
        params[k] = v;
      } else only.push(rest[i + 1]!);
    }
    out.push({ id, model: cmd[2]!, args: cmd[1]!.split(' '), params, only, property: res[1] ?? res[2]!, steps: +res[3]! });
  }
  return out;
}
