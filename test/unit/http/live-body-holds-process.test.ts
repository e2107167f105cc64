import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** Runs `script` (ESM, importing the sources through tsx) in a child; its exit code and output. */
function run(script: string): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout }));
  });
}

/** A custom fetch whose body never gives a chunk and holds no I/O, on a host with a concurrency limit. */
const PRELUDE = `
  import { HttpHostRegistry, resilientFetch } from './src/index.ts';
  const stalled = async () => new Response(new ReadableStream({ pull: () => new Promise(() => {}) }));
  const response = await resilientFetch('https://api.example.com/v1/feed', undefined, {
    fetch: stalled, hosts: new HttpHostRegistry({ maxConcurrent: 1 }), bufferBody: false,
    bodyIdleTimeoutMs: BODY_IDLE_MS,
  });
  console.log('headers');
`;

describe('a streamed body holding a slot, from a custom fetch that holds no I/O', () => {
  it('a pending read keeps the process alive until the idle timeout ends it with a typed error', async () => {
    // Before: the process exited under the pending read (exit 13, the top-level await unsettled);
    // the idle timer that would have ended the read was unref'd.
    const { code, stdout } = await run(`${PRELUDE.replace('BODY_IDLE_MS', '50')}
      await response.text().then(
        () => console.log('read'),
        (err) => console.log('rejected ' + err.name),
      );
    `);
    expect(stdout.trim().split('\n')).toEqual(['headers', 'rejected OperationTimeoutError']);
    expect(code).toBe(0);
  }, 30_000);

  it('a body nobody reads does not hold the process (it exits long before the idle timeout)', async () => {
    const { code, stdout } = await run(PRELUDE.replace('BODY_IDLE_MS', '600000'));
    expect(stdout.trim()).toBe('headers');
    expect(code).toBe(0);
  }, 30_000);
});
