/**
 * The built package used from `node -e` and `node -p`, where Node defines a global `__filename` of
 * `'[eval]'` beside the ES module build: the parts that load zod, node:crypto or a peer on first use
 * must still find them. `npm test` builds first.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const built = (file: string) => fileURLToPath(new URL(`../../dist/${file}`, import.meta.url));

/** Parses a valid message (zod is loaded on first use) and prints the parsed record count. */
function parseScript(load: string): string {
  return `${load}.then((m) => {
    const parsed = m.parseMessage(m.Phase2CompletionMessage, {
      processor_name: 'nba_gamebook', game_date: '2026-11-28', record_count: 412,
    });
    console.log(JSON.stringify(parsed.record_count ?? parsed.recordCount));
  }).catch((e) => { console.log('failed: ' + e.message); process.exitCode = 1; })`;
}

function runEval(flag: '-e' | '-p', script: string): string {
  return execFileSync(process.execPath, [flag, script], { encoding: 'utf8', timeout: 60_000 }).trim();
}

describe('the built package under node -e', () => {
  it.each([
    ['the ES module build', built('node/index.js')],
    ["the bundlers' ES module build", built('index.js')],
  ])('%s parses a message with zod loaded on first use', (_name, path) => {
    const url = pathToFileURL(path).href;
    expect(runEval('-e', parseScript(`import(${JSON.stringify(url)})`))).toBe('412');
  });

  it('the CommonJS build parses a message under node -e', () => {
    const path = built('node/index.cjs');
    expect(runEval('-e', parseScript(`Promise.resolve(require(${JSON.stringify(path)}))`))).toBe('412');
  });
});
