import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Gcp, startGcp } from './helpers.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
// Only a guard against a hung child: with nothing in flight the drain ends at once.
const HANG_GUARD_MS = 60_000;

let gcp: Gcp;
beforeAll(async () => {
  gcp = await startGcp('serve-exit');
});
afterAll(async () => {
  await gcp.close();
});

/**
 * `gpr serve` (src/cli.ts, the binary's code, run by node itself so that no wrapper process stands
 * between the signal and the test) as its own process against the stand-ins; `signal` sent once it listens. */
function serveUntil(
  signal: NodeJS.Signals,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli.ts', 'serve', '--port', '0', '--sport', 'mlb'],
      {
        cwd: root,
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          GCP_PROJECT_ID: gcp.projectId,
          PUBSUB_EMULATOR_HOST: gcp.pubsub.endpoint,
          GPR_MONITORING_EMULATOR_HOST: gcp.monitoring.endpoint,
          GPR_LOGGING_EMULATOR_HOST: gcp.logging.endpoint,
          METADATA_SERVER_DETECTION: 'none',
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let err = '';
    let sent = false;
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString('utf8');
      if (!sent && /listening on :\d+/.test(err)) {
        sent = true;
        child.kill(signal);
      }
    });
    child.once('error', reject);
    child.once('close', (code, by) => resolve({ code, signal: by, err }));
  });
}

describe('gpr serve ends the way the shutdown coordinator ends a process', () => {
  it(
    'after draining on SIGTERM it ends by SIGTERM (shell status 143), not with exit 0',
    async () => {
      const ended = await serveUntil('SIGTERM');
      expect(ended.err).toMatch(/draining 0 request/);
      expect({ code: ended.code, signal: ended.signal }).toEqual({ code: null, signal: 'SIGTERM' });
    },
    HANG_GUARD_MS,
  );

  it(
    'after draining on SIGINT it ends by SIGINT (shell status 130)',
    async () => {
      const ended = await serveUntil('SIGINT');
      expect(ended.err).toMatch(/draining 0 request/);
      expect({ code: ended.code, signal: ended.signal }).toEqual({ code: null, signal: 'SIGINT' });
    },
    HANG_GUARD_MS,
  );
});
