import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { PipelineError, toPipelineError } from '../../../src/errors/index.js';

const SECRET = 'Bearer abcdefSECRET123';
const rendered = (e: unknown): string =>
  inspect(e, { depth: 10 }) + JSON.stringify((e as Error).cause ?? null);

describe('a toJSON that cannot even be read', () => {
  function throwingGetter(): object {
    const o = { message: 'boom', headers: { authorization: SECRET } };
    return Object.defineProperty(o, 'toJSON', {
      get() {
        throw new Error('no');
      },
    });
  }
  class K {
    authorization = SECRET;
    message = 'boom';
    get toJSON(): never {
      throw new Error('x');
    }
  }

  it.each([
    ['thrown, own getter', () => toPipelineError(throwingGetter())],
    ['as a cause, own getter', () => toPipelineError(new Error('w', { cause: throwingGetter() }))],
    ['thrown, inherited getter', () => toPipelineError(new K())],
    ['as a cause, inherited getter', () => toPipelineError(new Error('w', { cause: new K() }))],
  ])('%s: the rest is still walked, no credential kept', (_name, make) => {
    const err = make();
    expect(inspect(err, { depth: 10 })).not.toContain('SECRET');
    expect(inspect(err, { depth: 10 })).toContain('boom');
  });

  it('a value that cannot be walked at all is not kept as it is', () => {
    const trap = new Proxy(
      { authorization: SECRET },
      {
        ownKeys() {
          throw new Error('trap');
        },
      },
    );
    const err = new PipelineError('x', { cause: trap });
    expect(err.cause).not.toBe(trap);
    expect(rendered(err)).not.toContain('SECRET');
  });
});

describe('a boxed string with fields of its own', () => {
  it.each([
    [
      'as a cause',
      () =>
        toPipelineError(
          new Error('w', { cause: Object.assign(new String('hello'), { authorization: SECRET }) }),
        ),
    ],
    [
      'nested field, as a cause',
      () =>
        toPipelineError(
          new Error('w', {
            cause: Object.assign(new String('hello'), { response: { headers: { cookie: 'sid=SECRETSID' } } }),
          }),
        ),
    ],
    [
      'thrown',
      () => toPipelineError(Object.assign(new String('hello'), { headers: { authorization: SECRET } })),
    ],
  ])('%s: its fields are walked like any object', (_name, make) => {
    const err = make();
    expect(rendered(err)).not.toContain('SECRET');
    expect(inspect(err, { depth: 10 })).toContain('hello');
  });

  it('a String subclass instance keeps its class and text, not its token field', () => {
    class MyStr extends String {
      token = 'SECRETTOKEN';
      kind = 'label';
    }
    const err = new PipelineError('x', { cause: new MyStr('ok') });
    expect(err.cause).toBeInstanceOf(MyStr);
    expect(String(err.cause)).toBe('ok');
    expect((err.cause as MyStr).kind).toBe('label');
    expect(rendered(err)).not.toContain('SECRETTOKEN');
  });

  it('dirty text and a field: both cleaned, the field kept', () => {
    const cause = new PipelineError('x', { cause: Object.assign(new String(SECRET), { x: 1 }) })
      .cause as String & {
      x: number;
    };
    expect(String(cause)).not.toContain('SECRET');
    expect(cause.x).toBe(1);
  });
});

describe('a fake String (String.prototype without the internal slot)', () => {
  const fake = (): object =>
    Object.setPrototypeOf({ message: 'boom', authorization: SECRET, token: SECRET }, String.prototype);

  it('thrown: read as the object it is, no credential kept', () => {
    const err = toPipelineError(fake());
    expect(err.message).toBe('boom');
    expect(rendered(err)).not.toContain('SECRET');
  });

  it('as a cause: no credential kept', () => {
    expect(rendered(toPipelineError(new Error('w', { cause: fake() })))).not.toContain('SECRET');
  });
});

describe('render hooks of a copied object', () => {
  it('a hook reading a private field renders through the original: inspect does not throw', () => {
    class Client {
      #id = 'client-7';
      authorization = SECRET;
      message = 'boom';
      [inspect.custom](): string {
        return `Client(${this.#id})`;
      }
      toJSON(): object {
        return { id: this.#id };
      }
    }
    const err = toPipelineError(new Error('w', { cause: new Client() }));
    const cause = (err.cause as Error).cause;
    expect(inspect(cause)).toBe('Client(client-7)');
    expect(JSON.stringify(cause)).toBe('{"id":"client-7"}');
    expect(rendered(err)).not.toContain('SECRET');
  });

  it('a copied object whose hook leaks only later, or only deeper, is cleaned when rendered', () => {
    let ready = false;
    const cause = {
      message: 'boom',
      password: 'hunter2',
      [inspect.custom]: (depth: number) => (ready || depth > 2 ? `Client{${SECRET}}` : 'Client{}'),
      toJSON: () => (ready ? { h: SECRET } : {}),
    };
    const err = toPipelineError(new Error('w', { cause }));
    ready = true;
    expect(rendered(err)).not.toContain('SECRET');
    expect(inspect(err, { depth: 10 })).toContain('Client{Bearer [REDACTED]}');
  });

  it('an object kept as it is keeps its hook, which is not called again when copied', () => {
    let calls = 0;
    const clean = {
      toJSON: () => {
        calls++;
        return {};
      },
    };
    expect(new PipelineError('x', { cause: clean }).cause).toBe(clean);
    calls = 0;
    new PipelineError('x', { cause: { ...clean, token: 'x' } });
    expect(calls).toBe(0);
  });

  it('a hook rendering more than 1 MiB of text is replaced by a note', () => {
    const big = { message: 'boom', [inspect.custom]: () => 'x'.repeat(2 ** 21) + SECRET };
    const err = new PipelineError('x', { cause: big });
    expect(err.cause).not.toBe(big);
    expect(inspect(err.cause)).toContain('too long to check');
  });
});
