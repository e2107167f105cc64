/**
 * The built declarations import an optional peer only on a line marked `// @ts-ignore`, so that a
 * project without that peer compiles them with `skipLibCheck: false` (scripts/optional-peer-types.mjs,
 * run by `npm run build`). `npm test` builds first; `npm run check:package` typechecks the tarball in
 * fresh projects with and without the peers.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs build script, without declarations.
import { MARK, markOptionalPeerImports } from '../../scripts/optional-peer-types.mjs';

const mark = MARK as string;
const markImports = markOptionalPeerImports as (dir: string, peers?: string[]) => string[];
const dist = fileURLToPath(new URL('../../dist/node/', import.meta.url));
const PEER_IMPORT = /^(?:import|export)\b[^;]*?\bfrom ['"](@google-cloud\/[^'"]+|@grpc\/[^'"]+)['"]/;

describe('the built declarations', () => {
  it('mark every import of an optional peer, and the testing declarations have such imports', () => {
    if (!existsSync(join(dist, 'testing.d.ts')))
      throw new Error(`${dist}testing.d.ts is missing: build the package first (npm run build)`);
    const unmarked: string[] = [];
    let peerImports = 0;
    for (const file of readdirSync(dist).filter((f) => /\.d\.c?ts$/.test(f))) {
      const lines = readFileSync(join(dist, file), 'utf8').split('\n');
      lines.forEach((line, index) => {
        if (!PEER_IMPORT.test(line)) return;
        peerImports++;
        if (lines[index - 1] !== mark) unmarked.push(`${file}:${index + 1}: ${line}`);
      });
    }
    expect(unmarked).toEqual([]);
    expect(peerImports).toBeGreaterThanOrEqual(12);
  });
});

describe('markOptionalPeerImports', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('marks peer imports once, leaves other imports and comments alone', () => {
    dir = mkdtempSync(join(tmpdir(), 'gpr-peer-types-'));
    const text = [
      "import { a } from './chunk.js';",
      "import { Logging } from '@google-cloud/logging';",
      " * import { PubSub } from '@google-cloud/pubsub';",
      "export { v1 } from '@google-cloud/bigquery-storage/build/src';",
      'export declare const x: Logging;',
    ].join('\n');
    writeFileSync(join(dir, 'a.d.ts'), text);
    const peers = ['@google-cloud/logging', '@google-cloud/pubsub', '@google-cloud/bigquery-storage'];
    expect(markImports(dir, peers)).toEqual([
      'a.d.ts: @google-cloud/logging',
      'a.d.ts: @google-cloud/bigquery-storage/build/src',
    ]);
    markImports(dir, peers);
    expect(readFileSync(join(dir, 'a.d.ts'), 'utf8').split('\n')).toEqual([
      "import { a } from './chunk.js';",
      mark,
      "import { Logging } from '@google-cloud/logging';",
      " * import { PubSub } from '@google-cloud/pubsub';",
      mark,
      "export { v1 } from '@google-cloud/bigquery-storage/build/src';",
      'export declare const x: Logging;',
    ]);
  });

  it('refuses a peer reference it cannot mark, naming file and line', () => {
    dir = mkdtempSync(join(tmpdir(), 'gpr-peer-types-'));
    writeFileSync(
      join(dir, 'b.d.cts'),
      "import {\n  Storage,\n} from '@google-cloud/storage';\nexport declare const s: import('@google-cloud/storage').Storage;\n",
    );
    expect(() => markImports(dir as string, ['@google-cloud/storage'])).toThrow(
      /b\.d\.cts:3: \} from '@google-cloud\/storage';[\s\S]*b\.d\.cts:4: /,
    );
  });
});
