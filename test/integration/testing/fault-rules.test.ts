import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BigQueryFaultRule,
  type BigQueryStandIn,
  type PubSubStandIn,
  startBigQueryStandIn,
  startPubSubStandIn,
} from '../../../src/testing/index.js';

/**
 * A fault rule with a misspelt or mistyped field must be refused when it is added: `time: 1` for
 * `times: 1` used to make a one-off failure permanent, a `sql` string failed every request with 500.
 */
describe('fault rules are checked when added', () => {
  let bigquery: BigQueryStandIn;
  let pubsub: PubSubStandIn;
  beforeAll(async () => {
    [bigquery, pubsub] = await Promise.all([
      startBigQueryStandIn({ projectId: 'p', storageWrite: true }),
      startPubSubStandIn(),
    ]);
  });
  afterAll(() => Promise.all([bigquery.close(), pubsub.close()]));

  const backendError = { status: 503, reason: 'backendError' };
  it.each<[string, Record<string, unknown>, RegExp]>([
    [
      'a misspelt times',
      { path: '/queries', time: 1, error: backendError },
      /unknown option 'time'\. Did you mean 'times'\?/,
    ],
    ['a sql string', { sql: 'SELECT', hang: true }, /'sql' must be a RegExp/],
    [
      'a path that is neither string nor RegExp',
      { path: 5, hang: true },
      /'path' must be a string, a RegExp or an object with a test method, got 5/,
    ],
    [
      'a status that is not an HTTP error status',
      { error: { status: '503', reason: 'backendError' } },
      /error: option status must be a number/,
    ],
    ['an error without reason', { error: { status: 503 } }, /error\.reason' must be a non-empty string/],
    [
      'a misspelt error field',
      { error: { status: 503, reson: 'backendError' } },
      /unknown option 'reson'\. Did you mean 'reason'\?/,
    ],
    [
      'a 200 as the error status',
      { error: { status: 200, reason: 'x' } },
      /'error\.status' must be an HTTP status \(400-599\), got 200/,
    ],
    ['a negative delay', { delayMs: -1 }, /'delayMs' must be a finite number >= 0, got -1/],
    ['hang: false', { hang: false }, /'hang' must be true/],
    ['reset: before', { reset: 'before' }, /'reset' must be true or 'after', got "before"/],
    ['negative pendingPolls', { pendingPolls: -2 }, /'pendingPolls' must be an integer >= 0, got -2/],
    [
      'a jobError reason that is no string',
      { jobError: { reason: 5 } },
      /jobError: option reason must be a string/,
    ],
    [
      'insertErrors rows that are no indexes',
      { insertErrors: { invalid: 'x' } },
      /option invalid must be an array/,
    ],
    [
      'a seed that is no number',
      { hang: true, rate: 0.5, seed: 'abc' },
      /'seed' must be a finite number, got abc/,
    ],
  ])('BigQuery: %s is a TypeError', (_what, rule, message) => {
    expect(() => bigquery.faults.add(rule as unknown as BigQueryFaultRule)).toThrow(TypeError);
    expect(() => bigquery.faults.add(rule as unknown as BigQueryFaultRule)).toThrow(message);
    expect(bigquery.faults.rules).toHaveLength(0);
  });

  it('BigQuery: well-formed rules of every action are accepted', () => {
    const rules: BigQueryFaultRule[] = [
      {
        path: /\/queries$/,
        sql: /SELECT/,
        times: 2,
        after: 1,
        rate: 0.5,
        seed: 7,
        error: { ...backendError, message: 'm', retryAfterSeconds: 1 },
      },
      { method: 'POST', reset: 'after' },
      { reset: true },
      { delayMs: 0 },
      { hang: true },
      { jobError: { reason: 'jobBackendError', message: 'm', status: 500, afterPolls: 1 } },
      { insertErrors: { invalid: [0, 2], message: 'bad' } },
      { pendingPolls: 0, name: 'slow' },
    ];
    for (const rule of rules) bigquery.faults.add(rule);
    expect(bigquery.faults.rules).toHaveLength(rules.length);
    bigquery.faults.clear();
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    [
      'a misspelt times',
      { method: 'Publish', time: 2, code: 14 },
      /unknown option 'time'\. Did you mean 'times'\?/,
    ],
    [
      'a misspelt message',
      { method: 'Publish', code: 14, mesage: 'x' },
      /unknown option 'mesage'\. Did you mean 'message'\?/,
    ],
    [
      'a seed that is no number',
      { method: 'Publish', code: 14, seed: 'x' },
      /'seed' must be a finite number, got x/,
    ],
    [
      'a NaN seed',
      { method: 'Publish', code: 14, rate: 0.5, seed: Number.NaN },
      /'seed' must be a finite number, got NaN/,
    ],
  ])('Pub/Sub: %s is a TypeError', (_what, rule, message) => {
    expect(() => pubsub.faults.add(rule as never)).toThrow(TypeError);
    expect(() => pubsub.faults.add(rule as never)).toThrow(message);
    expect(pubsub.faults.rules).toHaveLength(0);
  });

  it('Storage Write: a misspelt times is a TypeError', () => {
    expect(() =>
      bigquery.storageWrite.faults.add({ method: 'AppendRows', time: 1, code: 14 } as never),
    ).toThrow(/unknown option 'time'\. Did you mean 'times'\?/);
    expect(bigquery.storageWrite.faults.rules).toHaveLength(0);
  });
});
