import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../../src/errors/index.js';
import { durationToMs, readHeader } from '../../../src/errors/retry-after.js';

const NOW = Date.parse('Sun, 01 Mar 2026 12:00:00 GMT');

describe('parseRetryAfter', () => {
  it.each([
    ['0', 0],
    ['7', 7000],
    [' 120 ', 120_000],
    ['1.5', 1500],
  ])('delta seconds %j -> %i ms', (value, ms) => {
    expect(parseRetryAfter(value, NOW)).toBe(ms);
  });

  it.each([
    ['IMF-fixdate', 'Sun, 01 Mar 2026 12:00:30 GMT', 30_000],
    ['RFC 850', 'Sunday, 01-Mar-26 12:01:00 GMT', 60_000],
    ['asctime', 'Sun Mar  1 12:00:05 2026', 5000],
  ])('HTTP date (%s) against the given now', (_form, value, ms) => {
    expect(parseRetryAfter(value, NOW)).toBe(ms);
  });

  it('a date in the past means "now", never a negative delay', () => {
    expect(parseRetryAfter('Sun, 01 Mar 2026 11:00:00 GMT', NOW)).toBe(0);
  });

  it.each(['', '   ', '-5', 'soon', '5 apples', 'Foo, bar', '1e3'])('rejects %j', (value) => {
    expect(parseRetryAfter(value, NOW)).toBeUndefined();
  });
});

describe('readHeader', () => {
  it('reads plain objects in any case, arrays and numbers', () => {
    expect(readHeader({ 'Retry-After': '5' }, 'retry-after')).toBe('5');
    expect(readHeader({ 'retry-after': ['6', '7'] }, 'Retry-After')).toBe('6');
    expect(readHeader({ 'retry-after': 8 }, 'retry-after')).toBe('8');
    expect(readHeader({ 'retry-after': { odd: true } }, 'retry-after')).toBeUndefined();
    expect(readHeader({}, 'retry-after')).toBeUndefined();
  });

  it('reads Headers and Map-like objects through get()', () => {
    expect(readHeader(new Headers({ 'Retry-After': '9' }), 'Retry-After')).toBe('9');
    expect(readHeader(new Map([['retry-after', '10']]), 'Retry-After')).toBe('10');
  });

  it('ignores non-objects', () => {
    expect(readHeader(undefined, 'retry-after')).toBeUndefined();
    expect(readHeader('retry-after: 5', 'retry-after')).toBeUndefined();
  });
});

describe('durationToMs (google.protobuf.Duration as the clients hand it over)', () => {
  it.each([
    ['JSON string', '2.5s', 2500],
    ['JSON string, whole seconds', '3s', 3000],
    ['numbers', { seconds: 1, nanos: 500_000_000 }, 1500],
    ['string seconds', { seconds: '4', nanos: 0 }, 4000],
    ['bigint seconds', { seconds: 5n }, 5000],
    ['protobufjs Long', { seconds: { low: 6, high: 0, unsigned: false, toNumber: () => 6 }, nanos: 0 }, 6000],
    ['Long without toNumber', { seconds: { low: 7, high: 0 }, nanos: 0 }, 7000],
    ['nanos only', { nanos: 250_000_000 }, 250],
  ])('%s', (_label, value, ms) => {
    expect(durationToMs(value)).toBe(ms);
  });

  it.each([
    ['garbage string', 'soon'],
    ['null', null],
    ['no fields', {}],
    ['odd seconds', { seconds: 'x' }],
    ['odd Long', { seconds: { toNumber: () => 'x' } }],
  ])('rejects %s', (_label, value) => {
    expect(durationToMs(value)).toBeUndefined();
  });
});
