import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** Runs `script` (ESM, importing the sources through tsx) in a child; its exit code and output. */
function run(script: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('a call whose custom fetch never settles and holds no I/O', () => {
  it('keeps the process alive until the attempt timeout ends it with a typed error', async () => {
    // Nothing else is pending in the child: before, the process ended at once (exit 13 under ESM,
    // 0 silently under CommonJS) with the call neither resolved nor rejected.
    const { code, stdout } = await run(`
      import { HttpHostRegistry, resilientFetch } from './src/index.ts';
      const never = () => new Promise(() => {});
      resilientFetch('https://api.example.com/v1/games', undefined, {
        fetch: never, hosts: new HttpHostRegistry(), attemptTimeoutMs: 50, maxAttempts: 1,
      }).then(
        () => console.log('resolved'),
        (err) => console.log('rejected ' + err.name + ' ' + err.code),
      );
    `);
    expect(stdout.trim()).toBe('rejected OperationTimeoutError OPERATION_TIMEOUT');
    expect(code).toBe(0);
  }, 30_000);

  it('between retries too: every attempt of the call holds it, up to the final error', async () => {
    const { stdout } = await run(`
      import { HttpHostRegistry, resilientFetch } from './src/index.ts';
      let calls = 0;
      const never = () => { calls++; return new Promise(() => {}); };
      resilientFetch('https://api.example.com/v1/games', undefined, {
        fetch: never, hosts: new HttpHostRegistry(), attemptTimeoutMs: 30, maxAttempts: 2, baseDelayMs: 1,
      }).then(
        () => console.log('resolved'),
        (err) => console.log(calls + ' ' + err.name),
      );
    `);
    expect(stdout.trim()).toBe('2 OperationTimeoutError');
  }, 30_000);
});
