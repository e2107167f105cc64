/**
 * Typechecks the documentation: every ```ts block of README.md and every `@example` of the TSDoc in
 * src/. Each example is written to its own module under `.doc-examples/` (git-ignored), where
 * `gcp-pipeline-resilience` and `gcp-pipeline-resilience/testing` resolve to the package's source
 * through tsconfig `paths`, and one TypeScript program checks them all. A failure is reported at the
 * example's own file and line, so the fix is one click away.
 *
 * An example is a program a reader can paste as it is: nothing is added in front of it, so it imports
 * every name it uses, the package's own included. One that uses an exported name without importing it
 * fails with the names and the import line to add.
 *
 * A block that is deliberately not a TypeScript program is marked: a README fence ```ts nocheck, or an
 * example whose first line is `// @noTypecheck`. Every example is a module (so top-level `await` works,
 * as it does in an ES module a reader pastes it into).
 *
 * Run: `npm run check:examples` (part of `npm test`).
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export interface DocExample {
  /** Repository-relative path of the file the example is written in. */
  readonly source: string;
  /** 1-based line in `source` of the example's first code line. */
  readonly line: number;
  readonly code: string;
}

const NO_TYPECHECK = /^\s*\/\/\s*@noTypecheck\b/;

/** The ```ts blocks of a Markdown file (```ts nocheck blocks left out). */
export function markdownExamples(source: string, text: string): DocExample[] {
  const lines = text.split('\n');
  const examples: DocExample[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^\s*```(ts|typescript)(\s+.*)?$/.exec(lines[i] ?? '');
    if (!open) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && !/^\s*```\s*$/.test(lines[end] ?? '')) end++;
    const nocheck = /\bnocheck\b/.test(open[2] ?? '');
    const code = lines.slice(start, end).join('\n');
    if (!nocheck && !NO_TYPECHECK.test(code)) examples.push({ source, line: start + 1, code });
    i = end;
  }
  return examples;
}

