import { afterEach, describe, expect, it, vi } from 'vitest';
import { NotFoundError, ServiceUnavailableError } from '../../../src/errors/index.js';
import { cloudLoggingLogger, serializeError, silentLogger } from '../../../src/logging/index.js';

function capture(options: Parameters<typeof cloudLoggingLogger>[0] = {}) {
  const lines: string[] = [];
  const logger = cloudLoggingLogger({ ...options, write: (line) => lines.push(line) });
  const entries = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  return { logger, lines, entries };
}

describe('cloudLoggingLogger', () => {
  it('writes one JSON line per entry with the Cloud Logging severity names', () => {
    const { logger, lines, entries } = capture();
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    expect(lines).toHaveLength(4);
    for (const line of lines) expect(line).not.toContain('\n');
    expect(entries().map((e) => [e.severity, e.message])).toEqual([
      ['DEBUG', 'd'],
      ['INFO', 'i'],
      ['WARNING', 'w'],
      ['ERROR', 'e'],
    ]);
  });

  it('adds an ISO timestamp and the structured fields', () => {
    const { logger, entries } = capture();
    logger.info('loaded', { table: 'nba_raw.games', rows: 120, nested: { ok: true } });
    const [entry] = entries();
    expect(entry).toMatchObject({
      severity: 'INFO',
      message: 'loaded',
      table: 'nba_raw.games',
      rows: 120,
      nested: { ok: true },
    });
    expect(new Date(entry?.time as string).toISOString()).toBe(entry?.time);
  });

  it('serializes errors as {name, code, message, transient}, without stack or cause', () => {
    const { logger, lines, entries } = capture();
    const cause = new Error('token=abc123 leaked in a cause');
    logger.warn('gave up', {
      error: new ServiceUnavailableError('Backend error', { cause }),
      list: [new NotFoundError('Not found: Table x')],
      plain: new TypeError('bad'),
    });
    const [entry] = entries();
    expect(entry?.error).toEqual({
      name: 'ServiceUnavailableError',
      code: 'SERVICE_UNAVAILABLE',
      message: 'Backend error',
      transient: true,
    });
    expect(entry?.list).toEqual([
      { name: 'NotFoundError', code: 'NOT_FOUND', message: 'Not found: Table x', transient: false },
    ]);
    expect(entry?.plain).toEqual({ name: 'TypeError', message: 'bad' });
    expect(lines[0]).not.toContain('stack');
    expect(lines[0]).not.toContain('abc123');
  });

  it('keeps numeric codes of raw errors and turns bigints into strings', () => {
    const { logger, entries } = capture();
    logger.warn('raw', { error: Object.assign(new Error('grpc'), { code: 14 }), bytes: 10n ** 20n });
    expect(entries()[0]).toMatchObject({
      error: { name: 'Error', message: 'grpc', code: 14 },
      bytes: '100000000000000000000',
    });
  });

  it('drops entries below minSeverity', () => {
    const { logger, entries } = capture({ minSeverity: 'WARNING' });
    logger.debug('no');
    logger.info('no');
    logger.warn('yes');
    logger.error('yes too');
    expect(entries().map((e) => e.severity)).toEqual(['WARNING', 'ERROR']);
  });

  it('adds labels under logging.googleapis.com/labels', () => {
    const { logger, entries } = capture({ labels: { processor: 'phase2_to_phase3' } });
    logger.info('hello');
    expect(entries()[0]?.['logging.googleapis.com/labels']).toEqual({ processor: 'phase2_to_phase3' });
  });

  it('does not let fields overwrite severity, message or time', () => {
    const { logger, entries } = capture();
    logger.error('real message', { severity: 'DEBUG', message: 'spoofed', time: 'yesterday', extra: 1 });
    const [entry] = entries();
    expect(entry?.severity).toBe('ERROR');
    expect(entry?.message).toBe('real message');
    expect(entry?.time).not.toBe('yesterday');
    expect(entry?.extra).toBe(1);
  });

  it('never throws on a cycle in the fields: the field is written, [circular] where the cycle closes', () => {
    const { logger, entries } = capture();
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    expect(() => logger.warn('cyclic', { cyclic })).not.toThrow();
    const [entry] = entries();
    expect(entry).toMatchObject({ severity: 'WARNING', message: 'cyclic' });
    expect(entry?.cyclic).toEqual({ name: 'loop', self: '[circular]' });
    expect(entry?.logFieldsError).toBeUndefined();
  });

  it('never throws on fields it cannot read: a throwing getter is [unreadable] in place, fields that cannot be listed (a revoked proxy) leave the entry without them', () => {
    const { logger, entries } = capture();
    const hostile = Object.defineProperty({ ok: 1 }, 'secret', {
      enumerable: true,
      get() {
        throw new Error('getter');
      },
    });
    const { proxy, revoke } = Proxy.revocable({ a: 1 }, {});
    revoke();
    expect(() => logger.error('getter', hostile)).not.toThrow();
    expect(() => logger.warn('revoked', proxy)).not.toThrow();
    expect(entries().map((e) => [e.severity, e.message, typeof e.logFieldsError])).toEqual([
      ['ERROR', 'getter', 'undefined'],
      ['WARNING', 'revoked', 'string'],
    ]);
    expect(entries()[0]).toMatchObject({ ok: 1, secret: '[unreadable]' });
  });

  describe('default output', () => {
    afterEach(() => {
      vi.restoreAllMocks();
    });

    it('writes to process.stdout, one line each', () => {
      const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
      cloudLoggingLogger().info('to stdout', { n: 1 });
      expect(write).toHaveBeenCalledTimes(1);
      const text = String(write.mock.calls[0]?.[0]);
      expect(text.endsWith('\n')).toBe(true);
      expect(JSON.parse(text)).toMatchObject({ severity: 'INFO', message: 'to stdout', n: 1 });
    });
  });
});

