import { inspect } from 'node:util';
import { Metadata } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import {
  ForbiddenError,
  PartialInsertError,
  PipelineError,
  toPipelineError,
} from '../../../src/errors/index.js';
import { deepStrings } from '../../helpers/deep-strings.js';
import { bigQueryHttpError, gaxiosHttpError } from './fixtures.js';

const TOKEN = 'ya29.a0AfH6SMB-very-secret-token';

/** Fails when the secret can be found anywhere a deep serializer looks. */
function expectNoToken(err: unknown, secret = TOKEN): void {
  expect(inspect(err, { depth: 12, showHidden: true })).not.toContain(secret);
  expect(inspect(err, { depth: Number.POSITIVE_INFINITY, maxArrayLength: 0 })).not.toContain(secret);
  expect(deepStrings(err, 200).filter((s) => s.includes(secret))).toEqual([]);
  expect(JSON.stringify(err)).not.toContain(secret);
}

/** An ApiError as @google-cloud/common builds it from a teeny-request response with an OAuth client. */
function apiErrorWithRequestHeaders(): Error {
  const err = bigQueryHttpError({ status: 403, reason: 'accessDenied', message: 'Access Denied' });
  const response = (err as unknown as { response: Record<string, unknown> }).response;
  response.request = {
    agent: false,
    headers: { Authorization: `Bearer ${TOKEN}`, 'User-Agent': 'gcloud-node-bigquery/8.3.1' },
    href: 'https://bigquery.googleapis.com/bigquery/v2/projects/p/queries',
  };
  return err;
}

