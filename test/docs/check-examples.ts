/**
 * Typechecks the documentation: every ```ts block of README.md and every `@example` of the TSDoc in
 * src/. Each example is written to its own module under `.doc-examples/` (git-ignored), where
 * `gcp-pipeline-resilience` and `gcp-pipeline-resilience/testing` resolve to the package's source
 * through tsconfig `paths`, and one TypeScript program checks them all. A failure is reported at the
 * example's own file and line, so the fix is one click away.
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

/** The names each public entry point exports (values and types). */
function exportedNames(root: string, program: ts.Program): Map<string, Entry> {
  const checker = program.getTypeChecker();
  const names = new Map<string, Entry>();
  // The main entry wins when both export a name.
  for (const entry of Object.keys(ENTRIES).reverse() as Entry[]) {
    const file = program.getSourceFile(join(root, ENTRIES[entry]));
    const symbol = file && checker.getSymbolAtLocation(file);
    if (!symbol) throw new Error(`cannot read the exports of ${ENTRIES[entry]}`);
    for (const exported of checker.getExportsOfModule(symbol)) names.set(exported.name, entry);
  }
  return names;
}

/** Names an example declares or imports at its top level, and every identifier it uses. */
function namesOf(code: string): { declared: Set<string>; used: Set<string> } {
  const file = ts.createSourceFile('example.ts', code, ts.ScriptTarget.ES2022, true);
  const declared = new Set<string>();
  const bind = (name: ts.BindingName): void => {
    if (ts.isIdentifier(name)) declared.add(name.text);
    else for (const element of name.elements) if (!ts.isOmittedExpression(element)) bind(element.name);
  };
  for (const statement of file.statements) {
    if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) bind(declaration.name);
    } else if (
      (ts.isFunctionDeclaration(statement) ||
        ts.isClassDeclaration(statement) ||
        ts.isInterfaceDeclaration(statement) ||
        ts.isTypeAliasDeclaration(statement) ||
        ts.isEnumDeclaration(statement) ||
        ts.isModuleDeclaration(statement)) &&
      statement.name &&
      ts.isIdentifier(statement.name)
    ) {
      declared.add(statement.name.text);
    } else if (ts.isImportDeclaration(statement) && statement.importClause) {
      const clause = statement.importClause;
      if (clause.name) declared.add(clause.name.text);
      const bindings = clause.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) declared.add(bindings.name.text);
      if (bindings && ts.isNamedImports(bindings))
        for (const e of bindings.elements) declared.add(e.name.text);
    }
  }
  const used = new Set<string>();
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node)) used.add(node.text);
    ts.forEachChild(node, visit);
  };
  visit(file);
  return { declared, used };
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
 * The import line put in front of an example: the package's own names that the example uses but
 * neither declares nor imports itself. Examples leave these imports out, as the TSDoc of most
 * libraries does; a name the package does not export is never imported, so it fails the check.
 */
function preludeFor(code: string, exported: ReadonlyMap<string, Entry>): string {
  const { declared, used } = namesOf(code);
  const byEntry = new Map<Entry, string[]>();
  for (const name of [...used].sort()) {
    const entry = exported.get(name);
    if (!entry || declared.has(name)) continue;
    byEntry.set(entry, [...(byEntry.get(entry) ?? []), name]);
  }
  return [...byEntry].map(([entry, names]) => `import { ${names.join(', ')} } from '${entry}'; `).join('');
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
  const byFile = new Map<string, { example: DocExample; prelude: number }>();
  examples.forEach((example, index) => {
    const name = `${String(index).padStart(4, '0')}-${example.source.replace(/[^A-Za-z0-9]+/g, '_')}-${example.line}.ts`;
    const file = join(outDir, name);
    // The prelude shares the first line and `export {}` comes last, so the line numbers stay those of
    // the example; `export {}` also makes every example a module.
    const prelude = preludeFor(example.code, exported);
    writeFileSync(file, `${prelude}${example.code}\nexport {};\n`);
    byFile.set(resolve(file), { example, prelude: prelude.length });
  });
  const program = ts.createProgram([...byFile.keys()], options, undefined, entries);
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    const file = diagnostic.file ? resolve(diagnostic.file.fileName) : undefined;
    const found = file ? byFile.get(file) : undefined;
    if (!found || !diagnostic.file || diagnostic.start === undefined) {
      const where = diagnostic.file ? relative(root, diagnostic.file.fileName) : 'program';
      failures.push({ example: { source: where, line: 0, code: '' }, at: where, message });
      continue;
    }
    const { example, prelude } = found;
    const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
    const column = line === 0 ? Math.max(character - prelude, 0) + 1 : character + 1;
    failures.push({ example, at: `${example.source}:${example.line + line}:${column}`, message });
  }
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
