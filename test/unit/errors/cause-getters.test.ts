import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { toPipelineError } from '../../../src/errors/index.js';

const TOKEN = 'ya29.a0AfH6SMB-getter-secret';

describe('an own getter in a cause cannot hand a credential to a serializer', () => {
  it('a getter returning headers with a bearer token is kept as its scrubbed value', () => {
    const thrown = Object.assign(new Error('upstream failed'), { code: 503 });
    Object.defineProperty(thrown, 'headers', {
      enumerable: true,
      get: () => ({ authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }),
    });
    const err = toPipelineError(thrown);
    expect(JSON.stringify(err.cause)).not.toContain(TOKEN);
    expect(inspect(err, { depth: 10, getters: true })).not.toContain(TOKEN);
    // What is not a credential stays readable.
    expect((err.cause as { headers: Record<string, string> }).headers['content-type']).toBe(
      'application/json',
    );
    // The caller's own value is untouched.
    expect(JSON.stringify((thrown as unknown as { headers: unknown }).headers)).toContain(TOKEN);
  });

  it('a getter deeper down, and one that throws, neither leak nor break the classification', () => {
    const inner: Record<string, unknown> = {};
    Object.defineProperty(inner, 'note', { enumerable: true, get: () => `token=${TOKEN}` });
    Object.defineProperty(inner, 'broken', {
      enumerable: true,
      get: () => {
        throw new Error('getter bug');
      },
    });
    const thrown = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET', detail: { inner } });
    const err = toPipelineError(thrown);
    expect(err.transient).toBe(true);
    expect(() => JSON.stringify(err.cause)).not.toThrow();
    expect(JSON.stringify(err.cause)).not.toContain(TOKEN);
  });

  it('a getter with nothing to remove leaves the cause as is (same object)', () => {
    const thrown = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    Object.defineProperty(thrown, 'host', { enumerable: true, get: () => 'bigquery.googleapis.com' });
    expect(toPipelineError(thrown).cause).toBe(thrown);
  });
});
