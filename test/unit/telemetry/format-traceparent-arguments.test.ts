import { describe, expect, it } from 'vitest';
import { formatTraceparent, parseTraceparent, type TraceParent } from '../../../src/telemetry/index.js';

// formatTraceparent(undefined) used to throw `Cannot read properties of undefined (reading
// 'traceId')`, and a malformed field was written into a header every receiver drops.
const valid: TraceParent = {
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  spanId: '00f067aa0ba902b7',
  sampled: true,
};

describe('formatTraceparent refuses a parent it cannot write, naming the field', () => {
  it.each([
    [
      'undefined',
      undefined,
      /^formatTraceparent: parent must be an object \{ traceId, spanId, sampled \}, got undefined$/,
    ],
    ['null', null, /^formatTraceparent: parent must be an object .*, got null$/],
    ['a string', '00-4bf9', /^formatTraceparent: parent must be an object .*, got a string \("00-4bf9"\)$/],
  ])('%s', (_, parent, message) => {
    expect(() => formatTraceparent(parent as never)).toThrow(TypeError);
    expect(() => formatTraceparent(parent as never)).toThrow(message);
  });

  it.each([
    [
      'a missing traceId',
      { ...valid, traceId: undefined },
      /parent\.traceId must be 32 lowercase hex digits, not all zero, got undefined/,
    ],
    ['a short traceId', { ...valid, traceId: 'abc' }, /parent\.traceId must be .*, got a string \("abc"\)/],
    ['an upper-case traceId', { ...valid, traceId: valid.traceId.toUpperCase() }, /parent\.traceId/],
    ['an all-zero traceId', { ...valid, traceId: '0'.repeat(32) }, /parent\.traceId/],
    [
      'a numeric spanId',
      { ...valid, spanId: 7 },
      /parent\.spanId must be 16 lowercase hex digits, not all zero, got a number \(7\)/,
    ],
    ['an all-zero spanId', { ...valid, spanId: '0'.repeat(16) }, /parent\.spanId/],
    [
      'a string sampled',
      { ...valid, sampled: 'yes' },
      /parent\.sampled must be a boolean, got a string \("yes"\)/,
    ],
  ])('%s', (_, parent, message) => {
    expect(() => formatTraceparent(parent as never)).toThrow(TypeError);
    expect(() => formatTraceparent(parent as never)).toThrow(message);
  });

  it('a huge traceId is cut short in the message', () => {
    const error = (() => {
      try {
        formatTraceparent({ ...valid, traceId: 'f'.repeat(1_000_000) });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error?.message.length).toBeLessThan(200);
  });

  it('still writes a valid parent, which parses back', () => {
    const header = formatTraceparent(valid);
    expect(header).toBe('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
    expect(parseTraceparent(header)).toEqual(valid);
    expect(formatTraceparent({ ...valid, sampled: false }).endsWith('-00')).toBe(true);
  });
});
