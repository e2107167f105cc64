/**
 * A sender that claims the alert's slot in the shared store and is killed mid-send by the test
 * (its Slack post never gets an answer). Run as its own process: `node --import tsx crash-child.ts`.
 */

import { Storage } from '@google-cloud/storage';
import { createAlertManager, gcsRateLimitStore, silentLogger, slackChannel } from '../../../src/index.js';
import { createTestClock } from '../../../src/testing/index.js';

const { GPR_STORAGE_URL, GPR_BUCKET, GPR_WEBHOOK } = process.env;
const alerts = createAlertManager({
  channels: [slackChannel({ webhookUrl: GPR_WEBHOOK ?? '', attemptTimeoutMs: 120_000 })],
  store: gcsRateLimitStore({
    storage: new Storage({ apiEndpoint: GPR_STORAGE_URL, projectId: 'test-project' }),
    bucket: GPR_BUCKET ?? '',
    requestTimeoutMs: 120_000,
  }),
  // Its claim must not fall back to sending without the limit on a loaded machine: virtual budgets.
  clock: createTestClock(),
  deadlineMs: 120_000,
  claimLeaseMs: 600_000,
  logger: silentLogger,
});
await alerts.send({ key: 'dlq:orders-dlq-sub', severity: 'critical', title: '4 dead letters' });
