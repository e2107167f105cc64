import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { checkLoggingErrors, cloudLoggingLogger } from '../../../src/index.js';
import { type Gcp, startGcp } from './helpers.js';

const PROJECT = 'logging-check';
const NOW = new Date('2026-03-01T12:00:00.000Z');
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000);
let gcp: Gcp;

const run = { type: 'cloud_run_revision', labels: { service_name: 'phase2' } };
const fn = { type: 'cloud_function', labels: { function_name: 'phase2-to-phase3' } };
const vm = { type: 'gce_instance', labels: { instance_id: '1' } };

interface Spec {
  text?: string;
  json?: Record<string, unknown>;
  severity?: string;
  resource?: { type: string; labels: Record<string, string> };
  at?: Date;
}

async function write(specs: Spec[]): Promise<void> {
  const log = gcp.logging.client().log('app');
  await log.write(
    specs.map((s) =>
      log.entry(
        { severity: s.severity ?? 'ERROR', resource: s.resource ?? run, timestamp: s.at ?? minutesAgo(1) },
        s.json ?? s.text ?? '',
      ),
    ),
  );
}

const check = (options: Parameters<typeof checkLoggingErrors>[0] = {}) =>
  checkLoggingErrors({ projectId: PROJECT, clients: gcp.clients, now: () => NOW, threshold: 0, ...options });

beforeAll(async () => {
  gcp = await startGcp(PROJECT);
});

beforeEach(() => {
  gcp.logging.clear();
  gcp.logging.faults.clear();
});

afterAll(async () => {
  await gcp.close();
});

