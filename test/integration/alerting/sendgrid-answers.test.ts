import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertDeliveryError, createAlertManager, sendGridChannel, silentLogger } from '../../../src/index.js';
import { createTestClock, type SendGridStandIn, startSendGridStandIn } from '../../../src/testing/index.js';

const KEY = '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';
let sendgrid: SendGridStandIn;

beforeAll(async () => {
  sendgrid = await startSendGridStandIn({ apiKey: KEY });
});

afterAll(async () => {
  await sendgrid.close();
});

const email = () =>
  sendGridChannel({
    apiKey: KEY,
    endpoint: sendgrid.endpoint,
    from: 'alerts@example.com',
    to: ['oncall@example.com'],
  });

async function failure(): Promise<AlertDeliveryError> {
  const error = await createAlertManager({
    channels: [email()],
    logger: silentLogger,
    shutdown: false,
    // The retries' sleeps are virtual: only the stand-in's answers take real time.
    clock: createTestClock({ startMs: Date.now() }),
  })
    .send({ key: `sg:${Math.random()}`, severity: 'error', title: 'phase2: insert failed' })
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(AlertDeliveryError);
  return error as AlertDeliveryError;
}

describe('SendGrid refusals', () => {
  it("a 400 says SendGrid's reason, without the key it echoes, and stays short whatever the body's size", async () => {
    const body = JSON.stringify({
      errors: [
        {
          message: `The from address does not match a verified Sender Identity (key ${KEY})`,
          field: 'from',
        },
        ...Array.from({ length: 20_000 }, () => ({ message: 'x'.repeat(50), field: null })),
      ],
    });
    sendgrid.faults.add({ times: 1, status: 400, body, headers: { 'content-type': 'application/json' } });
    const error = await failure();
    const channel = error.result.channels[0]!;
    expect(channel).toMatchObject({ status: 'failed', attempts: 1 });
    expect(channel.error?.message).toMatch(/verified Sender Identity/);
    const printed = `${inspect(error, { depth: 20, showHidden: true })}\n${JSON.stringify(error)}`;
    expect(printed).not.toContain(KEY);
    expect(printed.length).toBeLessThan(200_000);
  });

  it('a 500 with an HTML page is retried, then fails with the status, not the page', async () => {
    const page = `<html><body>${'<p>Internal error</p>'.repeat(50_000)}</body></html>`;
    sendgrid.faults.add({ times: 3, status: 500, body: page, headers: { 'content-type': 'text/html' } });
    const error = await failure();
    const channel = error.result.channels[0]!;
    expect(channel).toMatchObject({ status: 'failed', attempts: 3 });
    expect(channel.error?.message.length).toBeLessThan(5000);
  });
});
