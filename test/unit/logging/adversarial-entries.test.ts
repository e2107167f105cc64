import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { cloudLoggingLogger, type PinoLike, pinoLogger } from '../../../src/logging/index.js';

// Built at run time, obviously fake: a value no text pattern recognizes by itself, and an OAuth token.
const SECRET = ['Zq7', 'fake', 'adversarial', 'value'].join('q');
const TOKEN = ['ya29', 'Zq7fakeLabelToken0123456789'].join('.');

function capture(options: Parameters<typeof cloudLoggingLogger>[0] = {}) {
  const lines: string[] = [];
  const logger = cloudLoggingLogger({ ...options, write: (line) => lines.push(line) });
  const entries = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  return { logger, lines, entries };
}

describe('stack_trace: a credential split between the name and the message of an error', () => {
  it('does not join up into `password: <value>` in the Error Reporting head', () => {
    const { logger, lines } = capture();
    const error = new Error(SECRET);
    error.name = 'password';
    logger.error('failed', { error });
    expect(JSON.parse(lines[0]!).stack_trace).toMatch(/^password: \[REDACTED\]/);
  });
});

describe('the error field: a credential split between name and message', () => {
  it('cloudLoggingLogger and pinoLogger write the message without it', () => {
    const error = new Error(SECRET);
    error.name = 'api_key';
    const { logger, lines } = capture();
    logger.warn('failed', { error });
    expect(lines[0]).not.toContain(SECRET);
    const seen: object[] = [];
    const record = (object: object): void => {
      seen.push(object);
    };
    const target: PinoLike = { debug: record, info: record, warn: record, error: record };
    pinoLogger(target).warn('failed', { error });
    expect(JSON.stringify(seen)).not.toContain(SECRET);
    expect(seen[0]).toMatchObject({ error: { name: 'api_key', message: '[REDACTED]' } });
  });
});

describe('labels: written on every entry, so cleaned like the fields, and as they were checked', () => {
  it('a label named as a credential, or holding one, is written without it', () => {
    const { logger, lines, entries } = capture({
      labels: { apiKey: SECRET, source: `https://api.example.com/v1?access_token=${TOKEN}`, service: 's' },
    });
    logger.info('m');
    expect(lines[0]).not.toContain(SECRET);
    expect(lines[0]).not.toContain(TOKEN);
    expect(entries()[0]?.['logging.googleapis.com/labels']).toEqual({
      apiKey: '[REDACTED]',
      source: 'https://api.example.com/v1?access_token=[REDACTED]',
      service: 's',
    });
  });

  it('a label changed after the logger was made (to a non-string, or a credential) does not reach the entries', () => {
    const labels: Record<string, unknown> = { service: 's' };
    const { logger, entries } = capture({ labels: labels as Record<string, string> });
    labels.service = { nested: true };
    labels.token = SECRET;
    logger.info('m');
    expect(entries()[0]?.['logging.googleapis.com/labels']).toEqual({ service: 's' });
  });
});

