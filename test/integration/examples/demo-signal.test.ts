import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DemoInterrupted, runDemoPipeline } from '../../../examples/demo-pipeline.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * The command `npm run demo` runs, from package.json (one home for it), as arguments to this Node.
 * It must be Node itself: the `tsx` command runs the script in a child process and, on a signal,
 * kills that child outright unless the child confirms within 30 ms, which a busy demo on a loaded
 * machine does not (it then exited 143 without cleaning up or saying anything).
 */
function demoCommand(): string[] {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: { demo: string } };
  const [program, ...args] = pkg.scripts.demo.split(' ');
  expect(program).toBe('node');
  return args;
}

describe('stopping the demo', () => {
  it('a signal stops the run after the step in progress and says what it had done', async () => {
    const stop = new AbortController();
    const error = await runDemoPipeline({
      signal: stop.signal,
      // Stopped as soon as the topics exist: nothing is published.
      log: (line) => {
        if (line.includes('setup      topics')) stop.abort();
      },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DemoInterrupted);
    expect((error as DemoInterrupted).done).toEqual([
      'setup: 4 tables, 73 rows loaded',
      'setup: 2 topics, 3 subscriptions',
    ]);
  }, 120_000);

  it('SIGTERM during `npm run demo` cleans up, lists what was done on stderr and exits 143', async () => {
    const child = spawn(process.execPath, demoCommand(), { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let signalled = false;
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      // Sent once the run is publishing: mid-flight, not before it started.
      if (!signalled && stdout.includes('publish    #1')) {
        signalled = true;
        child.kill('SIGTERM');
      }
    });
    // 'close', not 'exit': the streams have then delivered everything the demo wrote.
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(signalled).toBe(true);
    expect(code).toBe(143);
    expect(stderr).toContain('SIGTERM: stopping after the step in progress');
    expect(stderr).toContain('demo stopped by SIGTERM before it finished; stand-ins closed. Done:');
    expect(stderr).toMatch(/ {2}- setup: 2 topics, 3 subscriptions\n {2}- published \d+ of 11 messages/);
    expect(stdout).not.toContain('summary:');
  }, 120_000);
});
