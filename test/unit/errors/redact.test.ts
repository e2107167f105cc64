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

  it('caps very long messages at 2,000 characters, then …', () => {
    expect(redactSecrets('x'.repeat(5000))).toBe(`${'x'.repeat(2000)}…`);
    expect(redactSecrets('x'.repeat(2000))).toBe('x'.repeat(2000));
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

describe('credentials without a label in front of them', () => {
  // The shapes of real credentials, with made-up values: an API key is `AIza` and 35 more characters,
  // a JWT (an ID token, a signed service-account assertion) three base64url parts, the first `eyJ`.
  const API_KEY = `AIzaSy${'D'.repeat(33)}`;
  const JWT =
    'eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJzdWIiOiJzYUBwLmlhbS5nc2VydmljZWFjY291bnQuY29tIn0.c2lnbmF0dXJl';

  it.each([
    ['an API key echoed by the service', `API key not valid. Please pass a valid API key. (key ${API_KEY})`],
    ['an API key at the end of a path', `GET https://www.googleapis.com/discovery/v1/apis/${API_KEY} failed`],
    ['an ID token', `Token used too late: ${JWT}`],
    [
      'a signed assertion in a form body',
      `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=${JWT}`,
    ],
  ])('removes %s', (_label, text) => {
    const out = redactSecrets(text);
    expect(out).not.toContain(API_KEY.slice(0, 12));
    expect(out).not.toContain(JWT.split('.')[1]);
    expect(out).toContain('[REDACTED]');
  });

  it('removes every cookie of a Cookie header, not only the first', () => {
    const out = redactSecrets('Cookie: theme=dark; SID=sessionSecret42; HSID=otherSecret7\nnext line');
    expect(out).not.toContain('sessionSecret42');
    expect(out).not.toContain('otherSecret7');
    expect(out).toContain('Cookie: [REDACTED]');
    expect(out).toContain('next line');
  });

  it('keeps ordinary identifiers that merely start alike', () => {
    const text = 'Table AIza_games not found; eyJ is not a token; job eyJob.1 failed';
    expect(redactSecrets(text)).toBe(text);
  });

  it('none of them survives in a typed error, its errors[] or its cause', () => {
    const err = toPipelineError(
      bigQueryHttpError({ status: 400, reason: 'invalid', message: `bad key ${API_KEY} or token ${JWT}` }),
    );
    const everything = `${err.message} ${JSON.stringify(err)} ${JSON.stringify(err.cause)}`;
    expect(everything).not.toContain(API_KEY.slice(0, 12));
    expect(everything).not.toContain(JWT.split('.')[1]);
  });
});
