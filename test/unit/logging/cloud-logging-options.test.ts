import { describe, expect, it } from 'vitest';
import { cloudLoggingLogger } from '../../../src/logging/index.js';

// cloudLoggingLogger(null) used to throw `Cannot read properties of null (reading 'write')`, and an
// unknown minSeverity ('warn') silently logged everything. Only undefined means the defaults, as for
// every options object of the library (retry, RetryBudget, CircuitBreaker, createShutdownCoordinator).
describe('cloudLoggingLogger checks its options', () => {
  it.each([
    ['null', null, 'null'],
    ['a string', 'INFO', 'a string ("INFO")'],
    ['an array', [], 'an array'],
  ])('options %s: a TypeError naming cloudLoggingLogger', (_, options, got) => {
    expect(() => cloudLoggingLogger(options as never)).toThrow(TypeError);
    expect(() => cloudLoggingLogger(options as never)).toThrow(
      `cloudLoggingLogger: options must be an object, got ${got}`,
    );
  });

  it('an option of the wrong kind is a TypeError naming it', () => {
    expect(() => cloudLoggingLogger({ write: 'stdout' } as never)).toThrow(
      'cloudLoggingLogger: option write must be a function, got a string ("stdout")',
    );
  });

  it("an unknown key is refused with a hint: pino's level means minSeverity", () => {
    expect(() => cloudLoggingLogger({ level: 'INFO' } as never)).toThrow(
      "cloudLoggingLogger: unknown option 'level'. Did you mean 'minSeverity'?",
    );
  });

  it.each(['warn', 'toString', ''])(
    'minSeverity %j is a RangeError listing the severities',
    (minSeverity) => {
      expect(() => cloudLoggingLogger({ minSeverity } as never)).toThrow(RangeError);
      expect(() => cloudLoggingLogger({ minSeverity } as never)).toThrow(
        /^cloudLoggingLogger: option minSeverity must be one of DEBUG, INFO, WARNING, ERROR, got /,
      );
    },
  );

  it('undefined, {} and undefined values still mean the defaults', () => {
    const lines: string[] = [];
    expect(() => cloudLoggingLogger()).not.toThrow();
    expect(() => cloudLoggingLogger(undefined)).not.toThrow();
    const logger = cloudLoggingLogger({ write: (line) => lines.push(line), minSeverity: undefined });
    logger.debug('kept');
    expect(lines).toHaveLength(1);
  });
});

describe('cloudLoggingLogger labels', () => {
  // Cloud Logging takes `logging.googleapis.com/labels` as a map of strings: a number or an object
  // there is not a label.
  it.each([
    [
      'a number value',
      { service: 42 },
      'cloudLoggingLogger: option labels.service must be a string, got a number (42)',
    ],
    [
      'an object value',
      { service: { name: 'x' } },
      'cloudLoggingLogger: option labels.service must be a string, got an object',
    ],
  ])('%s is a TypeError naming the label', (_, labels, message) => {
    expect(() => cloudLoggingLogger({ labels } as never)).toThrow(TypeError);
    expect(() => cloudLoggingLogger({ labels } as never)).toThrow(message);
  });

  it('a Map as labels is a TypeError (it has no own keys: it would be written as {})', () => {
    const labels = new Map([['service', 'phase2']]);
    expect(() => cloudLoggingLogger({ labels } as never)).toThrow(
      /cloudLoggingLogger: option labels must be a plain object of strings/,
    );
  });

  it('string labels are written as given', () => {
    const lines: string[] = [];
    cloudLoggingLogger({ write: (line) => lines.push(line), labels: { service: 'phase2' } }).info('x');
    expect(JSON.parse(lines[0] ?? '')['logging.googleapis.com/labels']).toEqual({ service: 'phase2' });
  });
});
