import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const tsx = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url));

/**
 * Runs `gpr` with the given stream's pipe closed by the reader before `gpr` writes to it (as
 * `gpr ... | head -1` or `| grep -q` do), and collects the other stream.
 */
function runWithClosedPipe(
  args: string[],
  closed: 'stdout' | 'stderr',
): Promise<{ code: number | null; signal: NodeJS.Signals | null; other: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(tsx, ['src/cli.ts', ...args], {
      cwd: root,
      env: { ...process.env, GCP_PROJECT_ID: 'closed-pipe-proj' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Closed at once: the child needs far longer to start than this takes.
    child[closed].destroy();
    let other = '';
    child[closed === 'stdout' ? 'stderr' : 'stdout'].on('data', (chunk: Buffer) => {
      other += chunk.toString('utf8');
    });
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, other }));
  });
}

describe('gpr writing to a closed pipe', () => {
  it('--help into a closed stdout exits 0, with no crash on stderr', async () => {
    const { code, signal, other } = await runWithClosedPipe(['--help'], 'stdout');
    expect(other).not.toContain('EPIPE');
    expect(other).not.toContain('Unhandled');
    expect({ code, signal }).toEqual({ code: 0, signal: null });
  });

  it('a usage error into a closed stderr is still exit 2 (not 1, which reads as "found")', async () => {
    const { code, signal, other } = await runWithClosedPipe(['no-such-command'], 'stderr');
    expect(other).toBe('');
    expect({ code, signal }).toEqual({ code: 2, signal: null });
  });
});
