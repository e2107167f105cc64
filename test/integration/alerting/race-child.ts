/**
 * One process of the cross-process race: GPR_SENDERS alert managers, each with its own Storage
 * client, on the shared Storage stand-in. Prints `ready`, then for each line on stdin (the wall-clock
 * time to send at, epoch ms) sends the same alert from every manager at once and prints what each
 * did as a JSON array. Run as its own process: `node --import tsx race-child.ts`.
 */

import { createInterface } from 'node:readline';
import { Storage } from '@google-cloud/storage';
import { createAlertManager, gcsRateLimitStore, silentLogger, slackChannel } from '../../../src/index.js';
import { createTestClock } from '../../../src/testing/index.js';

const { GPR_STORAGE_URL, GPR_BUCKET, GPR_WEBHOOK, GPR_PREFIX, GPR_SENDERS } = process.env;
let now = 0;
const managers = Array.from({ length: Number(GPR_SENDERS ?? 1) }, () =>
  createAlertManager({
    channels: [slackChannel({ webhookUrl: GPR_WEBHOOK ?? '', minIntervalMs: 0 })],
    store: gcsRateLimitStore({
      storage: new Storage({ apiEndpoint: GPR_STORAGE_URL, projectId: 'test-project' }),
      bucket: GPR_BUCKET ?? '',
      prefix: GPR_PREFIX,
      // Each request ends with the stand-in's answer, however loaded the machine.
      requestTimeoutMs: 120_000,
    }),
    logger: silentLogger,
    now: () => now,
    // Budgets on a virtual clock: a starved event loop cannot spend them (see shared-limit.test.ts).
    clock: createTestClock(),
    deadlineMs: 30_000,
    storeTimeoutMs: 10_000,
    shutdown: false,
  }),
);
process.stdout.write('ready\n');
for await (const line of createInterface({ input: process.stdin })) {
  now = Number(line);
  const results = await Promise.all(
    managers.map((m) =>
      m.send({ key: 'dlq:orders-dlq-sub', severity: 'critical', title: '4 dead letters' }).then(
        (r) =>
          r.outcome === 'sent'
            ? r.rateLimit === 'unavailable'
              ? 'sent without the limit'
              : 'sent'
            : (r.reason ?? 'suppressed'),
        (e: unknown) => `failed: ${String(e)}`,
      ),
    ),
  );
  process.stdout.write(`${JSON.stringify(results)}\n`);
}
