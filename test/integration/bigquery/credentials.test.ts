import { inspect } from 'node:util';
import { OAuth2Client } from 'google-auth-library';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BigQueryExecutor } from '../../../src/bigquery/index.js';
import { ForbiddenError, toPipelineError } from '../../../src/errors/index.js';
import { type BigQueryStandIn, startBigQueryStandIn } from '../../../src/testing/bigquery/index.js';
import { deepStrings } from '../../helpers/deep-strings.js';

const TOKEN = 'ya29.integration-secret-access-token';

/** A real OAuth client with a cached, unexpired access token: every request carries `Bearer <TOKEN>`. */
function oauthClient(): OAuth2Client {
  const client = new OAuth2Client();
  client.setCredentials({ access_token: TOKEN, expiry_date: Date.now() + 3_600_000, token_type: 'Bearer' });
  return client;
}

function leaks(value: unknown): boolean {
  return (
    inspect(value, { depth: 12, showHidden: true }).includes(TOKEN) ||
    deepStrings(value).some((s) => s.includes(TOKEN))
  );
}

describe('an OAuth bearer token never ends up in a typed error (real client, stand-in)', () => {
  let standIn: BigQueryStandIn;

  beforeAll(async () => {
    standIn = await startBigQueryStandIn();
  });
  afterAll(() => standIn.close());

  it('the raw client error holds the token; the typed error made from it does not', async () => {
    const client = standIn.client({ authClient: oauthClient(), autoRetry: false });
    standIn.faults.add({ path: /\/queries$/, error: { status: 403, reason: 'accessDenied' }, times: 1 });
    const raw = await client.query('SELECT 1 AS x').then(
      () => undefined,
      (error: unknown) => error,
    );
    // The premise: the client really keeps the request headers on what it throws.
    expect(leaks(raw)).toBe(true);
    const typed = toPipelineError(raw);
    expect(typed).toBeInstanceOf(ForbiddenError);
    expect(leaks(typed)).toBe(false);
  });

  it('what BigQueryExecutor rejects with carries no token at any depth', async () => {
    const executor = new BigQueryExecutor({
      client: standIn.client({ authClient: oauthClient() }),
      retry: { maxAttempts: 1 },
    });
    standIn.faults.add({
      method: 'POST',
      path: /\/queries$/,
      error: { status: 403, reason: 'accessDenied' },
      times: 1,
    });
    const error = await executor.query('SELECT 1 AS x').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(leaks(error)).toBe(false);
    expect(JSON.stringify(error)).not.toContain(TOKEN);
  });
});
