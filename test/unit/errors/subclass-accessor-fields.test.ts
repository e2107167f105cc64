import { describe, expect, it } from 'vitest';
import { HttpError, PipelineError } from '../../../src/index.js';

// A plain-JS subclass may put `code` or `transient` on its prototype as a getter (TypeScript refuses
// it, JavaScript does not). The base's fields are own properties defined over it, as before the
// fields were declared; an assignment through a getter-only accessor threw at construction instead,
// so the error being raised became a TypeError.
describe('PipelineError subclass with accessor code/transient on its prototype', () => {
  for (const field of ['code', 'transient'] as const) {
    it(`constructs when the prototype has a getter-only ${field}`, () => {
      class AccessorError extends PipelineError {}
      Object.defineProperty(AccessorError.prototype, field, { get: () => 'from-getter', configurable: true });
      const err = new AccessorError('boom', { code: 'MY_CODE', transient: true });
      expect(err.message).toBe('boom');
      expect(err.code).toBe('MY_CODE');
      expect(err.transient).toBe(true);
      expect(Object.keys(err).slice(0, 2)).toEqual(['code', 'transient']);
    });
  }
});

// The same for HttpError's own fields: a plain-JS subclass that computes `status` or `retryAfterMs`
// (say from a wrapped client error) with a getter on its prototype. The base constructor's assignment
// threw through the getter-only accessor; the subclass's getter is what the error reads now.
describe('HttpError subclass with accessor fields on its prototype', () => {
  for (const [field, value] of [
    ['status', 503],
    ['retryAfterMs', 1500],
    ['statusText', 'from getter'],
    ['url', 'https://api.example.com/v1'],
    ['method', 'PUT'],
    ['bodySnippet', 'from getter'],
  ] as const) {
    it(`constructs when the prototype has a getter-only ${field}, and the getter wins`, () => {
      class AccessorHttpError extends HttpError {}
      Object.defineProperty(AccessorHttpError.prototype, field, { get: () => value, configurable: true });
      const err = new AccessorHttpError('boom', { status: 418, retryAfterMs: 10, url: 'https://a.example' });
      expect(err).toBeInstanceOf(HttpError);
      expect(err.message).toBe('boom');
      expect(err[field]).toBe(value);
      expect(Object.hasOwn(err, field)).toBe(false);
      // The status given still sets the code and the retry decision, as for any HttpError.
      expect(err.code).toBe('CLIENT_ERROR');
      expect(err.transient).toBe(false);
    });
  }

  it('a getter with a setter gets the value through the setter', () => {
    const seen = Symbol('seen');
    class PlainSetterError extends HttpError {}
    Object.defineProperty(PlainSetterError.prototype, 'status', {
      get(this: Record<symbol, number>) {
        return this[seen];
      },
      set(this: Record<symbol, number>, value: number) {
        this[seen] = value + 1;
      },
      configurable: true,
    });
    expect(new PlainSetterError('boom', { status: 503 }).status).toBe(504);
  });

  it('without accessors, the own keys and their order are unchanged', () => {
    const err = new HttpError('boom', {
      status: 503,
      retryAfterMs: 5,
      url: 'u',
      method: 'GET',
      bodySnippet: 'b',
    });
    expect(Object.keys(err)).toEqual([
      'code',
      'transient',
      'status',
      'statusText',
      'url',
      'method',
      'retryAfterMs',
      'bodySnippet',
    ]);
    expect(err.status).toBe(503);
    expect(err.retryAfterMs).toBe(5);
  });
});
