import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../testing/pubsub/helpers.js';
import {
  contents,
  createPipeline,
  type Gcp,
  REPLAY_ACK_DEADLINE_SCALE,
  rawSubscriber,
  startGcp,
} from './helpers.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const HANG_GUARD_MS = 120_000;
const COUNT = 3000;

let gcp: Gcp;
beforeAll(async () => {
  // Leases at 1/100: whatever the stopped run still held is back in the DLQ within a second.
  gcp = await startGcp('cli-replay-sigterm', { ackDeadlineScale: REPLAY_ACK_DEADLINE_SCALE });
});
afterAll(async () => {
  await gcp.close();
});

describe('gpr dlq replay stopped by SIGTERM, as its own process', () => {
  it(
    'loses no message, says it was interrupted, and ends by SIGTERM',
    async () => {
      const name = 'mlb-phase2-raw-complete';
      const { dlq } = await createPipeline(gcp.pubsubClient, name);
      const publisher = gcp.pubsubClient.topic(dlq.name, {
        batching: { maxMessages: 500, maxMilliseconds: 5 },
      });
      await Promise.all(
        Array.from({ length: COUNT }, (_, i) =>
          publisher.publishMessage({
            data: Buffer.from(`order-${i}`),
            attributes: { dead_letter_reason: 'handler_failed', source_message_id: `src-${i}` },
          }),
        ),
      );
      const child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          'src/cli.ts',
          'dlq',
          'replay',
          '--sport',
          'mlb',
          '--from',
          `${name}-dlq-sub`,
          '--to',
          name,
        ],
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
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let out = '';
      let err = '';
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString('utf8');
      });
      child.stderr.on('data', (c: Buffer) => {
        err += c.toString('utf8');
      });
      const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        child.once('close', (code, signal) => resolve({ code, signal })),
      );
      try {
        // SIGTERM once the run has republished some of the DLQ.
        await until(() => gcp.pubsub.published(name).length >= 200, 60_000, 'the replay under way');
        child.kill('SIGTERM');
        const { code, signal } = await ended;
        const republished = new Set(gcp.pubsub.published(name).map((m) => m.attributes.replayed_message_id));
        await until(
          () => gcp.pubsub.subscriptionStats(`${name}-dlq-sub`)?.outstanding === 0,
          10_000,
          'leases back',
        );
        const subscriber = rawSubscriber(gcp.pubsubClient);
        const left = await contents(subscriber, gcp.projectId, `${name}-dlq-sub`).finally(() =>
          subscriber.close(),
        );
        // Nothing lost: every message is still in the DLQ or was republished (or both).
        const leftIds = new Set(left.map((m) => m.messageId));
        const dlqIds = gcp.pubsub.published(`${name}-dlq`).map((m) => m.messageId);
        expect(dlqIds.filter((id) => !leftIds.has(id) && !republished.has(id))).toEqual([]);
        // Not all of it was done: the run was stopped, and says so.
        expect(republished.size).toBeLessThan(COUNT);
        expect(out).toMatch(/stopped before the end \(interrupted\)/);
        expect(err).toBe('');
        expect({ code, signal }).toEqual({ code: null, signal: 'SIGTERM' });
      } finally {
        child.kill('SIGKILL');
      }
    },
    HANG_GUARD_MS,
  );
});
