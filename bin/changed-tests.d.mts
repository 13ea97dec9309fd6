// Declarations of bin/changed-tests.mjs for the TypeScript tests that import it (test/suiteHygieneChanged).
export declare const EVERY_MODEL: string[];
export declare function resolveBase(root: string, base: string | undefined): { name: string; sha: string };
export declare function changedFiles(root: string, sha: string): string[];
export declare function stripComments(text: string): string;
export declare function selectTests(root: string, changed: readonly string[], tests: readonly string[], files?: readonly string[]): { file: string; why: string }[];
