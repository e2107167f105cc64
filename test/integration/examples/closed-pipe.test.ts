import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * Runs an example with its stdout closed by the reader before it prints (as `npm run demo | head -1`
 * does once it has its line), and collects stderr.
 */
function runWithClosedStdout(
  script: string,
  args: string[] = [],
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stderr }));
  });
}

describe('the examples writing to a closed pipe', () => {
  it.each([
    ['examples/demo.ts', ['--seed', '1']],
    ['examples/scrapers.ts', []],
  ])(
    '%s runs to its end and exits with its own status, not an EPIPE crash',
    async (script, args) => {
      const { code, signal, stderr } = await runWithClosedStdout(script, args);
      expect(stderr).not.toContain('EPIPE');
      expect(stderr).not.toContain('Unhandled');
      expect({ code, signal }).toEqual({ code: 0, signal: null });
    },
    120_000,
  );
});
