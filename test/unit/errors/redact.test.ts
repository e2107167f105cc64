import { describe, expect, it } from 'vitest';
import { redactSecrets, toPipelineError } from '../../../src/errors/index.js';
import { bigQueryHttpError, gaxiosHttpError, systemError } from './fixtures.js';

const SECRETS = [
  'ya29.a0AfH6SMBsecretsecret',
  'AIzaSyD-secret-api-key',
  '1//0gSecretRefreshToken',
  'hunter2',
  'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC',
  'xoxWebhookSecret42',
];

describe('redactSecrets', () => {
  it.each([
    ['Bearer token', 'Authorization: Bearer ya29.a0AfH6SMBsecretsecret was rejected'],
    ['bare bearer', 'sent bearer ya29.a0AfH6SMBsecretsecret'],
    [
      'access_token query',
      'GET https://bigquery.googleapis.com/x?access_token=ya29.a0AfH6SMBsecretsecret&alt=json failed',
    ],
    ['API key query', 'GET https://pubsub.googleapis.com/v1/x?key=AIzaSyD-secret-api-key failed'],
    ['refresh_token JSON', '{"refresh_token":"1//0gSecretRefreshToken","client_secret":"hunter2"}'],
    ['x-goog-api-key header', 'x-goog-api-key: AIzaSyD-secret-api-key'],
    ['password', 'password=hunter2'],
    ['PEM key', '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----'],
    ['bare OAuth token', 'token ya29.a0AfH6SMBsecretsecret expired'],
    [
      'Slack webhook path',
      'HTTP 404 from POST https://hooks.slack.com/services/T0001/B0002/xoxWebhookSecret42: no_service',
    ],
    [
      'URL user info',
      'Request cannot be constructed from a URL that includes credentials: https://scraper:hunter2@api.example.com/x',
    ],
    ['URL user info without a name', 'GET http://:hunter2@10.0.0.1:8080/x failed'],
  ])('removes a %s', (_label, text) => {
    const out = redactSecrets(text);
    for (const secret of SECRETS) expect(out).not.toContain(secret);
    expect(out).toContain('[REDACTED]');
  });

  it('leaves ordinary messages alone', () => {
    const text = 'Not found: Table nba-props:nba_raw.games was not found in location US';
    expect(redactSecrets(text)).toBe(text);
  });

  it('caps very long messages', () => {
    const out = redactSecrets('x'.repeat(5000));
    expect(out.length).toBeLessThan(2100);
    expect(out.endsWith('... (truncated)')).toBe(true);
  });
});

describe('no secret reaches a classified message', () => {
  it('from an HTTP error whose message echoes the request', () => {
    const err = toPipelineError(
      bigQueryHttpError({
        status: 401,
        message: 'Invalid Credentials for header Authorization: Bearer ya29.a0AfH6SMBsecretsecret',
      }),
    );
    expect(err.message).not.toContain('ya29');
    expect(err.message).toContain('Invalid Credentials');
  });

  it('from a network error naming a URL with a token', () => {
    const err = toPipelineError(
      systemError(
        'ECONNRESET',
        'request to https://x.googleapis.com/?access_token=ya29.a0AfH6SMBsecretsecret failed, reason: read ECONNRESET',
      ),
    );
    expect(err.message).not.toContain('ya29');
  });

  it('from strings, plain objects and unknown errors', () => {
    expect(toPipelineError('Bearer ya29.a0AfH6SMBsecretsecret').message).not.toContain('ya29');
    expect(
      toPipelineError({ headers: { authorization: 'Bearer ya29.a0AfH6SMBsecretsecret' } }).message,
    ).not.toContain('ya29');
    expect(toPipelineError(new Error('token=hunter2')).message).not.toContain('hunter2');
  });

  it('from gaxios, whose config carries the Authorization header', () => {
    const err = toPipelineError(
      gaxiosHttpError(403, {
        error: { code: 403, message: 'denied', errors: [{ reason: 'accessDenied', message: 'denied' }] },
      }),
    );
    expect(JSON.stringify([err.message, { ...err }])).not.toMatch(/ya29|SECRET-TOKEN/);
  });
});