/** The `@example` sections of the TSDoc comments of a TypeScript file. */
export function tsdocExamples(source: string, text: string): DocExample[] {
  const examples: DocExample[] = [];
  const comment = /\/\*\*[\s\S]*?\*\//g;
  for (let match = comment.exec(text); match; match = comment.exec(text)) {
    const firstLine = text.slice(0, match.index).split('\n').length;
    const lines = match[0].split('\n').map((l) => l.replace(/^\s*\/?\*+\/?\s?/, '').replace(/\s*\*\/$/, ''));
    for (let i = 0; i < lines.length; i++) {
      if (!/^@example\b/.test(lines[i] ?? '')) continue;
      let end = i + 1;
      let inFence = false;
      while (end < lines.length) {
        const line = lines[end] ?? '';
        if (/^```/.test(line)) inFence = !inFence;
        else if (!inFence && /^@\w+/.test(line)) break;
        end++;
      }
      const body = lines.slice(i + 1, end);
      const fenceStart = body.findIndex((l) => /^```/.test(l));
      let codeLines: string[];
      let offset: number;
      if (fenceStart >= 0) {
        const fenceEnd = body.findIndex((l, k) => k > fenceStart && /^```/.test(l));
        codeLines = body.slice(fenceStart + 1, fenceEnd < 0 ? undefined : fenceEnd);
        offset = i + 1 + fenceStart + 1;
      } else {
        codeLines = body;
        offset = i + 1;
      }
      while (codeLines.length > 0 && (codeLines.at(-1) ?? '').trim() === '')
        codeLines = codeLines.slice(0, -1);
      const code = codeLines.join('\n');
      if (code.trim() !== '' && !NO_TYPECHECK.test(code)) {
        examples.push({ source, line: firstLine + offset, code });
      }
      i = end - 1;
    }
  }
  return examples;
}

export interface DocLink {
  /** Repository-relative path of the file the link is written in. */
  readonly source: string;
  /** 1-based line of the link. */
  readonly line: number;
  /** The name the link points to: the first identifier of `{@link Name.member | text}`. */
  readonly target: string;
}

/** The `{@link …}` (and `{@linkcode …}`, `{@linkplain …}`) targets of the TSDoc comments of a file. */
export function tsdocLinks(source: string, text: string): DocLink[] {
  const links: DocLink[] = [];
  const comment = /\/\*\*[\s\S]*?\*\//g;
  for (let match = comment.exec(text); match; match = comment.exec(text)) {
    const link = /\{@link(?:code|plain)?\s+([A-Za-z_$][\w$]*)/g;
    for (let found = link.exec(match[0]); found; found = link.exec(match[0])) {
      const line = text.slice(0, match.index + found.index).split('\n').length;
      links.push({ source, line, target: found[1] ?? '' });
    }
  }
  return links;
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return walk(path);
    return entry.isFile() && path.endsWith('.ts') && !path.endsWith('.d.ts') ? [path] : [];
  });
}

/** All `{@link …}` of the TSDoc in `src/` of the repository at `root`. */
export function collectLinks(root: string): DocLink[] {
  return walk(join(root, 'src'))
    .sort()
    .flatMap((file) => tsdocLinks(relative(root, file), readFileSync(file, 'utf8')));
}

/** All documentation examples of the repository at `root`. */
export function collectExamples(root: string): DocExample[] {
  const examples = markdownExamples('README.md', readFileSync(join(root, 'README.md'), 'utf8'));
  for (const file of walk(join(root, 'src')).sort()) {
    examples.push(...tsdocExamples(relative(root, file), readFileSync(file, 'utf8')));
  }
  return examples;
}

export interface ExampleFailure {
  readonly example: DocExample;
  /** `source:line:column` of the error in the documented file. */
  readonly at: string;
  readonly message: string;
}

const ENTRIES = {
  'gcp-pipeline-resilience': 'src/index.ts',
  'gcp-pipeline-resilience/testing': 'src/testing/index.ts',
} as const;
type Entry = keyof typeof ENTRIES;

/** Where a public name comes from, and whether it is only a type (imported as `type Name`). */
interface Export {
  readonly entry: Entry;
  readonly typeOnly: boolean;
}

/** The names each public entry point exports (values and types). */
function exportedNames(root: string, program: ts.Program): Map<string, Export> {
  const checker = program.getTypeChecker();
  const names = new Map<string, Export>();
  // The main entry wins when both export a name.
  for (const entry of Object.keys(ENTRIES).reverse() as Entry[]) {
    const file = program.getSourceFile(join(root, ENTRIES[entry]));
    const symbol = file && checker.getSymbolAtLocation(file);
    if (!symbol) throw new Error(`cannot read the exports of ${ENTRIES[entry]}`);
    for (const exported of checker.getExportsOfModule(symbol)) {
      const target = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      names.set(exported.name, { entry, typeOnly: (target.flags & ts.SymbolFlags.Value) === 0 });
    }
  }
  return names;
}

/**
 * Whether an example only restates a type: besides imports and `declare`s, nothing but typed
 * declarations (`const mode: JitterMode = 'full'`) whose names nothing else uses. Such an example
 * shows nothing the signature does not; an example shows the symbol in use.
 */
export function restatesOnly(code: string): boolean {
  const file = ts.createSourceFile('example.ts', code, ts.ScriptTarget.ES2022, true);
  const declared = new Set<ts.Identifier>();
  for (const statement of file.statements) {
    if (ts.isImportDeclaration(statement)) continue;
    if (
      ts.canHaveModifiers(statement) &&
      ts.getModifiers(statement)?.some((m) => m.kind === ts.SyntaxKind.DeclareKeyword)
    )
      continue;
    if (ts.isTypeAliasDeclaration(statement) || ts.isInterfaceDeclaration(statement)) continue;
    if (!ts.isVariableStatement(statement)) return false;
    for (const declaration of statement.declarationList.declarations) {
      if (!declaration.type || !ts.isIdentifier(declaration.name)) return false;
      declared.add(declaration.name);
    }
  }
  if (declared.size === 0) return false;
  const names = new Set([...declared].map((id) => id.text));
  let used = false;
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node) && names.has(node.text) && !declared.has(node)) used = true;
    if (!used) ts.forEachChild(node, visit);
  };
  visit(file);
  return !used;
}

/**
 * TypeScript's codes for a name that is not in scope: "Cannot find name 'x'" (and its "did you mean"
 * variants), "Cannot find namespace 'x'" and "No value exists in scope for the shorthand property 'x'".
 */
const NOT_IN_SCOPE = new Set([2304, 2503, 2552, 2662, 2663, 2833, 18004]);

/** Sorted as Biome sorts import specifiers: by name, case aside, a `type` modifier aside. */
function byName(a: string, b: string): number {
  const [x, y] = [a.replace(/^type /, ''), b.replace(/^type /, '')];
  const [lx, ly] = [x.toLowerCase(), y.toLowerCase()];
  if (lx !== ly) return lx < ly ? -1 : 1;
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * The import lines that bring `names` in, one per entry point: `import type` when all of an entry's
 * names are types, else a `type` modifier on each type, so the line also compiles under
 * `verbatimModuleSyntax`.
 */
function importLines(names: Iterable<string>, exported: ReadonlyMap<string, Export>): string[] {
  const byEntry = new Map<Entry, string[]>();
  for (const name of names) {
    const found = exported.get(name);
    if (found) byEntry.set(found.entry, [...(byEntry.get(found.entry) ?? []), name]);
  }
  // The main entry's line first, as the examples write them.
  const entries = (Object.keys(ENTRIES) as Entry[]).filter((entry) => byEntry.has(entry));
  return entries.map((entry) => {
    const list = byEntry.get(entry) ?? [];
    const allTypes = list.every((name) => exported.get(name)?.typeOnly);
    const specifiers = list.map((name) =>
      !allTypes && exported.get(name)?.typeOnly ? `type ${name}` : name,
    );
    return `import ${allTypes ? 'type ' : ''}{ ${specifiers.sort(byName).join(', ')} } from '${entry}';`;
  });
}

/**
 * The failure of an example that uses the package's exported names without importing them: it names
 * them and gives the import lines to add, since a reader who pastes the example gets "Cannot find name"
 * for each of them.
 */
function missingImportFailure(
  example: DocExample,
  missing: ReadonlySet<string>,
  exported: ReadonlyMap<string, Export>,
): ExampleFailure {
  const names = [...missing].sort(byName);
  return {
    example,
    at: `${example.source}:${example.line}`,
    message: `the example uses ${names.join(', ')} without importing ${names.length === 1 ? 'it' : 'them'}: add ${importLines(names, exported).join(' ')}`,
  };
}

/**
 * The package's exported names that an example uses where they resolve to a global of the same name
 * (lib.dom's `Credential`): without the import the example compiles against the wrong declaration,
 * so TypeScript never says "Cannot find name".
 */
function globalsUsedForExports(
  program: ts.Program,
  bare: string,
  byFile: ReadonlyMap<string, DocExample>,
  exported: ReadonlyMap<string, Export>,
): Array<[DocExample, string]> {
  const checker = program.getTypeChecker();
  const bareFile = program.getSourceFile(bare);
  if (!bareFile) throw new Error(`cannot read ${bare}`);
  const flags = ts.SymbolFlags.Value | ts.SymbolFlags.Type | ts.SymbolFlags.Namespace;
  const globals = new Map(
    checker
      .getSymbolsInScope(bareFile, flags)
      .filter((symbol) => exported.has(symbol.name))
      .map((symbol) => [symbol.name, symbol]),
  );
  const found: Array<[DocExample, string]> = [];
  if (globals.size === 0) return found;
  for (const [file, example] of byFile) {
    const visit = (node: ts.Node): void => {
      const global = ts.isIdentifier(node) ? globals.get(node.text) : undefined;
      if (global && checker.getSymbolAtLocation(node) === global) {
        found.push([example, global.name]);
      }
      ts.forEachChild(node, visit);
    };
    const source = program.getSourceFile(file);
    if (source) visit(source);
  }
  return found;
}

/** Writes each example to `outDir` and typechecks them together in one program. */
export function checkExamples(
  root: string,
  examples: readonly DocExample[],
  outDir: string,
  links: readonly DocLink[] = [],
): ExampleFailure[] {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noUncheckedIndexedAccess: true,
    esModuleInterop: true,
    skipLibCheck: true,
    isolatedModules: true,
    verbatimModuleSyntax: true,
    resolveJsonModule: true,
    types: ['node'],
    noEmit: true,
    baseUrl: root,
    paths: Object.fromEntries(Object.entries(ENTRIES).map(([entry, file]) => [entry, [file]])),
  };
  const entries = ts.createProgram(
    Object.values(ENTRIES).map((file) => join(root, file)),
    options,
  );
  const exported = exportedNames(root, entries);
  // A link is followed by a reader of the published docs, so it must name what the package exports.
  const failures: ExampleFailure[] = links
    .filter((link) => !exported.has(link.target))
    .map((link) => ({
      example: { source: link.source, line: link.line, code: '' },
      at: `${link.source}:${link.line}`,
      message: `{@link ${link.target}} points to a name neither entry point exports`,
    }));
  for (const example of examples.filter((e) => restatesOnly(e.code))) {
    failures.push({
      example,
      at: `${example.source}:${example.line}`,
      message:
        'the example only restates a type: show the symbol in use (passed to, or returned by, the API)',
    });
  }
  const byFile = new Map<string, DocExample>();
  examples.forEach((example, index) => {
    const name = `${String(index).padStart(4, '0')}-${example.source.replace(/[^A-Za-z0-9]+/g, '_')}-${example.line}.ts`;
    const file = join(outDir, name);
    // `export {}` comes last, so the line numbers stay those of the example; it also makes every
    // example a module.
    writeFileSync(file, `${example.code}\nexport {};\n`);
    byFile.set(resolve(file), example);
  });
  // An empty module: what is in scope there is what a pasted example sees without importing anything.
  const bare = join(outDir, 'bare.ts');
  writeFileSync(bare, 'export {};\n');
  const program = ts.createProgram([...byFile.keys(), bare], options, undefined, entries);
  // Per example, the exported names it uses without importing them.
  const missing = new Map<DocExample, Set<string>>();
  const addMissing = (example: DocExample, name: string): void => {
    missing.set(example, (missing.get(example) ?? new Set<string>()).add(name));
  };
  for (const [example, name] of globalsUsedForExports(program, bare, byFile, exported))
    addMissing(example, name);
  const typeErrors: ExampleFailure[] = [];
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    const file = diagnostic.file ? resolve(diagnostic.file.fileName) : undefined;
    const example = file ? byFile.get(file) : undefined;
    if (!example || !diagnostic.file || diagnostic.start === undefined) {
      const where = diagnostic.file ? relative(root, diagnostic.file.fileName) : 'program';
      typeErrors.push({ example: { source: where, line: 0, code: '' }, at: where, message });
      continue;
    }
    const name = diagnostic.file.text.slice(diagnostic.start, diagnostic.start + (diagnostic.length ?? 0));
    if (NOT_IN_SCOPE.has(diagnostic.code) && exported.has(name)) {
      addMissing(example, name);
      continue;
    }
    const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
    typeErrors.push({ example, at: `${example.source}:${example.line + line}:${character + 1}`, message });
  }
  // Missing imports first: some type errors follow from them (a parameter typed by a name not in
  // scope is `any`).
  for (const [example, names] of missing) failures.push(missingImportFailure(example, names, exported));
  failures.push(...typeErrors);
  return failures;
}

function main(): void {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
  const examples = collectExamples(root);
  const links = collectLinks(root);
  const failures = checkExamples(root, examples, join(root, '.doc-examples'), links);
  for (const failure of failures) console.error(`${failure.at}: ${failure.message}`);
  const failed = new Set(failures.map((f) => f.example)).size;
  console.log(
    `doc examples: ${examples.length} checked, {@link}s: ${links.length} checked; ${failed} failing (${failures.length} errors)`,
  );
  if (failures.length > 0) process.exitCode = 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
