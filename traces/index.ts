/**
 * Traces: counterexamples as files that can be printed, replayed and exported
 * as ITF (docs/traces.md).
 *
 * Public API (all pure functions except the two file functions):
 *
 *   traceFromViolation(model, params, violation, command?, kind?) -> Trace
 *       a trace from a checker Violation (checker/explore.ts); `kind: 'none'`
 *       for witness traces that violate nothing.
 *   writeTraceFile(path, trace, format: 'json' | 'itf' = 'json') -> void
 *       whole-or-nothing (temp file, fsync, rename); throws Error with a
 *       one-line message if the file cannot be written or ITF cannot carry a value.
 *   readTraceFile(path) -> Either<string, Trace>
 *       JSON or ITF detected by content; never throws; Left is one line
 *       `FILE: steps/3/action: expected a string or null, got 42`.
 *   parseTrace(text) -> Either<string, Trace>        same, from a string
 *   serializeTrace(trace, format) -> Either<string, string>
 *   decodeTrace(json) -> Either<string, Trace>       the io-ts codec, one-line error
 *   toItf(trace) -> Either<string, ItfTrace>; fromItf(json) -> Either<string, Trace>
 *   showTrace(trace, model?) -> string               TLC-style text: header, changed fields, verdict
 *   replayParams(model, trace, overrides) -> Either<string, P>
 *                                                    the trace's params overridden by --param strings
 *   replay(model, params, trace, {property?, maxStates?, byState?}) -> ReplayResult
 *       completed | reproduced | diverged | inconclusive | truncated | bad-input; never throws
 *   replayWith(model, trace, overrides, opt?) -> ReplayResult
 *       replayParams + replay in one (a parameter problem is bad-input 'bad-params')
 *   replayExitCode(result) -> 0 completed | 1 reproduced | 2 bad input | 3 inconclusive | 4 diverged
 *                                                    | 5 truncated (a version-2 file cut before its violation step)
 *   showReplay(result) -> string                     the outcome for a human, with the diff
 *   chartOf(trace, model?) -> Chart; mscText(chart, {width?}) -> string; mermaidChart(chart) -> string
 *                                                    sequence charts (plain text for e-mail, Mermaid)
 */
export * from './format.js';
export * from './itf.js';
export * from './io.js';
export * from './diff.js';
export * from './show.js';
export * from './replay.js';
export * from './views.js';
