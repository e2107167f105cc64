/**
 * A sender that gets SIGTERM while its Slack post is in flight (the test sends it once the post has
 * reached the stand-in). Its log lines go to stdout, as on Cloud Run. Run as its own process:
 * `node --import tsx sigterm-child.ts`.
 */

import { Storage } from '@google-cloud/storage';
import { createAlertManager, gcsRateLimitStore, slackChannel } from '../../../src/index.js';

const { GPR_STORAGE_URL, GPR_BUCKET, GPR_WEBHOOK, GPR_PREFIX } = process.env;
const alerts = createAlertManager({
  channels: [slackChannel({ webhookUrl: GPR_WEBHOOK ?? '' })],
  store: gcsRateLimitStore({
    storage: new Storage({ apiEndpoint: GPR_STORAGE_URL, projectId: 'test-project' }),
    bucket: GPR_BUCKET ?? '',
    prefix: GPR_PREFIX,
  }),
});
await alerts.send({ key: 'dlq:orders-dlq-sub', severity: 'critical', title: '4 dead letters' });
