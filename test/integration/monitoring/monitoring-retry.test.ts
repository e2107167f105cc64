import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDeadLetters } from '../../../src/index.js';
import { createPipeline, deadLetter, type Gcp, startGcp, watch } from './helpers.js';

const PROJECT = 'monitoring-retry';
let gcp: Gcp;
beforeAll(async () => {
  gcp = await startGcp(PROJECT);
});
afterAll(async () => {
  await gcp.close();
});

describe('checkDeadLetters when Cloud Monitoring answers an error and then a count', () => {
  it.each(['RESOURCE_EXHAUSTED', 'UNAVAILABLE', 'DEADLINE_EXCEEDED'] as const)(
    "one %s (a quota's 429, a 503, a server deadline): read again, the count is Monitoring's and no finding says it was unreadable",
    async (code) => {
      const name = `once-${code.toLowerCase().replace(/_/g, '-')}`;
      const { dlq } = await createPipeline(gcp.pubsubClient, name);
      await deadLetter(dlq, [{ data: 'x', reason: 'handler_failed' }]);
      gcp.monitoring.faults.clear();
      const rule = gcp.monitoring.faults.add({ method: 'ListTimeSeries', times: 1, code });
      const result = await checkDeadLetters({
        projectId: PROJECT,
        subscriptions: [watch(name)],
        callTimeoutMs: 10_000,
        clients: gcp.clients,
      });
      expect(rule.hits).toBe(1);
      expect(result.monitoringError).toBeUndefined();
      expect(result.subscriptions[0]).toMatchObject({ messages: 1, countSource: 'monitoring' });
      expect(result.findings.map((f) => f.key)).toEqual([`dlq:${name}-dlq-sub`]);
    },
  );

  it('a quota that stays exhausted is given up within callTimeoutMs: counts from peeks, said', async () => {
    const { dlq } = await createPipeline(gcp.pubsubClient, 'exhausted');
    await deadLetter(dlq, [{ data: 'x', reason: 'handler_failed' }]);
    gcp.monitoring.faults.clear();
    gcp.monitoring.faults.add({ method: 'ListTimeSeries', code: 'RESOURCE_EXHAUSTED' });
    const started = Date.now();
    const result = await checkDeadLetters({
      projectId: PROJECT,
      subscriptions: [watch('exhausted')],
      callTimeoutMs: 1000,
      clients: gcp.clients,
    });
    gcp.monitoring.faults.clear();
    // Bounded by the call's timeout (plus the peek), not by the client's 90 s.
    expect(Date.now() - started).toBeLessThan(10_000);
    // The client's own time-out of its retries, naming the error it kept getting.
    expect(result.monitoringError?.code).toBe('DEADLINE_EXCEEDED');
    expect(result.monitoringError?.message).toMatch(/RESOURCE_EXHAUSTED/);
    expect(result.subscriptions[0]).toMatchObject({ messages: 1, countSource: 'peek' });
  });
});