describe('field keys: cleaned, bounded, and never one over another', () => {
  it('two keys that are the same once their credentials are removed are both written', () => {
    const { logger, entries } = capture();
    logger.info('m', {
      [`https://a.example/v1?access_token=${TOKEN}`]: 1,
      [`https://a.example/v1?access_token=${TOKEN}x`]: 2,
    });
    const entry = entries()[0]!;
    expect(JSON.stringify(entry)).not.toContain(TOKEN);
    expect(entry['https://a.example/v1?access_token=[REDACTED]']).toBe(1);
    expect(entry['https://a.example/v1?access_token=[REDACTED] (2)']).toBe(2);
  });

  it("a caller's own `[truncated]` field is kept beside the marker", () => {
    const { logger, entries } = capture();
    const many = Object.fromEntries(Array.from({ length: 120 }, (_, i) => [`k${i}`, i]));
    logger.info('m', { '[truncated]': 'mine', ...many });
    const entry = entries()[0]!;
    expect(entry['[truncated]']).toBe('mine');
    expect(entry['[truncated] (2)']).toBe('21 more');
  });

  it('a key of megabytes is cut as a string value is (8,000 characters), and the entry keeps its fields', () => {
    const { logger, entries } = capture();
    const fields = { ['k'.repeat(32_000_000)]: 1, kept: true };
    const started = performance.now();
    logger.info('m', fields);
    const entry = entries()[0]!;
    expect(entry.logFieldsError).toBeUndefined();
    expect(entry.kept).toBe(true);
    expect(Object.keys(entry).some((key) => key.startsWith('kkkk') && key.length <= 8001)).toBe(true);
    // Cleaning the whole key grows with its length (about 200 ms for four megabytes on the 2-core
    // machine, so well over a second for these 32); a cut key reads 16,000 characters whatever its
    // length. The bound is generous for a loaded machine and still far below the whole key's cost.
    expect(performance.now() - started).toBeLessThan(500);
  });
});

describe('stack_trace of an error with a stack of megabytes', () => {
  it('reads only the start of the stack it can keep: 100 frames, not two million split into lines', () => {
    const { logger, entries } = capture();
    const error = new Error('m');
    error.stack = `Error: m\n${'    at f (file.js:1:1)\n'.repeat(2_000_000)}`;
    const started = performance.now();
    logger.error('failed', { error });
    // Splitting the whole stack took about 1.7 s per entry on the 2-core machine; the kept start, a few ms.
    expect(performance.now() - started).toBeLessThan(400);
    const frames = String(entries()[0]?.stack_trace).split('\n');
    expect(frames).toHaveLength(101);
  });
});

describe('fields that cannot be listed: the reason written in logFieldsError', () => {
  it('is cleaned and bounded when what was thrown is not an Error (a string with a token)', () => {
    const { logger, lines, entries } = capture();
    const fields = new Proxy(
      {},
      {
        ownKeys() {
          throw `refused: access_token=${TOKEN} ${'x'.repeat(100_000)}`;
        },
      },
    );
    logger.warn('m', fields);
    expect(lines[0]).not.toContain(TOKEN);
    expect(String(entries()[0]?.logFieldsError).length).toBeLessThanOrEqual(8001);
  });
});

describe('pinoLogger with fields that cannot be listed', () => {
  it('still hands pino the entry, with logFieldsError saying why, as cloudLoggingLogger writes it', () => {
    const calls: Array<[object, string]> = [];
    const record = (object: object, message: string): void => {
      calls.push([object, message]);
    };
    const target: PinoLike = { debug: record, info: record, warn: record, error: record };
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    pinoLogger(target).error('the load failed', proxy);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.[1]).toBe('the load failed');
    expect(calls[0]?.[0]).toMatchObject({ logFieldsError: expect.stringContaining('revoked') });
  });
});

describe('an Error made in another realm (node:vm, a test sandbox)', () => {
  it('is written as an error (name, message, stack_trace), not as {}', () => {
    const { logger, entries } = capture();
    const error = runInNewContext('new TypeError("from the sandbox")') as Error;
    expect(error instanceof Error).toBe(false);
    logger.error('failed', { error });
    const entry = entries()[0]!;
    expect(entry.error).toEqual({ name: 'TypeError', message: 'from the sandbox' });
    expect(String(entry.stack_trace)).toMatch(/^TypeError: from the sandbox/);
  });

  it('pinoLogger writes it as an error too', () => {
    const seen: object[] = [];
    const record = (object: object): void => {
      seen.push(object);
    };
    const target: PinoLike = { debug: record, info: record, warn: record, error: record };
    pinoLogger(target).warn('failed', { nested: { err: runInNewContext('new Error("sandboxed")') } });
    expect(seen[0]).toMatchObject({ nested: { err: { name: 'Error', message: 'sandboxed' } } });
  });
});
