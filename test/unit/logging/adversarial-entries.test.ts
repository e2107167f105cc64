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
