/**
 * fast-check arbitraries the trace tests share: nested JSON values and whole
 * traces around a given state arbitrary.
 */
import fc from 'fast-check';
import type { Trace } from '../../traces/index.js';

/**
 * Nested JSON values of integers, strings, booleans, arrays and records.
 * `itf`: record keys never start with '#' (ITF reserves them) and integers
 * stay within the safe range (ITF writes larger ones as #bigint).
 */
export function arbJson(opt: { itf?: boolean } = {}): { key: fc.Arbitrary<string>; value: fc.Arbitrary<unknown> } {
  const key = opt.itf ? fc.string({ maxLength: 6 }).filter((k) => !k.startsWith('#')) : fc.string({ maxLength: 6 });
  const { value } = fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.integer(),
      fc.maxSafeInteger(),
      ...(opt.itf ? [fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER })] : []),
      fc.string({ maxLength: 8 }),
      fc.boolean(),
      fc.constant(null),
      fc.array(tie('value'), { maxLength: 4 }),
      fc.dictionary(key, tie('value'), { maxKeys: 4, noNullPrototype: true }),
    ),
  }));
  return { key, value };
}

/**
 * Traces whose states come from `state`, with choices from `choice`.
 * `nullActions`: some steps carry no action (as ITF traces of other tools do).
 */
export const arbTrace = (
  state: fc.Arbitrary<unknown>,
  choice: fc.Arbitrary<unknown>,
  opt: { nullActions?: boolean } = {},
): fc.Arbitrary<Trace> =>
  fc
    .record({
      model: fc.string(),
      params: fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.integer(), fc.string(), fc.boolean()), { maxKeys: 3, noNullPrototype: true }),
      kind: fc.constantFrom('invariant' as const, 'deadlock' as const, 'recoverability' as const, 'none' as const),
      name: fc.string(),
      init: state,
      steps: fc.array(
        fc.record({
          rule: fc.string({ minLength: 1, maxLength: 5 }),
          known: fc.boolean(),
          choice: fc.option(choice, { nil: undefined }),
          state,
        }),
        { maxLength: 5 },
      ),
      command: fc.option(fc.string(), { nil: undefined }),
      created: fc.option(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), { nil: undefined }),
    })
    .map((r) => ({
      format: 'pvcheck-trace' as const,
      version: 1 as const,
      model: r.model,
      params: r.params,
      property: { name: r.name, kind: r.kind },
      steps: [
        { action: 'init', rule: null, state: r.init },
        ...r.steps.map((s) =>
          opt.nullActions && !s.known
            ? { action: null, rule: null, state: s.state }
            : {
                action: s.choice === undefined ? s.rule : `${s.rule}(${JSON.stringify(s.choice)})`,
                rule: s.rule,
                ...(s.choice !== undefined ? { choice: s.choice } : {}),
                state: s.state,
              },
        ),
      ],
      ...(r.command !== undefined ? { command: r.command } : {}),
      ...(r.created !== undefined ? { created: r.created } : {}),
    }));
