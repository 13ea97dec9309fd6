// Declarations of bin/changed-tests.mjs for the TypeScript tests that import it (test/suiteHygieneChanged).
export declare const EVERY_MODEL: string[];
export declare function resolveBase(root: string, base: string | undefined): { name: string; sha: string };
export declare function changedFiles(root: string, sha: string): string[];
export declare function addedFiles(root: string, sha: string): string[];
export declare function stripComments(text: string): string;
export declare function dependencyGraph(root: string, files: readonly string[]): Map<string, { deps: string[]; imports: Set<string>; listed: string[]; text: string; code: string }>;
export declare function modelFiles(graph: ReturnType<typeof dependencyGraph>): Map<string, string>;
export declare function selectTests(root: string, changed: readonly string[], tests: readonly string[], files?: readonly string[], graph?: ReturnType<typeof dependencyGraph>, added?: readonly string[]): { file: string; why: string }[];
export declare function examplesOnly(root: string, changed: readonly string[], tests: readonly string[], files?: readonly string[], graph?: ReturnType<typeof dependencyGraph>, added?: readonly string[]): Map<string, string[]>;
