import { describe, expect, it } from 'vitest';
import { cloudLoggingLogger, type PinoLike, pinoLogger } from '../../../src/logging/index.js';

// Built at run time, obviously fake: a value no text pattern recognizes by itself.
const SECRET = ['Zq7', 'fake', 'adversarial', 'value'].join('q');

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
