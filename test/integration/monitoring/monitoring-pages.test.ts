import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDeadLetters } from '../../../src/index.js';
import { createPipeline, deadLetter, type Gcp, startGcp, watch } from './helpers.js';
import { gaugeSeries, hostileMonitoring } from './hostile-server.js';

const PROJECT = 'monitoring-pages';

let gcp: Gcp;
beforeAll(async () => {
  gcp = await startGcp(PROJECT);
});
afterAll(async () => {
  await gcp.close();
});

describe('checkDeadLetters when Cloud Monitoring pages oddly', () => {
  it('a next-page token that comes back again ends the reading: the count comes from a peek, Monitoring is said to be unreadable', async () => {
    const monitoring = await hostileMonitoring(PROJECT, (_n, ids) => ({
      timeSeries: ids.map((id) => gaugeSeries(id, '7')),
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

  it('a series split across pages is one series: a gauge is its newest point, a delta the sum of all', async () => {
    const now = Date.now();
    // Each metric's series comes in two chunks, as Cloud Monitoring splits a series longer than a
    // page: the newest points first, the same series continued with older ones on the next page.
    const monitoring = await hostileMonitoring(PROJECT, (_n, ids, request) => {
      const gauge = !String(request.filter).includes('dead_letter_message_count');
      const first = request.pageToken === '' || request.pageToken === undefined;
      const values = gauge ? (first ? ['2', '40'] : ['50']) : first ? ['3', '2'] : ['1'];
      const offset = first ? 0 : 2;
      return {
        timeSeries: ids.map((id) => ({
          ...gaugeSeries(id, '0'),
          metricKind: gauge ? 'GAUGE' : 'DELTA',
          points: values.map((value, i) => ({
            interval: { endTime: { seconds: Math.floor(now / 1000) - 60 * (offset + i) } },
            value: { int64Value: value },
          })),
        })),
        nextPageToken: first ? 'older-points' : '',
      };
    });
    try {
      const { dlq } = await createPipeline(gcp.pubsubClient, 'split');
      await deadLetter(dlq, [{ data: 'x', reason: 'handler_failed' }]);
      const result = await checkDeadLetters({
        projectId: PROJECT,
        subscriptions: [watch('split', { sourceSubscription: 'split-sub' })],
        sampleSize: 0,
        clients: { ...gcp.clients, monitoring: monitoring.client },
      });
      // The newest undelivered count, not the largest of the older points; every dead-letter point counted once.
      expect(result.subscriptions[0]).toMatchObject({
        messages: 2,
        countSource: 'monitoring',
        deadLetteredInLookback: 6,
      });
      expect(result.monitoringError).toBeUndefined();
    } finally {
      await monitoring.close();
    }
  });

  it('reads every page of a series list that comes in several', async () => {
    const monitoring = await hostileMonitoring(PROJECT, (n, ids) =>
      n % 2 === 0
        ? { timeSeries: [], nextPageToken: `page-${n + 1}` }
        : { timeSeries: ids.map((id) => gaugeSeries(id, '3')), nextPageToken: '' },
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
