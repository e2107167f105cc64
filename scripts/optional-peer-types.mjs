#!/usr/bin/env node
/**
 * Part of `npm run build`, after tsup: marks every import of an optional peer dependency in the built
 * declarations (`dist/node/*.d.ts`, `*.d.cts`) with `// @ts-ignore`, so that a project which has not
 * installed that peer still compiles with `skipLibCheck: false`. Only the `./testing` declarations
 * import peers (its stand-ins hand out real clients: `bigquery.client(): BigQuery`); the main entry
 * must import none, which `check-consumer-types.mjs` checks. Where the peer is installed the import
 * resolves and every type is exact; where it is not, TypeScript reports TS2307 on the import line,
 * the comment silences it, and the names that import brings in are `any` (only the stand-in of that
 * peer uses them, and it cannot run without the peer anyway). The comment has to be added here:
 * tsup's declaration bundler rewrites the imports and drops comments on them. See
 * docs/decisions/types-without-peers.md.
 *
 * Fails, naming file and line, when a peer is referenced in a form this does not mark (an import that
 * spans lines, an inline `import('peer')` type), since such a reference would fail in those projects.
 *
 * `node scripts/optional-peer-types.mjs [dir]`: `dir` defaults to `dist/node`. Idempotent.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const MARK = '// @ts-ignore optional peer: a project without it gets `any` for these names';

/** Marks the peer imports of every declaration file in `dir`; returns the marked `file: package` lines. */
export function markOptionalPeerImports(dir, peers = optionalPeers()) {
  const isPeer = (specifier) => peers.some((peer) => specifier === peer || specifier.startsWith(`${peer}/`));
  const marked = [];
  const unmarkable = [];
  for (const name of readdirSync(dir)) {
    if (!/\.d\.[cm]?ts$/.test(name)) continue;
    const file = join(dir, name);
    const lines = readFileSync(file, 'utf8').split('\n');
    const out = [];
    lines.forEach((line, index) => {
      const single = /^(?:import|export)\b[^;]*?\bfrom ['"]([^'"]+)['"];?\s*$/.exec(line);
      if (single && isPeer(single[1])) {
        if (out.at(-1) !== MARK) out.push(MARK);
        marked.push(`${name}: ${single[1]}`);
      } else if (!/^\s*(?:\*|\/\*|\/\/)/.test(line)) {
        // TSDoc examples may import a peer: comments are not compiled.
        for (const match of line.matchAll(/(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"]([^'"]+)['"]/g)) {
          if (isPeer(match[1])) unmarkable.push(`  ${name}:${index + 1}: ${line.trim()}`);
        }
      }
      out.push(line);
    });
    writeFileSync(file, out.join('\n'));
  }
  if (unmarkable.length > 0) {
    throw new Error(
      `optional-peer-types: these references to optional peers are not single-line imports, so they cannot be marked and would fail (TS2307) in a project without the peer:\n${unmarkable.join('\n')}`,
    );
  }
  return marked;
}

/** The optional peer dependencies named in package.json. */
function optionalPeers() {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  return Object.entries(manifest.peerDependenciesMeta ?? {})
    .filter(([, meta]) => meta.optional)
    .map(([name]) => name);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = resolve(process.argv[2] ?? join(root, 'dist', 'node'));
  try {
    const marked = markOptionalPeerImports(dir);
    console.log(`optional-peer-types: ${marked.length} peer imports marked in ${dir}`);
  } catch (error) {
    console.error(error.message);
    process.exitCode = 1;
  }
}
