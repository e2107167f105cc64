import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compileRe2,
  evaluateFilter,
  type FilterNode,
  FilterSyntaxError,
  parseFilter,
  quoteFilterString,
  Re2PatternError,
} from '../../../src/monitoring/filter/index.js';

/** A compact rendering of the tree, so precedence is visible in one string. */
function show(node: FilterNode): string {
  switch (node.kind) {
    case 'and':
      return `(${node.children.map(show).join(' AND ')})`;
    case 'or':
      return `(${node.children.map(show).join(' OR ')})`;
    case 'not':
      return `NOT ${show(node.child)}`;
    case 'compare': {
      const value =
        node.value.kind === 'text'
          ? node.value.text
          : node.value.kind === 'any'
            ? '*'
            : `${node.value.name}(${node.value.args.join(',')})`;
      return `${node.field.join('.')}${node.op}${value}`;
    }
  }
}

const entry = {
  logName: 'projects/p/logs/run.googleapis.com%2Fstdout',
  severity: 'ERROR',
  timestamp: new Date('2026-03-01T10:00:00.000Z'),
  resource: { type: 'cloud_run_revision', labels: { service_name: 'phase2', 'k8s-pod/app': 'x' } },
  textPayload: undefined,
  jsonPayload: {
    message: 'BigQuery query failed: quota',
    error: { code: 'SERVICE_UNAVAILABLE', name: 'ServiceUnavailableError' },
    attempt: 3,
    tags: ['bq', 'retry'],
  },
  labels: { processor: 'phase2' },
};

const matches = (filter: string, subject: unknown = entry) => evaluateFilter(parseFilter(filter), subject);

describe('parseFilter: precedence as the Logging query language documents it', () => {
  it('reads Google’s example `a OR NOT b AND NOT c OR d` as (a OR (NOT b)) AND ((NOT c) OR d)', () => {
    expect(show(parseFilter('a=1 OR NOT b=1 AND NOT c=1 OR d=1'))).toBe(
      '((a=1 OR NOT b=1) AND (NOT c=1 OR d=1))',
    );
  });

  it('groups the original monitor’s unparenthesised filter as (run OR function) AND (...)', () => {
    const node = parseFilter(
      'resource.type="cloud_run_revision" OR resource.type="cloud_function" AND (textPayload=~"x" OR textPayload=~"y")',
    );
    expect(show(node)).toBe(
      '((resource.type=cloud_run_revision OR resource.type=cloud_function) AND (textPayload=~x OR textPayload=~y))',
    );
  });

  it('treats two terms side by side as AND, and - as NOT', () => {
    expect(show(parseFilter('severity>=ERROR -resource.type="gce_instance"'))).toBe(
      '(severity>=ERROR AND NOT resource.type=gce_instance)',
    );
  });

  it('lets parentheses override precedence', () => {
    expect(show(parseFilter('a=1 OR (b=1 AND c=1)'))).toBe('(a=1 OR (b=1 AND c=1))');
  });

  it('reads quoted path segments, has-any and negative numbers', () => {
    expect(show(parseFilter('labels."k8s-pod/app"="x" AND jsonPayload.error.code:* AND n>-5'))).toBe(
      '(labels.k8s-pod/app=x AND jsonPayload.error.code:* AND n>-5)',
    );
  });
});

