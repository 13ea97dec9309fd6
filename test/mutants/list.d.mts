/** Types of test/mutants/list.mjs (the mutants of test/mutants/*.json). */
export interface MutantEdit {
  readonly file: string;
  readonly find: string;
  readonly replace: string;
  readonly all?: boolean;
}
export interface Mutant {
  readonly id: string;
  readonly part: string;
  readonly why: string;
  readonly edits: readonly MutantEdit[];
  readonly tests: readonly string[];
  readonly timeout?: number;
  /** The file of test/mutants it is in. */
  readonly source: string;
}
export const LEGACY: string;
export function areaOf(m: { readonly edits?: readonly { readonly file: string }[] }): string;
export function loadMutants(dir: string, opt?: { readonly except?: string }): Mutant[];
