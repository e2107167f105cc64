import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAlertManager, memoryRateLimitStore, silentLogger, slackChannel } from '../../../src/index.js';
import { type SlackStandIn, startSlackStandIn } from '../../../src/testing/index.js';
import { deepStrings } from '../../helpers/deep-strings.js';

let slack: SlackStandIn;
const TOKEN = 'q7Xk2mZp9RtW4vLs8NbC3hYd';

beforeAll(async () => {
  slack = await startSlackStandIn();
});
afterAll(async () => {
  await slack.close();
});

async function failure(status: number, filler: number) {
  const webhookUrl = `${slack.url}/services/T0STANDIN/B0STANDIN/${TOKEN}`;
  // The service echoes the URL it was called on, late in a long answer: a cut for the message can
  // fall inside the token.
  slack.faults.add({ method: 'POST', times: 1, status, body: `${'e'.repeat(filler)} ${webhookUrl}` });
  const result = await createAlertManager({
    channels: [slackChannel({ webhookUrl, minIntervalMs: 0, maxAttempts: 1 })],
    store: memoryRateLimitStore(),
    logger: silentLogger,
    shutdown: false,
  })
    .send({ key: `echo-${status}-${filler}`, severity: 'warning', title: 'phase2: echo' })
    .catch((error: unknown) => error);
  return result;
}

describe('a webhook that echoes its URL in a long answer', () => {
  // Fillers that put the 300-character snippet's cut before, inside and after the token.
  for (const [status, filler] of [
    [500, 270],
    [500, 280],
    [500, 230],
    [500, 236],
    [500, 240],
    [500, 250],
  ] as const) {
    it(`HTTP ${status}: no part of the token is in the error, its causes or the result (filler ${filler})`, async () => {
      const outcome = await failure(status, filler);
      const strings = deepStrings(outcome).join('\n');
      // Any 8 characters of the token in a row would be a piece of it.
      for (let i = 0; i + 8 <= TOKEN.length; i++) expect(strings).not.toContain(TOKEN.slice(i, i + 8));
    });
  }
});
