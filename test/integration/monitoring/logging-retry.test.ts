import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkLoggingErrors } from '../../../src/index.js';
import { type Gcp, startGcp } from './helpers.js';

const PROJECT = 'logging-retry';
const NOW = new Date('2026-03-01T12:00:00.000Z');
let gcp: Gcp;

beforeAll(async () => {
  gcp = await startGcp(PROJECT);
});
afterAll(async () => {
  await gcp.close();
});

describe('checkLoggingErrors when Cloud Logging answers a quota error and then entries', () => {
  it('one RESOURCE_EXHAUSTED (its 60 reads a minute spent): read again, no category failed, the report is not degraded', async () => {
    const log = gcp.logging.client().log('app');
    await log.write(
      log.entry(
        {
          severity: 'ERROR',
          resource: { type: 'cloud_run_revision', labels: { service_name: 'phase2' } },
          timestamp: new Date(NOW.getTime() - 60_000),
        },
        'Firestore transaction failed',
      ),
    );
    const rule = gcp.logging.faults.add({ method: 'ListLogEntries', code: 'RESOURCE_EXHAUSTED', times: 1 });
    const result = await checkLoggingErrors({
      projectId: PROJECT,
      clients: gcp.clients,
      now: () => NOW,
      threshold: 0,
      callTimeoutMs: 10_000,
    });
    expect(rule.hits).toBe(1);
    expect(result.categories.filter((c) => c.status === 'failed')).toEqual([]);
    expect(result.categories.find((c) => c.category === 'firestore_errors')?.count).toBe(1);
    expect(result.findings.map((f) => f.key).filter((k) => k.startsWith('check_failed'))).toEqual([]);
  });
});
