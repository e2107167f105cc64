import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AlertSink, createMonitor } from '../../../src/index.js';
import { createPipeline, deadLetter, type Gcp, startGcp, watch } from './helpers.js';

let gcp: Gcp;
beforeAll(async () => {
  gcp = await startGcp('sink-answers');
  const { dlq } = await createPipeline(gcp.pubsubClient, 'answers');
  await deadLetter(dlq, [{ data: '{', reason: 'invalid_json' }]);
});
afterAll(async () => {
  await gcp.close();
});

async function runWith(alertSink: AlertSink) {
  const monitor = createMonitor({
    projectId: gcp.projectId,
    clients: gcp.clients,
    logging: false,
    alertSink,
    deadLetters: { subscriptions: [watch('answers')], sampleSize: 0 },
  });
  try {
    return await monitor.run();
  } finally {
    await monitor.close();
  }
}

describe('the monitor with an alert sink that answers oddly', () => {
  it.each([
    ['an unknown outcome', { outcome: 'queued' }],
    ['an outcome that is not a string', { outcome: 1 }],
    ['a string', 'ok'],
  ])(
    'a sink answering %s is a failed notification that says what it answered, counted',
    async (_name, answer) => {
      const report = await runWith({ send: async () => answer as never });
      const [notification] = report.notifications;
      expect(notification).toMatchObject({ outcome: 'failed' });
      expect(notification!.error?.message).toContain(JSON.stringify(answer));
      expect(report.summary.alertsFailed).toBe(1);
    },
  );

  it.each([
    [
      'throws synchronously',
      () => {
        throw new Error('sync boom');
      },
    ],
    ['rejects with a string', () => Promise.reject('string boom')],
    ['rejects with null', () => Promise.reject(null)],
  ])('a sink that %s is a failed notification, and the report is made', async (_name, send) => {
    const report = await runWith({ send: send as AlertSink['send'] });
    expect(report.notifications.map((n) => n.outcome)).toEqual(['failed']);
    expect(report.summary.alertsFailed).toBe(1);
    expect(() => JSON.stringify(report)).not.toThrow();
  });

  it('quotes no credential of an answer it did not understand, nor of a delivery detail', async () => {
    const report = await runWith({
      send: async () =>
        ({
          outcome: 'queued',
          webhook: 'https://hooks.slack.com/services/T0AAA/B0BBB/zzSinkWebhookSecretzz',
          auth: 'Bearer ya29.zzSinkAnswerTokenzz',
        }) as never,
    });
    expect(report.notifications[0]).toMatchObject({ outcome: 'failed' });
    expect(report.notifications[0]!.error?.message).toContain('queued');
    const detailed = await runWith({
      send: async () => ({
        outcome: 'sent',
        detail: 'posted with Authorization: Bearer ya29.zzSinkDetailTokenzz',
      }),
    });
    expect(detailed.notifications[0]!.detail).toContain('posted with');
    const printed = JSON.stringify([report, detailed]);
    for (const secret of ['zzSinkWebhookSecretzz', 'zzSinkAnswerTokenzz', 'zzSinkDetailTokenzz']) {
      expect(printed).not.toContain(secret);
    }
  });

  it('keeps a delivery detail only when it is text, cut to a line', async () => {
    const report = await runWith({ send: async () => ({ outcome: 'sent', detail: 'x'.repeat(10_000) }) });
    expect(report.notifications[0]).toMatchObject({ outcome: 'sent' });
    expect(report.notifications[0]!.detail!.length).toBeLessThanOrEqual(2001);
    const odd = await runWith({
      send: async () => ({ outcome: 'suppressed', detail: { nested: true } as never }),
    });
    expect(odd.notifications[0]).toMatchObject({ outcome: 'suppressed' });
    expect(odd.notifications[0]!.detail).toBeUndefined();
  });
});