describe('checkLoggingErrors with the real @google-cloud/logging client on the stand-in', () => {
  it('counts each category exactly: window, severity, resource types, text and JSON payloads', async () => {
    await write([
      { text: 'BigQuery query failed: quota exceeded' },
      { json: { message: 'Failed to insert 12 rows into nba_raw.games' }, resource: fn },
      { text: 'bq_client returned an error', severity: 'CRITICAL' },
      { text: 'BigQuery load failed', at: minutesAgo(30) }, // before the window
      { text: 'BigQuery query failed again', severity: 'WARNING' }, // below ERROR
      { text: 'BigQuery query failed on a VM', resource: vm }, // another resource type
      { text: 'Firestore transaction failed: contention' },
      { text: 'GCS upload failed', resource: fn },
      { text: 'bucket nba-scraped-data not found' },
      { text: 'nothing to see' },
    ]);
    const result = await check();
    const counts = Object.fromEntries(result.categories.map((c) => [c.category, c.count]));
    expect(counts).toEqual({ bigquery_errors: 3, firestore_errors: 1, gcs_errors: 2, library_errors: 0 });
    expect(result.totalErrors).toBe(6);
    const bq = result.categories[0]!;
    expect(bq).toMatchObject({ status: 'errors_found', countIsLowerBound: false });
    expect(bq.samples.map((s) => s.payload)).toEqual(
      expect.arrayContaining([
        'BigQuery query failed: quota exceeded',
        'Failed to insert 12 rows into nba_raw.games',
      ]),
    );
    expect(bq.samples[0]).toMatchObject({ severity: expect.any(String), resourceType: expect.any(String) });
    expect(result.findings.map((f) => f.key)).toEqual([
      'logging:bigquery_errors',
      'logging:firestore_errors',
      'logging:gcs_errors',
    ]);
    expect(result.findings[0]?.recoveryCommands[0]).toBe('Check BigQuery quotas and query syntax');
  });

  it('writes every OR group in explicit parentheses', async () => {
    const result = await check();
    const filter = result.categories[0]!.filter;
    expect(filter).toBe(
      'severity>=ERROR AND timestamp>="2026-03-01T11:45:00.000Z" AND timestamp<="2026-03-01T12:00:00.000Z" AND ' +
        '(resource.type="cloud_run_revision" OR resource.type="cloud_function") AND ' +
        '(textPayload=~"BigQuery.*failed" OR jsonPayload.message=~"BigQuery.*failed" OR ' +
        'textPayload=~"Failed to insert" OR jsonPayload.message=~"Failed to insert" OR ' +
        'textPayload=~"BigQuery query failed" OR jsonPayload.message=~"BigQuery query failed" OR ' +
        'textPayload=~"bq_client.*error" OR jsonPayload.message=~"bq_client.*error")',
    );
    const sent = gcp.logging.requests
      .filter((r) => r.method === 'ListLogEntries')
      .map((r) => r.request.filter);
    expect(sent).toContain(filter);
  });

  it('counts the library’s own structured errors (error.code set), written by cloudLoggingLogger', async () => {
    const sink = gcp.logging.lineWriter({ serviceName: 'phase2' });
    const logger = cloudLoggingLogger({ write: sink.write });
    const failure = Object.assign(new Error('Backend error'), {
      code: 'SERVICE_UNAVAILABLE',
      transient: true,
    });
    logger.error('nba_raw.games insert: failed after 3 attempts', { error: failure });
    logger.error('query failed', { error: Object.assign(new Error('quota'), { code: 'QUOTA_EXCEEDED' }) });
    logger.error('no code here', { error: new Error('plain') });
    logger.warn('retrying', { error: failure }); // a warning, not an error
    await sink.flush();
    const result = await check({ now: () => new Date(), categories: undefined });
    const library = result.categories.find((c) => c.category === 'library_errors')!;
    expect(library.count).toBe(2);
    expect(library.samples.map((s) => s.errorCode).sort()).toEqual(['QUOTA_EXCEEDED', 'SERVICE_UNAVAILABLE']);
  });

  it('pages past 50 (and past 1000) entries instead of stopping at the first page', async () => {
    await write(
      Array.from({ length: 1234 }, (_, i) => ({
        text: `GCS write ${i} failed`,
        at: minutesAgo(1 + (i % 10)),
      })),
    );
    const before = gcp.logging.requests.length;
    const result = await check();
    const gcs = result.categories.find((c) => c.category === 'gcs_errors')!;
    expect(gcs).toMatchObject({ count: 1234, countIsLowerBound: false });
    const pages = gcp.logging.requests
      .slice(before)
      .filter((r) => r.method === 'ListLogEntries' && String(r.request.filter).includes('GCS.*failed'));
    expect(pages).toHaveLength(2);
    const capped = await check({ maxEntries: 100 });
    expect(capped.categories.find((c) => c.category === 'gcs_errors')).toMatchObject({
      count: 100,
      countIsLowerBound: true,
    });
  });

  it('a category whose query fails is failed; the others still count', async () => {
    await write([{ text: 'Firestore transaction failed' }]);
    gcp.logging.faults.add({ method: 'ListLogEntries', code: 'PERMISSION_DENIED', times: 1 });
    const result = await check();
    const statuses = result.categories.map((c) => c.status);
    expect(statuses.filter((s) => s === 'failed')).toHaveLength(1);
    const failed = result.categories.find((c) => c.status === 'failed')!;
    expect(failed.error?.code).toBe('FORBIDDEN');
    expect(result.findings.map((f) => f.key)).toContain(`check_failed:logging:${failed.category}`);
    if (failed.category !== 'firestore_errors') {
      expect(result.categories.find((c) => c.category === 'firestore_errors')?.count).toBe(1);
    }
  });

  it('takes categories of your own, by patterns or by filter, and any resource type', async () => {
    await write([
      { text: 'Publish timed out: DEADLINE_EXCEEDED', resource: vm },
      { json: { message: 'x', attempt: 7 }, resource: vm },
    ]);
    const result = await check({
      resourceTypes: [],
      categories: [
        {
          name: 'pubsub',
          description: 'Pub/Sub timeouts',
          severity: 'error',
          patterns: ['DEADLINE_\\w+'],
          recoveryCommand: 'x',
        },
        {
          name: 'retries',
          description: 'Many attempts',
          severity: 'info',
          filter: 'jsonPayload.attempt>5',
          recoveryCommand: 'y',
        },
      ],
    });
    expect(result.categories.map((c) => [c.category, c.count])).toEqual([
      ['pubsub', 1],
      ['retries', 1],
    ]);
    expect(result.findings.map((f) => [f.key, f.severity])).toEqual([
      ['logging:pubsub', 'error'],
      ['logging:retries', 'info'],
    ]);
  });
});
