/**
 * The checker's public entry: the search, its options and its report, and the
 * reference semantics of a step (for traces, replay and conformance vectors).
 * The parts live in their own files (see docs/checker.md, "Layout").
 */
export { Search, check, type CheckOptions } from './search.js';
export type { CheckResult, ObservableReport, Outcome, RefinedTrace, Stats, TraceStep, Violation } from './report.js';
export { immerApply, labelOf, transitionsOf } from './reference/immer.js';