describe('parseFilter: refuses what it cannot read, naming the position', () => {
  const refused: Array<[string, RegExp]> = [
    ['', /Empty filter/],
    ['severity>=ERROR AND', /needs a term|Unexpected the end/],
    ['(severity>=ERROR', /Expected '\)'/],
    ['severity>=ERROR)', /Unexpected '\)'/],
    ['()', /Empty parentheses/],
    ['textPayload=~"("', /Invalid regular expression/],
    ['textPayload=~"(?=x)y"', /lookahead/],
    ['textPayload=~"(a)\\1"', /backreferences/],
    ['severity>=LOUD', /Unknown severity/],
    ['timestamp>="yesterday"', /Invalid timestamp/],
    ['"just text"', /Global restrictions/],
    ['severity>=ERROR and resource.type="x"', /must be upper case/],
    ['textPayload="unterminated', /Unterminated string/],
    ['a=one_of("x")', /Unsupported function/],
    ['a = #', /Unexpected character/],
  ];
  it.each(refused)('%j', (filter, message) => {
    let caught: unknown;
    try {
      parseFilter(filter);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(FilterSyntaxError);
    expect((caught as Error).message).toMatch(message);
    expect((caught as FilterSyntaxError).position).toBeGreaterThanOrEqual(0);
    expect((caught as FilterSyntaxError).position).toBeLessThanOrEqual(filter.length);
  });

  it('refuses hostile nesting with a FilterSyntaxError, not a stack overflow', () => {
    // Under Cloud Logging's 20 000 characters, and deep enough to exhaust the stack of a plain
    // recursive descent.
    const deep = [
      `${'('.repeat(9_000)}a=b${')'.repeat(9_000)}`,
      `${'NOT '.repeat(4_900)}a=b`,
      `${'-'.repeat(19_900)}a=b`,
    ];
    for (const filter of deep) {
      for (const dialect of ['logging', 'monitoring'] as const) {
        let caught: unknown;
        try {
          parseFilter(filter, dialect);
        } catch (error) {
          caught = error;
        }
        expect(caught).toBeInstanceOf(FilterSyntaxError);
        expect((caught as Error).message).toMatch(/nested more than 64 levels deep/);
      }
    }
    // 64 levels are fine, and evaluate.
    const ok = parseFilter(`${'('.repeat(33)}${'NOT '.repeat(31)}a=b${')'.repeat(33)}`);
    expect(evaluateFilter(ok, { a: 'c' })).toBe(true);
  });

  it('refuses a Logging filter over 20 000 characters, as Cloud Logging does', () => {
    const clause = 'textPayload:"x" OR ';
    const long = `${clause.repeat(Math.ceil(20_001 / clause.length))}textPayload:"y"`;
    expect(() => parseFilter(long)).toThrow(FilterSyntaxError);
    expect(() => parseFilter(long)).toThrow(/at most 20000 characters/);
    expect(() => parseFilter(long.slice(long.length - 19_999).replace(/^[^t]*/, ''))).not.toThrow();
  });

  it('accepts the Monitoring functions only in the monitoring dialect', () => {
    expect(() => parseFilter('resource.labels.subscription_id=one_of("a","b")', 'monitoring')).not.toThrow();
    expect(() => parseFilter('a=starts_with("x","y")', 'monitoring')).toThrow(/takes 1 argument/);
    expect(() => parseFilter('a>one_of("x")', 'monitoring')).toThrow(/can only follow/);
  });
});

describe('evaluateFilter on a log entry', () => {
  it('compares severities by level, whatever the spelling', () => {
    expect(matches('severity>=ERROR')).toBe(true);
    expect(matches('severity>=error')).toBe(true);
    expect(matches('severity>="WARNING"')).toBe(true);
    expect(matches('severity>CRITICAL')).toBe(false);
    expect(matches('severity=500')).toBe(true);
    expect(matches('severity<ERROR', { ...entry, severity: 'INFO' })).toBe(true);
  });

  it('compares timestamps as times, not as text', () => {
    expect(matches('timestamp>="2026-03-01T09:59:59Z" AND timestamp<="2026-03-01T10:00:00Z"')).toBe(true);
    expect(matches('timestamp>"2026-03-01T10:00:00+00:00"')).toBe(false);
    // 11:00+01:00 is 10:00Z: the same instant, written differently.
    expect(matches('timestamp<="2026-03-01T11:00:00+01:00"')).toBe(true);
    expect(matches('timestamp<"2026-03-01T11:00:00+01:00"')).toBe(false);
  });

  it('matches =~ anywhere in the value, in jsonPayload fields too', () => {
    expect(matches('jsonPayload.message=~"BigQuery.*failed"')).toBe(true);
    expect(matches('jsonPayload.message=~"^failed"')).toBe(false);
    expect(matches('jsonPayload.message!~"Firestore"')).toBe(true);
    expect(matches('jsonPayload.error.code=~"."')).toBe(true);
    expect(matches('jsonPayload.message=~"(?i)bigquery QUERY"')).toBe(true);
  });

  it('is false on a missing field for every operator, so NOT of it is true', () => {
    expect(matches('textPayload=~"."')).toBe(false);
    expect(matches('textPayload!~"x"')).toBe(false);
    expect(matches('jsonPayload.nothing!="x"')).toBe(false);
    expect(matches('NOT textPayload:*')).toBe(true);
    expect(matches('jsonPayload.error:*')).toBe(true);
  });

  it('handles has (:) case-insensitively, numbers numerically, repeated fields by any element', () => {
    expect(matches('jsonPayload.message:"QUOTA"')).toBe(true);
    expect(matches('jsonPayload.attempt>=3 AND jsonPayload.attempt<10')).toBe(true);
    expect(matches('jsonPayload.attempt>20')).toBe(false);
    expect(matches('jsonPayload.tags="retry"')).toBe(true);
    expect(matches('labels."processor"="phase2" AND resource.labels."k8s-pod/app"="x"')).toBe(true);
  });

  it('evaluates AND / OR / NOT as parsed, not left to right', () => {
    // (a OR b) AND c, with a true, c false: false. Left-to-right reading would say true.
    expect(matches('severity=ERROR OR severity=INFO AND resource.type="gce_instance"')).toBe(false);
    expect(matches('severity=ERROR OR (severity=INFO AND resource.type="gce_instance")')).toBe(true);
  });
});

describe('compileRe2', () => {
  it('translates RE2 spellings to JavaScript', () => {
    expect(compileRe2('(?i)abc').test('xABCx')).toBe(true);
    expect(compileRe2('(?P<word>\\w+)!').exec('hi!')?.groups?.word).toBe('hi');
    expect(compileRe2('\\Aab\\z').test('ab')).toBe(true);
    expect(compileRe2('\\Aab\\z').test('xab')).toBe(false);
    expect(compileRe2('[]a]').test(']')).toBe(true);
    expect(compileRe2('[\\1]').test('\u0001')).toBe(true); // inside a class \1 is not a backreference
  });

  it('refuses what RE2 does not have', () => {
    for (const pattern of ['(?<=a)b', '(?!a)b', 'a(?i:b)', '(?U)a+', 'a\\']) {
      expect(() => compileRe2(pattern), pattern).toThrow(Re2PatternError);
    }
  });

  it('refuses repeat counts over 1000, as RE2 does, and keeps the ones up to it', () => {
    for (const pattern of ['a{1001}', 'a{2,1001}', 'a{1001,}', '(ab){5000}']) {
      expect(() => compileRe2(pattern), pattern).toThrow(/repeat count/);
    }
    for (const pattern of ['a{1000}', 'a{2,1000}', 'a{1000,}', '[{]1001}', '\\{1001}']) {
      expect(() => compileRe2(pattern), pattern).not.toThrow();
    }
  });
});

describe('quoteFilterString', () => {
  it('round-trips any text through the parser unchanged', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        const node = parseFilter(`jsonPayload.message=${quoteFilterString(text)}`);
        expect(node.kind === 'compare' && node.value.kind === 'text' && node.value.text).toBe(text);
      }),
      { seed: 10, numRuns: 300 },
    );
  });

  it('keeps regular-expression backslashes', () => {
    const node = parseFilter(`textPayload=~${quoteFilterString('Failed \\d+ "rows"')}`);
    expect(evaluateFilter(node, { textPayload: 'Failed 12 "rows" to insert' })).toBe(true);
  });
});
