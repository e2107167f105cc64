import { describe, expect, it, vi } from 'vitest';
import { cloudLoggingLogger, type Logger, type PinoLike, pinoLogger } from '../../../src/logging/index.js';

/** Both loggers, each with what it hands on (a JSON line, or the object pino would serialize). */
function loggers(): Array<[string, Logger, () => Array<Record<string, unknown>>]> {
  const lines: string[] = [];
  const cloud = cloudLoggingLogger({ write: (line) => lines.push(line) });
  const objects: Array<Record<string, unknown>> = [];
  const record = (object: object, msg: string) => objects.push({ ...object, msg });
  const target: PinoLike = { debug: record, info: record, warn: record, error: record };
  return [
    ['cloudLoggingLogger', cloud, () => lines.map((line) => JSON.parse(line) as Record<string, unknown>)],
    // What pino would write: its JSON of the object.
    [
      'pinoLogger',
      pinoLogger(target),
      () => objects.map((o) => JSON.parse(JSON.stringify(o)) as Record<string, unknown>),
    ],
  ];
}

const SECRETS = [
  'ya29.SECRETTOKEN',
  'abc123tokenvalue',
  'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC',
  'hunter2hunter2',
  'sessioncookie42',
];

describe.each(loggers())('%s: one bad field loses only itself', (_name, logger, entries) => {
  it('a cycle, a throwing getter, a revoked proxy, a throwing toJSON or a chain 5,000 deep: marked in place, the error and the other fields kept', () => {
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    const getter = Object.defineProperty({ ok: 1 }, 'bad', {
      enumerable: true,
      get() {
        throw new Error('getter');
      },
    });
    const { proxy, revoke } = Proxy.revocable({ a: 1 }, {});
    revoke();
    let chain: Record<string, unknown> = { end: true };
    for (let i = 0; i < 5000; i++) chain = { next: chain };
    const fields = {
      attempt: 3,
      error: new Error('backend unavailable'),
      cyclic,
      getter,
      proxy,
      json: {
        toJSON: () => {
          throw new Error('no');
        },
      },
      chain,
    };
    expect(() => logger.error('failed', fields)).not.toThrow();
    const [entry] = entries();
    expect(entry).toMatchObject({
      attempt: 3,
      error: { name: 'Error', message: 'backend unavailable' },
      cyclic: { name: 'loop', self: '[circular]' },
      getter: { ok: 1, bad: '[unreadable]' },
      proxy: '[unreadable]',
      json: '[unreadable]',
    });
    expect(JSON.stringify(entry?.chain)).toContain('[too deep]');
    expect(entry?.logFieldsError).toBeUndefined();
  });
});

describe.each(loggers())('%s: credentials at any depth', (_name, logger, entries) => {
  it('never writes a credential from a field: headers of a gaxios-style config, a URL token, a service-account key, cookies', () => {
    class Request {
      constructor(readonly config: object) {}
    }
    logger.warn('request failed', {
      config: {
        url: 'https://bigquery.googleapis.com/x?access_token=abc123tokenvalue&alt=json',
        headers: {
          Authorization: 'Bearer ya29.SECRETTOKEN',
          'x-goog-api-key': 'k',
          Cookie: 'sid=sessioncookie42',
        },
      },
      nested: [[{ deeper: new Request({ headers: { authorization: ['Bearer ya29.SECRETTOKEN'] } }) }]],
      key: JSON.stringify({
        type: 'service_account',
        private_key:
          '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n',
      }),
      credentials: {
        client_email: 'a@b.iam.gserviceaccount.com',
        private_key: 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC',
      },
      db: { user: 'app', password: 'hunter2hunter2' },
      maxTokens: 50,
    });
    const text = JSON.stringify(entries());
    for (const secret of SECRETS) expect(text).not.toContain(secret);
    const [entry] = entries();
    expect(entry).toMatchObject({
      config: { headers: { Authorization: '[REDACTED]' } },
      db: { user: 'app', password: '[REDACTED]' },
      maxTokens: 50,
    });
    expect((entry?.config as { url?: string } | undefined)?.url).toContain('bigquery.googleapis.com');
  });

  it('never writes a credential from the message', () => {
    logger.info(
      'GET https://api.example.com/v1?access_token=abc123tokenvalue failed: Bearer ya29.SECRETTOKEN',
    );
    const text = JSON.stringify(entries());
    for (const secret of SECRETS) expect(text).not.toContain(secret);
    expect(text).toContain('api.example.com');
  });
});

describe.each(loggers())('%s: bounded', (_name, logger, entries) => {
  it('a huge string, array, object or shared subtree gives a line of bounded size, still valid JSON', () => {
    let shared: unknown[] = ['leaf'];
    for (let i = 0; i < 20; i++) shared = [shared, shared]; // a million leaves, by reference
    const wide: Record<string, number> = {};
    for (let i = 0; i < 100_000; i++) wide[`k${i}`] = i;
    logger.info('big', {
      body: 'x'.repeat(1_000_000),
      rows: Array.from({ length: 100_000 }, (_, i) => ({ id: i, name: `player ${i}` })),
      wide,
      shared,
      [`${'k'.repeat(100_000)}`]: 1,
    });
    const [entry] = entries();
    const size = Buffer.byteLength(JSON.stringify(entry));
    expect(size).toBeLessThan(256 * 1024);
    expect(String(entry?.body).length).toBeLessThan(10_000);
    expect(String(entry?.body).endsWith('…')).toBe(true);
    expect((entry?.rows as unknown[] | undefined)?.at(-1)).toMatch(/^\[truncated\] \d+ more$/);
  });
});

