/** Command-line parsing shared by the subcommands: one-line errors, no stack traces. */
import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;
import { UsageError } from './errors.js';
import { parseSize } from '../checker/memory.js';

export function parse<const T extends Options>(argv: string[], options: T) {
  try {
    const parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true, tokens: true });
    // an option that takes one value, given twice, would silently keep the last
    const seen = new Set<string>();
    for (const t of parsed.tokens ?? []) {
      if (t.kind !== 'option' || options[t.name]?.multiple || options[t.name]?.type === 'boolean') continue;
      if (seen.has(t.name)) throw new UsageError(`--${t.name} is given twice`);
      seen.add(t.name);
    }
    return parsed;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const msg = ((e as Error).message ?? String(e)).split('\n')[0]!.replace(/^TypeError \[\w+\]: /, '');
    // Node's "Unknown option '-q'. To specify a positional argument starting with a '-', ..." is too long
    const unknown = /^Unknown option '([^']+)'/.exec(msg);
    if (unknown) throw new UsageError(`unknown option '${unknown[1]}' (see pvcheck help)`);
    // parseArgs: "Option '--max-states <value>' argument is ambiguous" for `--max-states -1`
    const ambiguous = /^Option '([^']+)' argument is ambiguous/.exec(msg);
    if (ambiguous) {
      const names = ambiguous[1]!.replace(/ <value>$/, '').split(', ');
      const i = argv.findIndex((x) => names.includes(x));
      const name = names[names.length - 1]!;
      throw new UsageError(`${name} expects a value, got the option-like '${argv[i + 1] ?? ''}' (write ${name}=${argv[i + 1] ?? 'VALUE'} if that is the value)`);
    }
    throw new UsageError(msg);
  }
}

/** `--param name=value` list to a record. */
export function paramPairs(list: readonly string[] | undefined, flag = '--param'): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of list ?? []) {
    const i = kv.indexOf('=');
    if (i <= 0) throw new UsageError(`${flag} expects name=value, got '${kv}'`);
    const name = kv.slice(0, i);
    if (Object.hasOwn(out, name)) throw new UsageError(`${flag} ${name} is given twice ('${out[name]}' and '${kv.slice(i + 1)}')`);
    out[name] = kv.slice(i + 1);
  }
  return out;
}

/** A non-negative integer option, at least `min`. */
export function intOption(name: string, v: string | undefined, min = 0): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new UsageError(`--${name} expects a non-negative integer, got '${v}'`);
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < min) throw new UsageError(`--${name} must be an integer of at least ${min}, got '${v}'`);
  return n;
}

/** A size option (`--max-memory 2G`): bytes, or a one-line UsageError naming the option. */
export function sizeOption(name: string, v: string): number {
  const n = parseSize(v);
  if (typeof n === 'string') throw new UsageError(`--${name}: ${n}`);
  return n;
}