describe('credentials in logged errors', () => {
  it('never writes a token or key from an error message, neither in the error field nor in the Error Reporting stack_trace', () => {
    const { logger, lines } = capture({ projectId: 'p' });
    const raw = new Error(
      'GET https://bigquery.googleapis.com/x?key=AIzaSyFAKE0123456789&access_token=ya29.FAKETOKEN failed: Authorization: Bearer ya29.OTHER',
    );
    logger.error('request failed', { error: raw });
    logger.warn('retrying', { attempt: 1, err: raw });
    for (const line of lines) {
      expect(line).not.toMatch(/AIzaSyFAKE|ya29\.FAKETOKEN|ya29\.OTHER/);
      expect(line).toContain('[REDACTED]');
    }
    const entry = JSON.parse(lines[0]!) as Record<string, string>;
    expect(entry.stack_trace).toMatch(/^Error: GET https:\/\/bigquery\.googleapis\.com\/x\?key=\[REDACTED\]/);
    expect(serializeError(raw).message).not.toMatch(/ya29\.FAKETOKEN/);
  });

  it('never writes a credential from a message line that looks like a stack frame: stack_trace takes frames only from the stack itself', () => {
    const { logger, lines } = capture({ projectId: 'p' });
    // A service answer quoted in a message can hold lines that begin with "at", as frames do.
    const raw = new Error(
      'upstream said:\n    at https://x.example/cb?access_token=ya29.FRAMETOKEN\n    at Authorization: Bearer FRAMEBEARER',
    );
    logger.error('request failed', { error: raw });
    const entry = JSON.parse(lines[0]!) as Record<string, string>;
    expect(lines[0]).not.toMatch(/ya29\.FRAMETOKEN|FRAMEBEARER/);
    // The message is stated once, in the head, not again among the frames.
    expect(entry.stack_trace?.match(/x\.example\/cb/g)).toHaveLength(1);
    expect(entry.stack_trace).toMatch(/\n {4}at .*cloud-logging\.test\.ts/);
  });

  it('redacts a frame line that is not part of the message too (a stack rewritten after the fact)', () => {
    const { logger, lines } = capture({ projectId: 'p' });
    const raw = new Error('plain');
    raw.stack =
      'Error: plain\n    at fetch (https://x.example/?key=AIzaSyFRAMEKEY0123456789abcdefghijklmn:1:1)';
    logger.error('request failed', { error: raw });
    expect(lines[0]).not.toContain('AIzaSyFRAMEKEY');
    expect((JSON.parse(lines[0]!) as Record<string, string>).stack_trace).toContain('key=[REDACTED]');
  });
});

describe('hostile errors', () => {
  it('an error whose name or message getter throws never makes the logger throw; the entry is still written', () => {
    const { logger, entries } = capture();
    const byName = new Error('m');
    Object.defineProperty(byName, 'name', {
      get() {
        throw new Error('getter');
      },
    });
    const byMessage = new Error('m');
    Object.defineProperty(byMessage, 'message', {
      get() {
        throw new Error('getter');
      },
    });
    expect(() => logger.error('first', { error: byName })).not.toThrow();
    expect(() => logger.error('second', { err: byMessage })).not.toThrow();
    expect(entries().map((e) => [e.severity, e.message])).toEqual([
      ['ERROR', 'first'],
      ['ERROR', 'second'],
    ]);
  });
});

describe('silentLogger', () => {
  it('accepts every call and writes nothing', () => {
    const write = vi.spyOn(process.stdout, 'write');
    silentLogger.debug('x', { a: 1 });
    silentLogger.info('x');
    silentLogger.warn('x');
    silentLogger.error('x', { error: new Error('e') });
    expect(write).not.toHaveBeenCalled();
    write.mockRestore();
    expect(Object.isFrozen(silentLogger)).toBe(true);
  });
});

describe('serializeError', () => {
  it('keeps name and message, and code/transient only when they have the right types', () => {
    expect(
      serializeError(Object.assign(new Error('m'), { code: { nested: true }, transient: 'yes' })),
    ).toEqual({
      name: 'Error',
      message: 'm',
    });
  });
});