describe('cloudLoggingLogger: a line Cloud Logging would refuse whole', () => {
  it('fields of text JSON escapes six-fold are dropped with a note, the entry kept under 200 KB', () => {
    const lines: string[] = [];
    const logger = cloudLoggingLogger({ write: (line) => lines.push(line) });
    const control = '\u0001'.repeat(7000);
    logger.warn(`escaped ${control}`, { a: control, b: control, c: control, d: control, e: control });
    const entry = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
    expect(Buffer.byteLength(lines[0] ?? '')).toBeLessThan(200 * 1024);
    expect(entry).toMatchObject({ severity: 'WARNING' });
    expect(String(entry.message).startsWith('escaped \u0001')).toBe(true);
    expect(String(entry.logFieldsError)).toMatch(/^fields too large \(\d+ bytes\)$/);
  });

  it('an error whose stack is endless (stackTraceLimit = Infinity, deep recursion) keeps a bounded stack_trace', () => {
    const lines: string[] = [];
    const logger = cloudLoggingLogger({ write: (line) => lines.push(line) });
    const error = new Error('deep');
    error.stack = `Error: deep\n${`    at recurse (/app/${'x'.repeat(2000)}.js:1:1)\n`.repeat(20_000)}`;
    logger.error('failed', { error });
    const entry = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
    const stack = String(entry.stack_trace);
    expect(stack.startsWith('Error: deep\n    at recurse')).toBe(true);
    expect(stack.split('\n').length).toBeLessThanOrEqual(101);
    expect(Buffer.byteLength(lines[0] ?? '')).toBeLessThan(200 * 1024);
  });
});

describe('cloudLoggingLogger with a write that fails', () => {
  it('an async write that rejects (a file or a transport) is never an unhandled rejection, which ends a Node process', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const logger = cloudLoggingLogger({
        write: async () => {
          throw new Error('disk full');
        },
      });
      expect(() => logger.warn('retrying', { attempt: 1 })).not.toThrow();
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unhandled).toEqual([]);
  });
});

describe('an error whose name or code carries a credential or is huge', () => {
  function hostile(): Error {
    const error = Object.assign(new Error('request failed'), {
      code: `token=abc123tokenvalue${'c'.repeat(1_000_000)}`,
    });
    error.name = `Bearer ya29.SECRETTOKEN ${'n'.repeat(1_000_000)}`;
    return error;
  }

  it.each(loggers())(
    '%s writes its name and code without the credential, cut short, with the other fields',
    (_name, logger, entries) => {
      logger.error('failed', { error: hostile(), attempt: 2 });
      const [entry] = entries();
      const text = JSON.stringify(entry);
      for (const secret of SECRETS) expect(text).not.toContain(secret);
      expect(entry?.attempt).toBe(2);
      const error = entry?.error as { name: string; code: string };
      expect(error.name.startsWith('Bearer [REDACTED]')).toBe(true);
      expect(error.name.length).toBeLessThan(1000);
      expect(error.code.startsWith('token=[REDACTED]')).toBe(true);
      expect(error.code.length).toBeLessThan(1000);
    },
  );
});

describe.each(loggers())('%s: an own __proto__ key (JSON from outside)', (_name, logger, entries) => {
  it('is written as the field it is, at any depth, and pollutes nothing', () => {
    const fields = JSON.parse('{"__proto__": {"polluted": "yes"}, "body": {"__proto__": {"x": 1}, "y": 2}}');
    logger.info('parsed', fields);
    const [entry] = entries();
    expect(Object.getOwnPropertyDescriptor(entry, '__proto__')?.value).toEqual({ polluted: 'yes' });
    expect(Object.getOwnPropertyDescriptor(entry?.body, '__proto__')?.value).toEqual({ x: 1 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe.each(loggers())('%s: attacks on the field walk', (_name, logger, entries) => {
  it('a credential written as a key (a per-URL count, a token used as a map key) is removed from the key', () => {
    logger.info('by url', {
      byUrl: {
        'https://api.example.com/v1?access_token=abc123tokenvalue': 3,
        'Bearer ya29.SECRETTOKEN': 1,
      },
    });
    const text = JSON.stringify(entries());
    for (const secret of SECRETS) expect(text).not.toContain(secret);
    expect(text).toContain('api.example.com');
  });

  it('a typed array of ten million bytes is walked for its first entries only, never every index listed', () => {
    const keys = vi.spyOn(Object, 'keys');
    try {
      logger.info('bytes', { body: new Uint8Array(10_000_000).fill(7) });
      const longest = Math.max(
        0,
        ...keys.mock.results.map((r) => (Array.isArray(r.value) ? r.value.length : 0)),
      );
      expect(longest).toBeLessThan(1000);
    } finally {
      keys.mockRestore();
    }
    const body = entries().at(-1)?.body as Record<string, unknown>;
    expect(body['0']).toBe(7);
    expect(body['[truncated]']).toBe('9999900 more');
  });
});
