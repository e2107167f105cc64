import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Each flush waits for the one before it through a chain of promises; a link that kept its value
// kept every earlier flush's result (and its error, with the cause) for the tracker's lifetime.
// Collection needs --expose-gc, so this runs in a process of its own.
describe('the flush chain of an UnresolvedPlayerTracker', () => {
  it('keeps no earlier flush result once the caller dropped it', async () => {
    const child = fileURLToPath(new URL('./flush-chain-gc-child.ts', import.meta.url));
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(
        process.execPath,
        ['--expose-gc', '--import', 'tsx', child],
        { timeout: 60_000 },
        (error, out, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(out)),
      );
    });
    expect(JSON.parse(stdout)).toEqual({ firstResultKept: false });
  }, 90_000);
});
