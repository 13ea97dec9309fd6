/**
 * `pvcheck check FILE --typecheck`: a user's model file type-checked with
 * TypeScript before the search, its errors printed as `file:line:column`.
 *
 * Not by default: a model file runs through a cached transpile that strips
 * types (bin/ts-hooks.mjs) in a few milliseconds, while a type check builds a
 * whole program (the file, pvcheck's declarations, Node's) and takes seconds
 * (docs/model-api.md gives the figure), on every run, cached or not. The
 * check loop of a model author (edit, check, read the trace) stays fast, and
 * `--typecheck` (or `npx tsc --noEmit` in their project) is there when wanted.
 *
 * The compiler options are those of the nearest tsconfig.json above the file
 * (the user's project settings), else strict defaults for an ES module
 * (module/moduleResolution NodeNext, target ES2022). Only the diagnostics of
 * files outside pvcheck's own sources are reported: the model file and what
 * it imports of the user's.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as TS from 'typescript';

const pvcheckRoot = resolve(fileURLToPath(new URL('..', import.meta.url)));
/** pvcheck's own sources: type errors there are not the user's to fix. */
const OWN = ['index.ts', 'model', 'checker', 'properties', 'traces', 'cli', 'conformance', 'bench', 'types', 'node_modules'].map((d) => resolve(pvcheckRoot, d));
const isOwn = (file: string): boolean => {
  const f = resolve(file);
  return OWN.some((d) => f === d || f.startsWith(d + sep)) || f.includes(`${sep}node_modules${sep}`);
};

/** The type errors of model file `file`, one `file:line:column: TSnnnn: message` each (paths relative to the current folder). */
export function typeErrors(file: string): string[] {
  const ts = createRequire(import.meta.url)('typescript') as typeof TS;
  const abs = resolve(file);
  let options: TS.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    skipLibCheck: true,
    isolatedModules: true,
  };
  const config = ts.findConfigFile(dirname(abs), ts.sys.fileExists, 'tsconfig.json');
  if (config) {
    const read = ts.readConfigFile(config, ts.sys.readFile);
    // with its file name, so that `types` and typeRoots resolve from the project's folder
    if (!read.error) options = ts.parseJsonConfigFileContent(read.config, ts.sys, dirname(config), undefined, config).options;
  }
  options = { ...options, noEmit: true, skipLibCheck: true };
  // in pvcheck's own tree (no generated declarations), `import 'pvcheck'` resolves to the sources
  if (!existsSync(resolve(pvcheckRoot, 'types/index.d.ts'))) options.customConditions = [...(options.customConditions ?? []), 'pvcheck-source'];
  if (options.moduleResolution === undefined || options.moduleResolution === ts.ModuleResolutionKind.Node10) {
    options.module = ts.ModuleKind.NodeNext;
    options.moduleResolution = ts.ModuleResolutionKind.NodeNext;
  }
  const program = ts.createProgram([abs], options);
  // only the user's files are checked (pvcheck's own are checked by its tests): seconds, not a whole program
  const mine = program.getSourceFiles().filter((f) => resolve(f.fileName) === abs || (!isOwn(f.fileName) && !f.isDeclarationFile));
  const diags = [
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
    ...mine.flatMap((f) => [...program.getSyntacticDiagnostics(f), ...program.getSemanticDiagnostics(f)]),
  ];
  const out: string[] = [];
  for (const d of diags) {
    if (d.category !== ts.DiagnosticCategory.Error) continue;
    const msg = ts.flattenDiagnosticMessageText(d.messageText, ' ');
    if (d.file && d.start !== undefined) {
      const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
      const rel = relative(process.cwd(), d.file.fileName);
      out.push(`${rel.startsWith('..') ? d.file.fileName : rel}:${line + 1}:${character + 1}: TS${d.code}: ${msg}`);
    } else out.push(`TS${d.code}: ${msg}`);
  }
  return out;
}
