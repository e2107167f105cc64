import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { PipelineError, toPipelineError } from '../../../src/errors/index.js';

// Made up at run time in the shape of an OAuth access token; `Qk4` is in no other text here.
const TOKEN = ['ya29', 'fake-render-hook-Qk4'].join('.');
const JWT = ['eyJhbGciOiJSUzI1NiJ9', 'eyJzdWIiOiJRazQifQ', 'c2lnLVFrNA'].join('.');

/** The kept cause chain of an error, outermost first. */
function causes(err: Error): unknown[] {
  const out: unknown[] = [];
  for (
    let at: unknown = err.cause;
    at !== undefined && out.length < 10;
    at = (at as { cause?: unknown }).cause
  )
    out.push(at);
  return out;
}

/**
 * Everything a reader of the error sees: what `console.error` prints, and what a JSON serializer
 * writes of each cause.
 */
function rendered(err: Error): string {
  return [inspect(err, { depth: 10, showHidden: true }), ...causes(err).map((c) => JSON.stringify(c))].join(
    '\n',
  );
}

/** A client of user code that renders its token, held out of reach of any field walk. */
class TokenClient {
  readonly #token: string;
  constructor(token: string) {
    this.#token = token;
  }
  [inspect.custom](): string {
    return `TokenClient { authorization: 'Bearer ${this.#token}' }`;
  }
  toJSON(): unknown {
    return { header: `Bearer ${this.#token}` };
  }
}

describe('what a kept cause renders itself (util.inspect.custom, toJSON) loses its credentials', () => {
  it.each([
    [
      'an own inspect.custom returning a string',
      { [inspect.custom]: () => `Authorization: Bearer ${TOKEN}` },
    ],
    ['an own inspect.custom returning an object', { [inspect.custom]: () => ({ note: `token=${TOKEN}` }) }],
    ['an own toJSON', { toJSON: () => `access_token=${TOKEN}` }],
    ['a class whose methods read a private field', new TokenClient(TOKEN)],
    ['the same, deeper in the chain', new Error('middle', { cause: { client: new TokenClient(TOKEN) } })],
  ])('%s', (_label, cause) => {
    const err = toPipelineError(new Error('request failed', { cause }));
    const text = rendered(err);
    expect(text).not.toContain('Qk4');
    expect(text).toContain('[REDACTED]');
  });

  it('a thrown value that renders a JWT, given as the cause of a PipelineError', () => {
    const thrown = { [inspect.custom]: () => `token ${JWT}`, toJSON: () => ({ jwt: JWT }) };
    for (const err of [toPipelineError(thrown), new PipelineError('x', { cause: thrown })]) {
      const text = rendered(err);
      expect(text).not.toContain('UWs0');
      expect(text).not.toContain('eyJzdWIi');
    }
  });

  it('a hook that renders no credential renders as before, and inspect still reads its options', () => {
    const cause = {
      [inspect.custom]: (depth: number, options: { stylize: (s: string, t: string) => string }) =>
        options.stylize(`Widget<${depth}>`, 'special'),
    };
    const err = toPipelineError(new Error('x', { cause }));
    expect(inspect(causes(err)[1])).toMatch(/^Widget<\d+>$/);
  });

  it('a hook that returns its own object renders the kept copy, without looping', () => {
    const cause = {
      secretValue: TOKEN,
      note: 'kept',
      [inspect.custom]() {
        return this;
      },
    };
    const err = toPipelineError(new Error('x', { cause }));
    const text = inspect(causes(err)[1], { depth: 5 });
    expect(text).not.toContain('Qk4');
    expect(text).toContain('kept');
  });
});

describe('a boxed string (new String(...)) is text like any other', () => {
  const boxed = () => new String(`Bearer ${JWT}`);

  it('thrown: the message says a string was thrown, and nothing shows the token', () => {
    const err = toPipelineError(boxed());
    expect(err.message).toBe('Unknown error (a string was thrown): Bearer [REDACTED]');
    expect(rendered(err)).not.toContain('eyJzdWIi');
  });

  it('as a cause, at any depth', () => {
    for (const err of [
      new PipelineError('x', { cause: boxed() }),
      toPipelineError(new Error('request failed', { cause: boxed() })),
      toPipelineError(new Error('a', { cause: new Error('b', { cause: { detail: boxed() } }) })),
    ]) {
      expect(rendered(err)).not.toContain('eyJzdWIi');
      expect(rendered(err)).toContain('[REDACTED]');
    }
  });

  it('as the message of a thrown error: read as the message, without the token', () => {
    const err = toPipelineError(Object.assign(new Error(), { message: boxed() }));
    expect(err.message).toBe('Bearer [REDACTED]');
    expect(rendered(err)).not.toContain('eyJzdWIi');
  });

  it('a boxed string without a credential is kept as it is', () => {
    const cause = new String('plain words');
    expect(new PipelineError('x', { cause }).cause).toBe(cause);
  });
});

describe('a kept copy that renders through a cleaning hook', () => {
  it('walked again (the cause of a new error) renders the same, without wrapping twice', () => {
    const err = toPipelineError(new Error('x', { cause: new TokenClient(TOKEN) }));
    const kept = causes(err)[1];
    const again = new PipelineError('again', { cause: kept });
    expect(again.cause).toBe(kept);
    expect(inspect(again.cause)).toBe(inspect(kept));
    expect(inspect(kept)).not.toContain('Qk4');
  });
});
