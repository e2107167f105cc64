import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { cloudLoggingLogger, type PinoLike, pinoLogger } from '../../../src/logging/index.js';

/** The fields Cloud Logging's agent reads from a JSON line into the entry itself, and the logger's own. */
const CLOUD_LOGGING_NAMES = [
  'severity',
  'message',
  'time',
  'timestamp',
  'timestampSeconds',
  'timestampNanos',
  'httpRequest',
  'logging.googleapis.com/trace',
  'logging.googleapis.com/spanId',
  'logging.googleapis.com/trace_sampled',
  'logging.googleapis.com/labels',
  'logging.googleapis.com/sourceLocation',
  'logging.googleapis.com/insertId',
  'logging.googleapis.com/operation',
  'logging.googleapis.com/logName',
  '@type',
  'stack_trace',
  'serviceContext',
  'logFieldsError',
  'reservedFields',
];

const FORGED = { forged: true };

function cloudEntry(name: string): Record<string, unknown> {
  const lines: string[] = [];
  const logger = cloudLoggingLogger({
    write: (line) => lines.push(line),
    projectId: 'p',
    labels: { service: 'real' },
    serviceContext: { service: 'real' },
  });
  logger.error('real message', { [name]: FORGED, error: new Error('boom'), kept: 1 });
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0]!) as Record<string, unknown>;
}

describe("cloudLoggingLogger: a caller's field never sets or forges one of the entry's own", () => {
  it.each(CLOUD_LOGGING_NAMES)('%s is written under reservedFields, not at the top', (name) => {
    const entry = cloudEntry(name);
    expect(entry[name]).not.toEqual(FORGED);
    expect(entry.reservedFields).toEqual({ [name]: FORGED });
    expect(entry).toMatchObject({ severity: 'ERROR', message: 'real message', kept: 1 });
    expect(entry['logging.googleapis.com/labels']).toEqual({ service: 'real' });
  });

  it('any other logging.googleapis.com/ name is reserved too (the agent reads more than it documents)', () => {
    const entry = cloudEntry('logging.googleapis.com/http_request');
    expect(entry['logging.googleapis.com/http_request']).toBeUndefined();
    expect(entry.reservedFields).toEqual({ 'logging.googleapis.com/http_request': FORGED });
  });

  it('fields with no reserved name are written as before, with no reservedFields', () => {
    const lines: string[] = [];
    cloudLoggingLogger({ write: (line) => lines.push(line) }).info('m', { level: 'x', table: 't' });
    expect(JSON.parse(lines[0]!)).toEqual(expect.objectContaining({ level: 'x', table: 't' }));
    expect(lines[0]).not.toContain('reservedFields');
  });
});

const PINO_NAMES = [
  'level',
  'time',
  'msg',
  'pid',
  'hostname',
  'trace_id',
  'span_id',
  'trace_flags',
  'severity',
  'message',
  'logging.googleapis.com/trace',
  'reservedFields',
];

describe("pinoLogger: a caller's field never sets one of pino's own or the trace fields", () => {
  it.each(PINO_NAMES)('%s is handed to pino under reservedFields', (name) => {
    const objects: Array<Record<string, unknown>> = [];
    const record = (object: object): void => {
      objects.push(object as Record<string, unknown>);
    };
    const target: PinoLike = { debug: record, info: record, warn: record, error: record };
    pinoLogger(target).info('m', { [name]: FORGED, kept: 1 });
    expect(objects[0]?.[name]).not.toEqual(FORGED);
    expect(objects[0]).toMatchObject({ kept: 1, reservedFields: { [name]: FORGED } });
  });

  it('a real pino writes its own level, time and msg, and the caller keeps the fields named alike', () => {
    const lines: string[] = [];
    const target = pino({ base: { pid: 1, hostname: 'h' } }, { write: (line: string) => lines.push(line) });
    pinoLogger(target).warn('real', { level: 'spoof', time: 1, msg: 'spoofed', pid: 2 });
    // JSON.parse keeps the last of duplicate keys, as a log collector does.
    const entry = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(entry).toMatchObject({ level: 40, msg: 'real', pid: 1 });
    expect(entry.time).not.toBe(1);
    expect(entry.reservedFields).toEqual({ level: 'spoof', time: 1, msg: 'spoofed', pid: 2 });
  });
});
