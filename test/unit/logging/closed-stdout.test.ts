import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cloudLoggingLogger } from '../../../src/logging/index.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/**
 * A process logging to stdout whose reader goes away (`node job.js | head -1`): the child logs a
 * line every few ms, the test reads the first one and closes the pipe. Node then emits EPIPE on
 * `process.stdout`; unhandled, that 'error' event ends the process.
 */
function runWithReaderGone(): Promise<{ code: number | null; stderr: string }> {
  const script = `
    import { cloudLoggingLogger } from './src/logging/index.ts';
    const logger = cloudLoggingLogger();
    let i = 0;
    const timer = setInterval(() => {
      logger.info('line ' + i++);
      if (i > 100) {
        clearInterval(timer);
        process.stderr.write('work finished\\n');
      }
    }, 2);
  `;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdout.once('data', () => child.stdout.destroy());
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('cloudLoggingLogger writing to a stdout whose reader is gone (EPIPE)', () => {
  it('drops the entries it cannot write; the process goes on with its work', async () => {
    const { code, stderr } = await runWithReaderGone();
    expect(stderr).not.toContain('EPIPE');
    expect(stderr).toContain('work finished');
    expect(code).toBe(0);
  });
});

describe('an error on stdout other than EPIPE', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('is left to Node as if the logger did not listen: with no other listener it is thrown', () => {
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    cloudLoggingLogger().info('starts watching stdout');
    const others = process.stdout.listeners('error').length - 1;
    expect(others).toBe(0);
    const failure = Object.assign(new Error('write EIO'), { code: 'EIO' });
    expect(() => process.stdout.emit('error', failure)).toThrow(failure);
    expect(process.stdout.listenerCount('error')).toBe(0);
  });
});
