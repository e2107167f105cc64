import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliIo, runCli } from '../../../src/index.js';
import { type Gcp, post, startGcp } from './helpers.js';

const PROJECT = 'serve-test';
let gcp: Gcp;

beforeAll(async () => {
  gcp = await startGcp(PROJECT);
});

afterAll(async () => {
  await gcp.close();
});

/** `gpr serve --port 0` in this process, the port it took, and how to stop it (as SIGTERM does). */
async function startServe() {
  let announce: (line: string) => void = () => undefined;
  const listening = new Promise<string>((resolve) => {
    announce = resolve;
  });
  const io: CliIo = {
    stdout: () => undefined,
    stderr: (line) => {
      if (line.includes('listening')) announce(line);
    },
    env: { GCP_PROJECT_ID: PROJECT },
    clients: gcp.clients,
  };
  const exit = runCli(['serve', '--port', '0', '--sport', 'mlb'], io);
  const line = await Promise.race([listening, exit.then((code) => `exited ${code}`)]);
  const port = Number(/:(\d+)/.exec(line)?.[1]);
  return {
    port,
    line,
    stop: async () => {
      process.emit('SIGTERM', 'SIGTERM');
      return exit;
    },
  };
}

describe('gpr serve', () => {
  it('says the port it really listens on when given port 0', async () => {
    const server = await startServe();
    expect(server.line).toMatch(/listening on :\d+/);
    expect(server.port).toBeGreaterThan(0);
    // 128 + SIGTERM: what a shell reports for a process the signal ended (the binary re-raises it).
    expect(await server.stop()).toBe(143);
  });

  it('reads the flags of a JSON body sent without a JSON content type (Cloud Scheduler sends application/octet-stream)', async () => {
    const server = await startServe();
    try {
      const answer = await post(server.port, '/check?include_logging=0', '{"dry_run": true}', {
        'content-type': 'application/octet-stream',
      });
      expect(answer.status).toBe(200);
      expect(answer.json).toMatchObject({ dryRun: true });
      const form = await post(server.port, '/check', 'dry_run=1', {
        'content-type': 'application/x-www-form-urlencoded',
      });
      expect(form).toMatchObject({ status: 400, json: { error: { code: 'BAD_REQUEST', field: 'body' } } });
      const huge = await post(server.port, '/check', Buffer.alloc(100_000, 0x20), {
        'content-type': 'application/json',
      });
      expect(huge).toMatchObject({ status: 413, json: { error: { field: 'body' } } });
    } finally {
      await server.stop();
    }
  });
});
