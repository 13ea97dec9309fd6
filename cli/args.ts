/** Command-line parsing shared by the subcommands: one-line errors, no stack traces. */
import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;
import { UsageError } from './errors.js';

export function parse<const T extends Options>(argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(((e as Error).message ?? String(e)).split('\n')[0]!.replace(/^TypeError \[\w+\]: /, ''));
  }
}

/** `--param name=value` list to a record. */
export function paramPairs(list: readonly string[] | undefined, flag = '--param'): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of list ?? []) {
    const i = kv.indexOf('=');
    if (i <= 0) throw new UsageError(`${flag} expects name=value, got '${kv}'`);
    out[kv.slice(0, i)] = kv.slice(i + 1);
  }
  return out;
}

/** A non-negative integer option. */
export function intOption(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new UsageError(`--${name} expects a non-negative integer, got '${v}'`);
  return Number(v);
}
