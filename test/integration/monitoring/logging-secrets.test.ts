import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkLoggingErrors } from '../../../src/index.js';
import { type Gcp, startGcp } from './helpers.js';

const PROJECT = 'logging-secrets';
const NOW = new Date('2026-03-01T12:00:00.000Z');
const TOKEN = 'ya29.a0AfB_logged-token-value';
const WEBHOOK = 'https://hooks.slack.com/services/T0AAA/B0BBB/zzLoggedWebhookSecretzz';
let gcp: Gcp;

beforeAll(async () => {
  gcp = await startGcp(PROJECT);
});

afterAll(async () => {
  await gcp.close();
});

describe('checkLoggingErrors: a logged credential is not copied into the report and the alert', () => {
  it('removes tokens and webhook secrets from the sampled payloads, text and JSON, and from the findings', async () => {
    const log = gcp.logging.client().log('app');
    const resource = { type: 'cloud_run_revision', labels: { service_name: 'phase2' } };
    const at = new Date(NOW.getTime() - 60_000);
    await log.write([
      log.entry(
        { severity: 'ERROR', resource, timestamp: at },
        `BigQuery query failed: GET https://bigquery.googleapis.com/x?access_token=${TOKEN}`,
      ),
      log.entry(
        { severity: 'ERROR', resource, timestamp: new Date(at.getTime() + 1) },
        { message: `BigQuery insert failed, posting to ${WEBHOOK} with Authorization: Bearer ${TOKEN}` },
      ),
    ]);
    const result = await checkLoggingErrors({
      projectId: PROJECT,
      clients: gcp.clients,
      now: () => NOW,
      threshold: 0,
      sampleSize: 3,
    });
    const bq = result.categories.find((c) => c.category === 'bigquery_errors')!;
    expect(bq.samples).toHaveLength(2);
    expect(bq.samples.map((s) => s.payload).join('\n')).toMatch(/BigQuery insert failed/);
    const printed = JSON.stringify(result);
    expect(result.findings.length).toBeGreaterThan(0);
    expect(printed).not.toContain(TOKEN);
    expect(printed).not.toContain('zzLoggedWebhookSecretzz');
  });
});
