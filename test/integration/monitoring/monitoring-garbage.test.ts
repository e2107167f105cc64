import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDeadLetters } from '../../../src/index.js';
import { createPipeline, deadLetter, type Gcp, startGcp } from './helpers.js';
import { gaugeSeries, hostileMonitoring } from './hostile-server.js';

const PROJECT = 'garbage';
const NOW = new Date();

/** A Cloud Monitoring that answers every ListTimeSeries with `value` for each subscription asked about. */
function garbageMonitoring(value: unknown) {
  return hostileMonitoring(PROJECT, (_n, ids) => ({
    timeSeries: ids.map((id) => gaugeSeries(id, value, NOW)),
    nextPageToken: '',
  }));
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
