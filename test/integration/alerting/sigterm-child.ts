/**
 * A sender that gets SIGTERM while its Slack post is in flight (the test sends it once the post has
 * reached the stand-in). Its log lines go to stdout, as on Cloud Run. Run as its own process:
 * `node --import tsx sigterm-child.ts`.
 */

import { Storage } from '@google-cloud/storage';
import {
  createAlertManager,
  createShutdownCoordinator,
  gcsRateLimitStore,
  slackChannel,
} from '../../../src/index.js';
import { createTestClock } from '../../../src/testing/index.js';

const { GPR_STORAGE_URL, GPR_BUCKET, GPR_WEBHOOK, GPR_PREFIX } = process.env;
// The claim, the Slack post and the shutdown's 8 s limit run on a virtual clock: a loaded machine
// cannot make the claim fall back to sending without the limit, nor end the shutdown before the record.
const clock = createTestClock();
const alerts = createAlertManager({
  channels: [slackChannel({ webhookUrl: GPR_WEBHOOK ?? '' })],
  store: gcsRateLimitStore({
    storage: new Storage({ apiEndpoint: GPR_STORAGE_URL, projectId: 'test-project' }),
    bucket: GPR_BUCKET ?? '',
    prefix: GPR_PREFIX,
    requestTimeoutMs: 120_000,
  }),
  clock,
  shutdown: createShutdownCoordinator({ clock }),
});
await alerts.send({ key: 'dlq:orders-dlq-sub', severity: 'critical', title: '4 dead letters' });
