import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MessageValidationError } from '../../../src/errors/index.js';
import { parseMessage } from '../../../src/validation/index.js';

const token = 'ya29.a0AfH6SMBx3kq9ZlongAccessTokenValue0123456789';

function caught(fn: () => unknown): MessageValidationError {
  try {
    fn();
  } catch (error) {
    if (error instanceof MessageValidationError) return error;
    throw error;
  }
  throw new Error('parseMessage accepted the message');
}

describe('MessageValidationError.issues keeps no credential in a path', () => {
  it('a record key holding a token is redacted in issues[].path, as in the message', () => {
    const schema = z.object({ labels: z.record(z.string(), z.number()) });
    const error = caught(() => parseMessage(schema, { labels: { [token]: 'not a number', ok: 1 } }));
    expect(error.message).not.toContain(token);
    expect(JSON.stringify(error.issues)).not.toContain(token);
    expect(inspect(error, { depth: 20 })).not.toContain(token);
    expect(error.issues[0]!.path[0]).toBe('labels');
    expect(String(error.issues[0]!.path[1])).toContain('[REDACTED]');
  });

  it('ordinary keys and indexes are kept as they are', () => {
    const schema = z.object({ rows: z.array(z.object({ game_date: z.string() })) });
    const error = caught(() => parseMessage(schema, { rows: [{ game_date: '2026-01-01' }, {}] }));
    expect(error.issues[0]!.path).toEqual(['rows', 1, 'game_date']);
  });

  it('a symbol key of an object message whose description holds a token is redacted in issues[].path', () => {
    const key = Symbol(`token=${token}`);
    const error = caught(() => parseMessage(z.record(z.any(), z.number()), { [key]: 'not a number' }));
    expect(error.message).not.toContain(token);
    const shown = error.issues[0]!.path.map((k) => String(k)).join();
    expect(shown).not.toContain(token);
    expect(shown).toContain('[REDACTED]');
    expect(inspect(error, { depth: 20 })).not.toContain(token);
  });

  it('a symbol key without a credential is kept as the same symbol', () => {
    const key = Symbol('plain');
    const error = caught(() => parseMessage(z.record(z.any(), z.number()), { [key]: 'not a number' }));
    expect(error.issues[0]!.path).toEqual([key]);
  });
});
