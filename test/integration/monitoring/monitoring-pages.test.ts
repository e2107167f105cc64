import type { MetricServiceClient } from '@google-cloud/monitoring';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDeadLetters } from '../../../src/index.js';
import { loadMonitoringPeers } from '../../../src/testing/monitoring/proto.js';
import type { Msg } from '../../../src/testing/shared/grpc-server.js';
import { toWireTimestamp } from '../../../src/testing/shared/timestamp.js';
import { createPipeline, deadLetter, type Gcp, startGcp, watch } from './helpers.js';
import { serveHostile } from './hostile-server.js';

const PROJECT = 'monitoring-pages';

/**
 * A Cloud Monitoring whose ListTimeSeries answers, for each request, `page(n, ids)` (n counts the
 * requests from 0): a test of how the check pages.
 */
async function pagedMonitoring(page: (n: number, ids: string[]) => Msg) {
  const peers = await loadMonitoringPeers();
  let n = 0;
  const server = await serveHostile(
    peers,
    'Cloud Monitoring',
    'ListTimeSeries',
    (request: Msg) => {
      const ids = [...String(request.filter).matchAll(/"([^"]+)"/g)]
        .map((m) => m[1]!)
        .filter((id) => !id.includes('/') && id !== 'pubsub_subscription');
      return page(n++, ids);
    },
    PROJECT,
  );
  const client = new peers.client.MetricServiceClient(server.clientOptions as never) as MetricServiceClient;
  return {
    client,
    requests: server.requests,
    async close() {
      await client.close();
      server.shutdown();
    },
  };
}

function series(id: string, value: string) {
  return {
    resource: { type: 'pubsub_subscription', labels: { subscription_id: id } },
    metricKind: 'GAUGE',
    valueType: 'INT64',
    points: [{ interval: { endTime: toWireTimestamp(new Date()) }, value: { int64Value: value } }],
  };
}

let gcp: Gcp;
beforeAll(async () => {
  gcp = await startGcp(PROJECT);
});
afterAll(async () => {
  await gcp.close();
});

describe('checkDeadLetters when Cloud Monitoring pages oddly', () => {
  it('a next-page token that comes back again ends the reading: the count comes from a peek, Monitoring is said to be unreadable', async () => {
    const monitoring = await pagedMonitoring((_n, ids) => ({
      timeSeries: ids.map((id) => series(id, '7')),
      nextPageToken: 'same-token',
    }));
    try {
      const { dlq } = await createPipeline(gcp.pubsubClient, 'loop');
      await deadLetter(dlq, [{ data: 'x', reason: 'handler_failed' }]);
      const result = await checkDeadLetters({
        projectId: PROJECT,
        subscriptions: [watch('loop')],
        callTimeoutMs: 5000,
        clients: { ...gcp.clients, monitoring: monitoring.client },
      });
      expect(result.subscriptions[0]).toMatchObject({ status: 'messages', messages: 1, countSource: 'peek' });
      expect(result.monitoringError?.message).toMatch(/page token/);
      // Two metrics read, each stopped at its second page.
      expect(monitoring.requests.length).toBeLessThanOrEqual(4);
    } finally {
      await monitoring.close();
    }
  }, 30_000);

  it('reads every page of a series list that comes in several', async () => {
    const monitoring = await pagedMonitoring((n, ids) =>
      n % 2 === 0
        ? { timeSeries: [], nextPageToken: `page-${n + 1}` }
        : { timeSeries: ids.map((id) => series(id, '3')), nextPageToken: '' },
    );
    try {
      const { dlq } = await createPipeline(gcp.pubsubClient, 'paged');
      await deadLetter(dlq, [{ data: 'x', reason: 'handler_failed' }]);
      const result = await checkDeadLetters({
        projectId: PROJECT,
        subscriptions: [watch('paged')],
        sampleSize: 0,
        clients: { ...gcp.clients, monitoring: monitoring.client },
      });
      expect(result.subscriptions[0]).toMatchObject({ messages: 3, countSource: 'monitoring' });
    } finally {
      await monitoring.close();
    }
  });
});
