import { describe, expect, it } from 'vitest';
import { spanErrorText } from '../../../src/telemetry/span-error-text.js';

describe('spanErrorText', () => {
  it.each([
    [
      "Could not parse 'alice@example.com' as INT64 for field id",
      "Could not parse '?' as INT64 for field id",
    ],
    ['Invalid NUMERIC value: 1e40; row 3', 'Invalid NUMERIC value: ?; row ?'],
    ['Bad int64 value: abc', 'Bad int64 value: ?'],
    ['Value "x\\"y" too long, limit -2.5e3', "Value '?' too long, limit ?"],
    ['HTTP 400 Bad Request on events_20260101', 'HTTP 400 Bad Request on events_20260101'],
  ])('%s', (input, expected) => {
    expect(spanErrorText(input)).toBe(expected);
  });
});
