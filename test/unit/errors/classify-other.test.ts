import { describe, expect, it } from 'vitest';
import {
  isTransientError,
  NotFoundError,
  PartialInsertError,
  PipelineError,
  ServiceUnavailableError,
  toPipelineError,
} from '../../../src/errors/index.js';
import { partialFailure } from './fixtures.js';

describe('toPipelineError: values that are not errors', () => {
  it.each([
    ['a string', 'boom', 'Unknown error (a string was thrown): boom'],
    ['undefined', undefined, 'Unknown error: undefined was thrown'],
    ['null', null, 'Unknown error: null was thrown'],
    ['a number', 42, 'Unknown error (a number was thrown): 42'],
    ['a boolean', false, 'Unknown error (a boolean was thrown): false'],
    ['a bigint', 7n, 'Unknown error (a bigint was thrown): 7'],
    [
      'a plain object',
      { stage: 'load', rows: 3 },
      'Unknown error (an object was thrown): {"stage":"load","rows":3}',
    ],
    ['an object with a message', { message: 'custom failure' }, 'custom failure'],
  ])('%s becomes a permanent PipelineError UNKNOWN keeping the value as cause', (_label, value, message) => {
    const err = toPipelineError(value);
    expect(err.constructor).toBe(PipelineError);
    expect(err.code).toBe('UNKNOWN');
    expect(err.transient).toBe(false);
    expect(err.message).toBe(message);
    expect(err.cause).toBe(value);
    expect(Object.hasOwn(err, 'cause')).toBe(true);
  });

  it('a function is summarized by its kind', () => {
    expect(toPipelineError(() => 1).message).toBe('Unknown error (a function was thrown): () => 1');
  });

  it('an object JSON cannot write is still summarized with what it holds: a cycle, a bigint', () => {
    const circular: Record<string, unknown> = { stage: 'load' };
    circular.self = circular;
    expect(toPipelineError(circular).message).toBe(
      'Unknown error (an object was thrown): {"stage":"load","self":"[Circular]"}',
    );
    expect(toPipelineError({ game_id: 10n }).message).toBe(
      'Unknown error (an object was thrown): {"game_id":"10n"}',
    );
    const throwing = {
      toJSON: () => {
        throw new Error('no');
      },
    };
    expect(toPipelineError(throwing).message).toBe('Unknown error (an object was thrown): [object Object]');
  });

  it('a plain Error keeps its message; other Error kinds are named', () => {
    expect(toPipelineError(new Error('disk full')).message).toBe('disk full');
    expect(toPipelineError(new RangeError('bad index')).message).toBe('RangeError: bad index');
    expect(toPipelineError(new Error('')).message).toBe('(no message)');
    expect(toPipelineError(new TypeError('x is not a function')).transient).toBe(false);
  });

  it('an AggregateError of plain errors is not mistaken for a BigQuery job error', () => {
    const err = toPipelineError(new AggregateError([new Error('a'), new Error('b')], 'several'));
    expect(err.constructor).toBe(PipelineError);
    expect(err.message).toBe('AggregateError: several');
  });
});

describe('toPipelineError is idempotent', () => {
  it('returns a PipelineError unchanged', () => {
    const typed = new NotFoundError('gone');
    expect(toPipelineError(typed)).toBe(typed);
    expect(toPipelineError(toPipelineError('x'))).toBeInstanceOf(PipelineError);
    const once = toPipelineError(new Error('read ECONNRESET'));
    expect(toPipelineError(once)).toBe(once);
  });
});

describe('isTransientError', () => {
  it('answers from the flag of a typed error without reclassifying', () => {
    expect(isTransientError(new ServiceUnavailableError('down'))).toBe(true);
    expect(isTransientError(new ServiceUnavailableError('down', { transient: false }))).toBe(false);
  });

  it('classifies anything else', () => {
    expect(isTransientError(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isTransientError('boom')).toBe(false);
    expect(isTransientError(undefined)).toBe(false);
  });
});

describe('toPipelineError: PartialFailureError (table.insert)', () => {
  it('becomes a PartialInsertError with one RowFailure per refused row', () => {
    const original = partialFailure([
      {
        index: 2,
        row: { insertId: 'g1-r2', json: { pts: 'x' } },
        errors: [{ reason: 'invalid', message: 'Cannot convert value to integer.' }],
      },
      { index: 5, row: { player: 'a' }, errors: [{ reason: 'stopped', message: '' }] },
    ]);
    const err = toPipelineError(original) as PartialInsertError;
    expect(err).toBeInstanceOf(PartialInsertError);
    expect(err.code).toBe('PARTIAL_INSERT');
    expect(err.transient).toBe(false);
    expect(err.cause).toBe(original);
    expect(err.inserted).toBe(0);
    expect(err.table).toBe('');
    expect(err.failures).toEqual([
      {
        index: 2,
        row: { insertId: 'g1-r2', json: { pts: 'x' } },
        insertId: 'g1-r2',
        reasons: [{ reason: 'invalid', message: 'Cannot convert value to integer.' }],
      },
      { index: 5, row: { player: 'a' }, insertId: undefined, reasons: [{ reason: 'stopped', message: '' }] },
    ]);
    expect(err.message).toBe(
      'BigQuery streaming insert refused 2 row(s): row 2: invalid (Cannot convert value to integer.), row 5: stopped',
    );
  });

  it('is transient only when every refused row failed for a transient reason', () => {
    const err = toPipelineError(
      partialFailure([
        { index: 0, row: {}, errors: [{ reason: 'backendError', message: 'try again' }] },
        { index: 1, row: {}, errors: [{ reason: 'stopped', message: '' }] },
      ]),
    );
    expect(err.transient).toBe(true);
  });

  it('summarizes at most three rows and uses positions when the response lacks indexes', () => {
    const original = partialFailure(
      [0, 1, 2, 3, 4].map((i) => ({
        index: i,
        row: { i },
        errors: [{ reason: 'invalid', message: `bad ${i}` }],
      })),
    );
    (original as unknown as { response: unknown }).response = {};
    const err = toPipelineError(original) as PartialInsertError;
    expect(err.failures.map((f) => f.index)).toEqual([0, 1, 2, 3, 4]);
    expect(err.message).toBe(
      'BigQuery streaming insert refused 5 row(s): row 0: invalid (bad 0), row 1: invalid (bad 1), row 2: invalid (bad 2) and 2 more',
    );
  });

  it('copes with rows that carry no reasons', () => {
    const original = Object.assign(new Error(''), {
      name: 'PartialFailureError',
      errors: [{ row: 1 }, 'junk'],
    });
    const err = toPipelineError(original) as PartialInsertError;
    expect(err.failures).toEqual([
      { index: 0, row: 1, insertId: undefined, reasons: [] },
      { index: 1, row: undefined, insertId: undefined, reasons: [] },
    ]);
    expect(err.transient).toBe(false);
    expect(err.message).toContain('row 0: no reason given');
  });
});
