import { resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');

/**
 * The exports of `entry` whose declarations carry no TSDoc with an `@example` (the convention for
 * every public symbol). A comment separated from its declaration by another one (a helper inserted
 * in between) belongs to that other declaration: the export then shows no documentation in an editor
 * or in the published `.d.ts`.
 */
function undocumentedExports(program: ts.Program, entry: string): string[] {
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(resolve(root, entry));
  if (source === undefined) throw new Error(`${entry} is not in the program`);
  const module = checker.getSymbolAtLocation(source);
  if (module === undefined) throw new Error(`${entry} has no module symbol`);
  const missing: string[] = [];
  for (const exported of checker.getExportsOfModule(module)) {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const documented = (symbol.declarations ?? []).some((declaration) => {
      const statement = declaration.parent?.parent;
      const docs = [
        ...ts.getJSDocCommentsAndTags(declaration),
        ...(statement !== undefined && ts.isVariableStatement(statement)
          ? ts.getJSDocCommentsAndTags(statement)
          : []),
      ];
      return docs.some(
        (doc) => ts.isJSDoc(doc) && (doc.tags ?? []).some((tag) => tag.tagName.text === 'example'),
      );
    });
    if (!documented) missing.push(exported.name);
  }
  return missing;
}

describe('public TSDoc', () => {
  // One program for both entries: building it reads the whole of src/.
  const program = ts.createProgram([resolve(root, 'src/index.ts'), resolve(root, 'src/testing/index.ts')], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    noEmit: true,
  });

  it.each(['src/index.ts', 'src/testing/index.ts'])(
    'every export of %s has a TSDoc comment of its own, with an @example',
    (entry) => {
      expect(undocumentedExports(program, entry)).toEqual([]);
    },
  );
});