describe('no credential in any typed error, at any depth', () => {
  it('the request headers of an ApiError (err.cause.response.request.headers) are not kept', () => {
    const original = apiErrorWithRequestHeaders();
    const err = toPipelineError(original);
    expect(err).toBeInstanceOf(ForbiddenError);
    expectNoToken(err);
    // What stays is what explains the failure: the status, the reasons, the response body.
    const cause = err.cause as {
      response: { statusCode: number; body: { error: { message: string } } };
      errors: unknown[];
    };
    expect(cause.response.statusCode).toBe(403);
    expect(cause.response.body.error.message).toBe('Access Denied');
    expect(cause.errors).toHaveLength(1);
    // The caller's own value is left as it was.
    expect(JSON.stringify((original as unknown as { response: unknown }).response)).toContain(TOKEN);
  });

  it("a gaxios error's config (request headers and body) is not kept", () => {
    const original = gaxiosHttpError(401, { error: { code: 401, message: 'invalid_grant' } });
    Object.assign((original as unknown as { config: Record<string, unknown> }).config, {
      body: `refresh_token=1//0gSecret&access_token=${TOKEN}`,
    });
    const err = toPipelineError(original);
    expectNoToken(err);
    expect(deepStrings(err).some((s) => s.includes('SECRET-TOKEN'))).toBe(false);
  });

  it('a credential deeper in the cause chain is removed too', () => {
    const inner = apiErrorWithRequestHeaders();
    const outer = new Error('query failed', { cause: { wrapped: [{ error: inner }] } });
    expectNoToken(toPipelineError(outer));
    const typed = new PipelineError('pipeline step failed', { cause: outer });
    expectNoToken(typed);
  });

  it('a token inside a message string of the cause is redacted in what the error keeps', () => {
    const original = Object.assign(new Error(`upstream said: Authorization: Bearer ${TOKEN}`), {
      code: 'ECONNRESET',
    });
    const err = toPipelineError(original);
    expectNoToken(err);
    expect((err.cause as Error).message).toContain('[REDACTED]');
    expect((err.cause as { code: string }).code).toBe('ECONNRESET');
  });

  it('a cause with nothing to remove is kept as is (same object)', () => {
    const original = bigQueryHttpError({ status: 503, reason: 'backendError' });
    expect(toPipelineError(original).cause).toBe(original);
  });

  it('a cyclic cause is copied without looping', () => {
    const original = apiErrorWithRequestHeaders() as Error & { self?: unknown };
    original.self = original;
    const err = toPipelineError(original);
    expectNoToken(err);
    const cause = err.cause as { self: unknown };
    expect(cause.self).toBe(cause);
  });

  it("PartialInsertError's toJSON gives row indexes and reasons, not the rows", () => {
    const err = new PartialInsertError('refused 1 of 2 rows', {
      table: 'ds.t',
      inserted: 1,
      failures: [
        {
          index: 1,
          row: { player: 'secret-row-payload', ssn: '123-45-6789' },
          insertId: 'id-1',
          reasons: [{ reason: 'invalid', message: 'no such field: ssn.', location: 'ssn' }],
        },
      ],
    });
    const json = JSON.stringify(err);
    expect(json).not.toContain('secret-row-payload');
    expect(json).not.toContain('123-45-6789');
    expect(JSON.parse(json)).toMatchObject({
      name: 'PartialInsertError',
      code: 'PARTIAL_INSERT',
      table: 'ds.t',
      inserted: 1,
      failures: [{ index: 1, insertId: 'id-1', reasons: [{ reason: 'invalid', location: 'ssn' }] }],
    });
    // The rows are still there for the caller to re-send.
    expect(err.failures[0]?.row).toEqual({ player: 'secret-row-payload', ssn: '123-45-6789' });
  });

  it('a service-account key in a message (JSON, escaped newlines) is removed whole', () => {
    const body = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7-key-body';
    const original = new Error(
      `could not load credentials {"type":"service_account","private_key": "-----BEGIN PRIVATE KEY-----\\n${body}\\n-----END PRIVATE KEY-----\\n","client_email":"x@p.iam.gserviceaccount.com"}`,
    );
    const err = toPipelineError(original);
    expect(err.message).not.toContain(body);
    expectNoToken(err, body);
    expect(err.message).toContain('client_email');
  });

  it('grpc metadata (a Map inside grpc-js Metadata) keeps no authorization or API key', () => {
    const metadata = new Metadata();
    metadata.set('authorization', `Bearer ${TOKEN}`);
    metadata.set('x-goog-api-key', 'AIzaSy-secret-api-key');
    metadata.set('x-goog-request-params', 'subscription=projects/p/subscriptions/s');
    const original = Object.assign(new Error('14 UNAVAILABLE: connection dropped'), {
      code: 14,
      details: 'connection dropped',
      metadata,
    });
    const err = toPipelineError(original);
    expect(err.code).toBe('SERVICE_UNAVAILABLE');
    expectNoToken(err);
    expectNoToken(err, 'AIzaSy-secret-api-key');
    // The harmless entries stay readable through Metadata's own API.
    const kept = (err.cause as { metadata: Metadata }).metadata;
    expect(kept.get('x-goog-request-params')).toEqual(['subscription=projects/p/subscriptions/s']);
    expect(kept.get('authorization')).toEqual([]);
    expect(metadata.get('authorization')).toEqual([`Bearer ${TOKEN}`]);
  });

  it('a request nested deeper than the walk goes is not kept either', () => {
    let nested: unknown = { response: { request: { headers: { authorization: `Bearer ${TOKEN}` } } } };
    for (let i = 0; i < 30; i++) nested = { inner: nested };
    const original = Object.assign(new Error('backend error'), { code: 503, context: nested });
    expectNoToken(toPipelineError(original));
  });

  it('a cause chain 10,000 deep neither overflows the stack nor keeps the token at its end', () => {
    let chain: Error = Object.assign(new Error(`leaf: Authorization: Bearer ${TOKEN}`), {
      config: { headers: { Authorization: `Bearer ${TOKEN}` } },
    });
    for (let i = 0; i < 10_000; i++) chain = new Error(`level ${i}`, { cause: chain });
    const err = toPipelineError(chain);
    expect(err.message).toBe('level 9999');
    // Followed link by link (a recursive walk would itself overflow at this depth).
    const kept: string[] = [];
    for (let link: unknown = err; typeof link === 'object' && link !== null; ) {
      kept.push(...deepStrings(link, 3));
      link = (link as { cause?: unknown }).cause;
    }
    expect(kept.filter((s) => s.includes(TOKEN))).toEqual([]);
  });

  it('a request after a large array in the cause is not kept', () => {
    const original = Object.assign(new Error('insert failed'), {
      code: 400,
      errors: Array.from({ length: 5_000 }, (_, i) => ({ index: i, reason: 'invalid' })),
      response: { statusCode: 400, request: { headers: { authorization: `Bearer ${TOKEN}` } } },
    });
    expectNoToken(toPipelineError(original));
  });

  it('a URL object with a key, a token or a password in it is kept without them', () => {
    const original = Object.assign(new Error('fetch failed'), {
      cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      url: new URL(`https://bigquery.googleapis.com/v2/x?key=AIzaSy-secret-api-key&access_token=${TOKEN}`),
      proxy: new URL('http://proxyuser:proxy-secret-password@proxy.internal:3128/'),
    });
    const err = toPipelineError(original);
    expect(err.code).toBe('NETWORK_ERROR');
    expectNoToken(err);
    expectNoToken(err, 'AIzaSy-secret-api-key');
    expectNoToken(err, 'proxy-secret-password');
    expect(String((err.cause as { url: unknown }).url)).toContain('bigquery.googleapis.com/v2/x');
  });
});
