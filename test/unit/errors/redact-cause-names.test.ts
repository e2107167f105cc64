import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { toPipelineError } from '../../../src/errors/index.js';

// Built at runtime, obviously fake: a credential-shaped value with no pattern of its own.
const SECRET = ['Zx9', 'fake', 'cause', 'name', 'value'].join('q');

/** Header and field names services invent, none of them in the old fixed list. */
const SECRET_NAMES = [
  'x-auth-token',
  'private-token',
  'x-apisports-key',
  'x-api-token',
  'api-token',
  'auth-token',
  'x-access-token',
  'secret',
  'client-secret',
  'clientSecret',
  'sessionToken',
  'X-Goog-Api-Key',
  'pwd',
  'passwd',
  'db_password',
  'credentials',
  'privateKey',
  'signature',
  'Set-Cookie',
  // Node's http.request option `auth: 'user:password'`.
  'auth',
];

describe('a kept cause drops every field whose name says it holds a credential', () => {
  it.each(SECRET_NAMES)('%s: in headers, in a body, and as a Map entry', (name) => {
    const thrown = Object.assign(new Error('got: 401'), {
      code: 401,
      options: { headers: { [name]: SECRET, accept: 'application/json' } },
      data: { [name]: SECRET },
      metadata: new Map([[name, [SECRET]]]),
    });
    const err = toPipelineError(thrown);
    expect(inspect(err, { depth: 12 })).not.toContain(SECRET);
    expect(JSON.stringify(err.cause)).not.toContain(SECRET);
    expect((err.cause as { options: { headers: Record<string, string> } }).options.headers.accept).toBe(
      'application/json',
    );
  });

  it('keeps what names a count, a kind or a place, and what the taxonomy reads', () => {
    const fields = {
      tokenCount: 12,
      token_type: 'Bearer',
      token_uri: 'https://oauth2.googleapis.com/token',
      secretName: 'projects/p/secrets/db',
      private_key_id: 'abc123',
      keyFile: '/etc/sa.json',
      reason: 'rateLimitExceeded',
      message: 'quota',
      code: 429,
      errors: [{ reason: 'rateLimitExceeded' }],
      monkey: 'not a header',
    };
    const thrown = Object.assign(new Error('quota'), { code: 429, body: fields });
    const err = toPipelineError(thrown);
    expect((err.cause as { body: unknown }).body).toEqual(fields);
  });

  it('drops a page cursor too: the same rule as the log fields (docs/decisions/logging.md)', () => {
    const thrown = Object.assign(new Error('quota'), { code: 429, body: { nextPageToken: 'CgwI', rows: 2 } });
    const err = toPipelineError(thrown);
    expect((err.cause as { body: unknown }).body).toEqual({ rows: 2 });
  });
});

describe("a kept cause drops the value after a credential's name in a flat list (Node's rawHeaders)", () => {
  it.each(SECRET_NAMES)('%s', (name) => {
    const rawHeaders = ['Accept', 'application/json', name, SECRET, 'Host', 'example.test'];
    const thrown = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET', rawHeaders });
    const err = toPipelineError(thrown);
    expect(inspect(err, { depth: 12 })).not.toContain(SECRET);
    expect((err.cause as { rawHeaders: string[] }).rawHeaders).toEqual([
      'Accept',
      'application/json',
      name,
      '[REDACTED]',
      'Host',
      'example.test',
    ]);
    // The caller's own array is untouched.
    expect(rawHeaders[3]).toBe(SECRET);
  });

  it('keeps a list of messages whose words merely mention a token', () => {
    const errors = ['invalid token in request', 'the second message stays'];
    const thrown = Object.assign(new Error('bad request'), { code: 400, errors });
    const err = toPipelineError(thrown);
    expect((err.cause as { errors: string[] }).errors).toEqual(errors);
  });
});
