import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AlertChannel,
  createAlertManager,
  createMonitor,
  memoryRateLimitStore,
  silentLogger,
} from '../../../src/index.js';
import { createPipeline, deadLetter, type Gcp, post, startGcp, watch } from './helpers.js';

// Only a guard against a hung child: with the drain bounded it ends long before.
const HANG_GUARD_MS = 60_000;

/** Resolves with the first stderr line of `child` that matches `pattern`. */
function lineOf(child: ChildProcess, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (chunk: Buffer) => {
      text += chunk.toString('utf8');
      const line = text.split('\n').find((l) => pattern.test(l));
      if (line !== undefined) {
        child.stderr?.off('data', onData);
        resolve(line);
      }
    };
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`child exited (${code}) before ${pattern}:\n${text}`)));
  });
}

describe('gpr serve on SIGTERM, in its own process', () => {
  it(
    'stops accepting at once, answers a run still checking 503 SHUTTING_DOWN within its drain, and resolves 143 (SIGTERM)',
    async () => {
      const script = fileURLToPath(new URL('./serve-drain-child.ts', import.meta.url));
      const child = spawn(process.execPath, ['--import', 'tsx', script, '400'], {
        env: { PATH: process.env.PATH, HOME: process.env.HOME, METADATA_SERVER_DETECTION: 'none' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      try {
        const listening = await lineOf(child, /listening on :\d+/);
        const port = Number(/:(\d+)/.exec(listening)?.[1]);
        const called = lineOf(child, /monitoring: called/);
        const inFlight = post(port, '/check');
        // Awaited below; a failure before that must not leave its rejection unhandled.
        inFlight.catch(() => undefined);
        await called;
        const draining = lineOf(child, /draining 1 request/);
        child.kill('SIGTERM');
        await draining;
        // No new connection is served once the drain has begun: refused, or reset when it had reached
        // the listening socket's backlog as it closed.
        const late = await post(port, '/check').then(
          (answer) => `answered ${answer.status}`,
          (error: NodeJS.ErrnoException) => error.code,
        );
        expect(['ECONNREFUSED', 'ECONNRESET']).toContain(late);
        const answer = await inFlight;
        expect(answer.status).toBe(503);
        expect(answer.json.error.code).toBe('SHUTTING_DOWN');
        expect(answer.json.error.message).toMatch(/stopped during its checks; no alert was sent/);
        // The child exits with what runCli resolved to: 128 + SIGTERM (`gpr` itself re-raises it).
        expect(await exited).toBe(143);
      } finally {
        child.kill('SIGKILL');
      }
    },
    HANG_GUARD_MS,
  );
});

describe('a monitor run stopped while it sends its alerts', () => {
  let gcp: Gcp;
  beforeAll(async () => {
    gcp = await startGcp('stopped-run');
  });
  afterAll(async () => {
    await gcp.close();
  });

  it('finishes and records the alert being sent, sends no more, and says which were not sent', async () => {
    const names = ['stop-a', 'stop-b', 'stop-c'];
    for (const name of names) {
      const { dlq } = await createPipeline(gcp.pubsubClient, name);
      await deadLetter(dlq, [{ data: '{', reason: 'invalid_json' }]);
    }
    const stop = new AbortController();
    const delivered: string[] = [];
    // The drain runs out while the second alert is with its channel, which waits for its signal.
    const channel: AlertChannel = {
      name: 'pager',
      async send(message, context) {
        if (delivered.length === 1) {
          stop.abort(new Error('drain over'));
          await new Promise((_, reject) => {
            context.signal.addEventListener('abort', () => reject(context.signal.reason), { once: true });
          });
        }
        delivered.push(message.key);
      },
    };
    const store = memoryRateLimitStore();
    const monitor = createMonitor({
      projectId: gcp.projectId,
      clients: gcp.clients,
      logging: false,
      alertSink: createAlertManager({
        channels: [channel],
        routes: { critical: ['pager'] },
        store,
        logger: silentLogger,
        shutdown: false,
      }),
      deadLetters: { subscriptions: names.map((name) => watch(name)), sampleSize: 0 },
    });
    try {
      const report = await monitor.run({ signal: stop.signal });
      expect(report.notifications.map((n) => [n.key, n.outcome])).toEqual([
        ['dlq:stop-a-dlq-sub', 'sent'],
        ['dlq:stop-b-dlq-sub', 'failed'],
        ['dlq:stop-c-dlq-sub', 'not_sent'],
      ]);
      expect(report.summary).toMatchObject({ alertsSent: 1, alertsFailed: 1, alertsNotSent: 1 });
      expect(delivered).toEqual(['dlq:stop-a-dlq-sub']);
      // The delivery made is in the store; the cut one left no claim that would hold its key back.
      const recorded = async (key: string) => JSON.parse((await store.read(key))?.text ?? '{"sent":[]}');
      expect((await recorded('dlq:stop-a-dlq-sub')).sent).toHaveLength(1);
      expect(await recorded('dlq:stop-b-dlq-sub')).toMatchObject({ sent: [], claims: [] });
    } finally {
      await monitor.close();
    }
  });
});
