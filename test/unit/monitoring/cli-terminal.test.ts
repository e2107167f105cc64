import { describe, expect, it } from 'vitest';
import { runCli } from '../../../src/index.js';

// C0 (line breaks aside) and C1 control characters and DEL: what a terminal acts on (ESC and CSI
// start control sequences).
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point.
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

async function gpr(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, {
    stdout: (line) => out.push(line),
    stderr: (line) => err.push(line),
    env: { GCP_PROJECT_ID: 'test-project' },
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('gpr hands the terminal no control sequence from its arguments', () => {
  it.each([
    ['an unknown option', ['dlq', 'status', '--\u001b[2Jx']],
    ['an unknown option before the command', ['--\u001b]0;owned\u0007', 'dlq', 'status']],
    ['a C1 CSI in a number', ['dlq', 'status', '--threshold', '\u009b31m']],
    ['DEL in a value', ['serve', '--port', '8\u007f0']],
  ])('%s: exit 2, the characters written as \\u escapes on stderr', async (_what, argv) => {
    const result = await gpr(argv);
    expect(result.code).toBe(2);
    expect(result.err).not.toMatch(CONTROL);
    expect(result.err).toMatch(/\\u00(1b|9b|7f)/);
  });
});
