import type { Logging } from '@google-cloud/logging';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkLoggingErrors } from '../../../src/index.js';
import { closeLoggingClient } from '../../../src/monitoring/clients.js';
import { loadLoggingPeers } from '../../../src/testing/logging/proto.js';
import type { Msg } from '../../../src/testing/shared/grpc-server.js';
import { toWireTimestamp } from '../../../src/testing/shared/timestamp.js';
import { serveHostile } from './hostile-server.js';

/**
 * A Cloud Logging server that misbehaves the way a paging loop must survive: `ListLogEntries` answers
 * with what `answer` says, whatever the request. The real `@google-cloud/logging` client talks to it.
 */
async function hostileLogging(answer: (request: Msg, call: number) => Msg) {
  const peers = await loadLoggingPeers();
  let calls = 0;
  const server = await serveHostile(
    peers,
    'Cloud Logging',
    'ListLogEntries',
    (request) => answer(request, ++calls),
    'hostile',
  );
  const client: Logging = new peers.client.Logging(server.clientOptions as never);
  return {
    client,
    lists: () => server.requests.filter((r) => r.method === 'ListLogEntries').length,
    async close() {
      await closeLoggingClient(client);
      server.shutdown();
    },
  };
}

const NOW = new Date('2026-03-01T12:00:00.000Z');

function entry(i: number): Msg {
  return {
    logName: 'projects/hostile/logs/app',
    resource: { type: 'cloud_run_revision', labels: {} },
    severity: 'ERROR',
    timestamp: toWireTimestamp(new Date(NOW.getTime() - 1000)),
    insertId: `e${i}`,
    textPayload: `GCS upload ${i} failed`,
  };
}

const category = {
  name: 'gcs_errors',
  description: 'Cloud Storage Errors',
  severity: 'warning' as const,
  patterns: ['GCS.*failed'],
  recoveryCommand: 'x',
};

describe('checkLoggingErrors against a Cloud Logging whose pages never end', () => {
  let endless: Awaited<ReturnType<typeof hostileLogging>>;
  let looping: Awaited<ReturnType<typeof hostileLogging>>;
  let sparse: Awaited<ReturnType<typeof hostileLogging>>;
  let trickle: Awaited<ReturnType<typeof hostileLogging>>;
  let mostlyEmpty: Awaited<ReturnType<typeof hostileLogging>>;

  beforeAll(async () => {
    // Empty pages with a fresh token every time (Cloud Logging may send empty pages with a token).
    endless = await hostileLogging((_request, call) => ({ entries: [], nextPageToken: `t${call}` }));
    // The same token again and again, one entry each time: a loop that would count for ever.
    looping = await hostileLogging(() => ({ entries: [entry(1)], nextPageToken: 'same' }));
    // Realistic: some empty pages with tokens, then the entries, then the end.
    sparse = await hostileLogging((request) => {
      const page = Number(String(request.pageToken || 'p0').slice(1));
      if (page < 5) return { entries: [], nextPageToken: `p${page + 1}` };
      if (page === 5) return { entries: [entry(1), entry(2)], nextPageToken: 'p6' };
      return { entries: [entry(3)], nextPageToken: '' };
    });
    // One entry per page and a fresh token for ever: 10 000 calls before maxEntries stopped it.
    trickle = await hostileLogging((_request, call) => ({
      entries: [entry(call)],
      nextPageToken: `t${call}`,
    }));
    // 99 empty pages, then one entry, for ever: the empty-page limit never trips (about a million calls).
    mostlyEmpty = await hostileLogging((_request, call) => ({
      entries: call % 100 === 0 ? [entry(call)] : [],
      nextPageToken: `t${call}`,
    }));
  });

  afterAll(async () => {
    await Promise.all([
      endless.close(),
      looping.close(),
      sparse.close(),
      trickle.close(),
      mostlyEmpty.close(),
    ]);
  });

  const check = (client: Logging, threshold = 0) =>
    checkLoggingErrors({
      projectId: 'hostile',
      categories: [category],
      threshold,
      clients: { logging: client },
      now: () => NOW,
    });

  it('follows empty pages to the entries behind them', async () => {
    const result = await check(sparse.client);
    expect(result.categories[0]).toMatchObject({
      status: 'errors_found',
      count: 3,
      countIsLowerBound: false,
    });
  });

  it('gives up on endless empty pages: the category failed, the report says why', async () => {
    const result = await check(endless.client);
    const [gcs] = result.categories;
    expect(gcs).toMatchObject({ status: 'failed', error: { code: 'LOGGING_PAGING' } });
    expect(gcs!.error!.message).toMatch(/100 pages in a row without an entry/);
    expect(endless.lists()).toBe(100);
    expect(result.findings.map((f) => f.key)).toEqual(['check_failed:logging:gcs_errors']);
  });

  it('refuses a page token it has already followed instead of counting the same page again', async () => {
    const result = await check(looping.client);
    const [gcs] = result.categories;
    expect(gcs).toMatchObject({ status: 'failed', error: { code: 'LOGGING_PAGING' } });
    expect(gcs!.error!.message).toMatch(/page token "same" again/);
    expect(gcs!.count).toBeUndefined();
    expect(looping.lists()).toBe(2);
  });

  it('stops after a bounded number of pages that trickle entries: over the threshold, a lower bound', async () => {
    const result = await check(trickle.client);
    expect(trickle.lists()).toBeLessThanOrEqual(200);
    expect(result.categories[0]).toMatchObject({ status: 'errors_found', countIsLowerBound: true });
    expect(result.categories[0]!.count).toBe(trickle.lists());
  });

  it('stops after a bounded number of mostly empty pages: under the threshold, the category failed', async () => {
    const result = await check(mostlyEmpty.client, 1000);
    expect(mostlyEmpty.lists()).toBeLessThanOrEqual(200);
    const [gcs] = result.categories;
    expect(gcs).toMatchObject({ status: 'failed', error: { code: 'LOGGING_PAGING' } });
    expect(gcs!.count).toBeUndefined();
    expect(result.findings.map((f) => f.key)).toEqual(['check_failed:logging:gcs_errors']);
  }, 20_000);
});
