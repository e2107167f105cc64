import type { MetricServiceClient } from '@google-cloud/monitoring';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDeadLetters } from '../../../src/index.js';
import { loadMonitoringPeers } from '../../../src/testing/monitoring/proto.js';
import type { Msg } from '../../../src/testing/shared/grpc-server.js';
import { toWireTimestamp } from '../../../src/testing/shared/timestamp.js';
import { createPipeline, deadLetter, type Gcp, startGcp } from './helpers.js';
import { serveHostile } from './hostile-server.js';

const PROJECT = 'garbage';
const NOW = new Date();

/** A Cloud Monitoring that answers every ListTimeSeries with `value` for each subscription asked about. */
async function garbageMonitoring(value: unknown) {
  const peers = await loadMonitoringPeers();
  const server = await serveHostile(
    peers,
    'Cloud Monitoring',
    'ListTimeSeries',
    (request: Msg) => {
      const ids = [...String(request.filter).matchAll(/"([^"]+)"/g)]
        .map((m) => m[1]!)
        .filter((id) => !id.includes('/') && id !== 'pubsub_subscription');
      const point = { interval: { endTime: toWireTimestamp(NOW) }, value: { int64Value: value } };
      return {
        timeSeries: ids.map((id) => ({
          resource: { type: 'pubsub_subscription', labels: { subscription_id: id } },
          metricKind: 'GAUGE',
          valueType: 'INT64',
          points: [point],
        })),
        nextPageToken: '',
      };
    },
    PROJECT,
  );
  const client = new peers.client.MetricServiceClient(server.clientOptions as never) as MetricServiceClient;
  return {
    client,
    async close() {
      await client.close();
      server.shutdown();
    },
  };
}

let gcp: Gcp;
beforeAll(async () => {
  gcp = await startGcp(PROJECT);
});
afterAll(async () => {
  await gcp.close();
});

describe('checkDeadLetters when Cloud Monitoring answers garbage', () => {
  it.each([['-5'], ['-9223372036854775808']])(
    'a negative count (%s) is no data: the count comes from a peek',
    async (value) => {
      const monitoring = await garbageMonitoring(value);
      try {
        const name = `neg${value.length}`;
        const { dlq } = await createPipeline(gcp.pubsubClient, name);
        await deadLetter(dlq, [{ data: 'x', reason: 'handler_failed' }]);
        const result = await checkDeadLetters({
          projectId: PROJECT,
          subscriptions: [
            {
              subscription: `${name}-dlq-sub`,
              severity: 'critical',
              description: 'd',
              phaseFrom: 'a',
              phaseTo: 'b',
            },
          ],
          clients: { ...gcp.clients, monitoring: monitoring.client },
        });
        const [sub] = result.subscriptions;
        expect(sub).toMatchObject({ status: 'messages', messages: 1, countSource: 'peek' });
        expect(sub!.oldestAgeSeconds ?? 0).toBeGreaterThanOrEqual(0);
        expect(result.totalMessages).toBe(1);
      } finally {
        await monitoring.close();
      }
    },
  );
});
