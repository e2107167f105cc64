import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { redactSecrets, ServiceUnavailableError, toPipelineError } from '../../../src/errors/index.js';
import { removeSecrets } from '../../../src/errors/redact.js';

const MB = 1024 * 1024;

/**
 * Messages built to make backtracking patterns go quadratic: long runs of whitespace with or without
 * a line break at the end, secret labels followed by whitespace, and label soup.
 */
const HOSTILE: ReadonlyArray<readonly [string, string]> = [
  ['1 MB of spaces', ' '.repeat(MB)],
  ['1 MB of spaces then a line break', `${' '.repeat(MB)}\nend`],
  ['spaces and line breaks interleaved', ' \n'.repeat(MB / 2)],
  ['tabs then a letter', `${'\t'.repeat(MB)}x`],
  ['"Bearer" then 1 MB of spaces', `Bearer${' '.repeat(MB)}!`],
  ['"authorization" then 1 MB of spaces', `authorization${' '.repeat(MB)}`],
  ['"key" then 1 MB of spaces', `key${' '.repeat(MB)}`],
  ['"key=" repeated', 'key='.repeat(MB / 4)],
  ['"token " repeated', 'token '.repeat(MB / 6)],
  ['PEM headers without an end', '-----BEGIN PRIVATE KEY-----'.repeat(MB / 27)],
  ['a gRPC prefix then 1 MB of spaces', `14 UNAVAILABLE:${' '.repeat(MB)}`],
  ['URL user info without an "@"', `https://user:${'p'.repeat(MB)}`],
  ['"://x:" repeated', '://x:'.repeat(MB / 5)],
  ['"-----BEGIN X" then 1 MB of capitals', `-----BEGIN ${'A'.repeat(MB)}`],
  ['"eyJa.eyJ" repeated (JWT parts without an end)', '.eyJa.eyJ'.repeat(MB / 9)],
  ['"AIza" repeated', 'AIza'.repeat(MB / 4)],
  ['"cookie:" then 1 MB of spaces', `cookie:${' '.repeat(MB)}`],
  ['"xoxb-" then 1 MB of letters without a digit', `xoxb-${'a'.repeat(MB)}`],
  ['"xoxp-" repeated', 'xoxp-'.repeat(MB / 5)],
  ['" xapp-a" repeated', ' xapp-a'.repeat(MB / 7)],
  ['"SG." then 1 MB of letters', `SG.${'a'.repeat(MB)}`],
  ['" SG.aaaa" repeated', ' SG.aaaa'.repeat(MB / 8)],
  ['"hooks.slack.com/" repeated', 'hooks.slack.com/'.repeat(MB / 16)],
  ['a Slack webhook path of 1 MB of escaped slashes', `hooks.slack.com/services/${'\\/'.repeat(MB / 2)}`],
  ['1 MB of "25" (an encoded label looked back for)', '25'.repeat(MB / 2)],
  ['"%" then 1 MB of "25" then "key"', `%${'25'.repeat(MB / 2)}key=x`],
  ['"access_token%" then 1 MB of "25"', `access_token%${'25'.repeat(MB / 2)}`],
  ['"bearer%" then 1 MB of "25"', `bearer%${'25'.repeat(MB / 2)}`],
  ['"bearer%2520" repeated', 'bearer%2520'.repeat(MB / 11)],
  ['"webhooks/" then 1 MB of digits', `webhooks/${'1'.repeat(MB)}`],
  ['"webhooks%2F1" repeated', 'webhooks%2F1'.repeat(MB / 12)],
  ['"ghp_" then 1 MB of letters', `ghp_${'a'.repeat(MB)}`],
  ['" ghs_a" repeated', ' ghs_a'.repeat(MB / 6)],
  ['"github_pat_" repeated', 'github_pat_'.repeat(MB / 11)],
  ['"-github_pat_a" repeated', '-github_pat_a'.repeat(MB / 13)],
];

/**
 * A generous bound: the linear code needs a few milliseconds per megabyte, while the quadratic
 * pattern it replaces needed 12 s for 60,000 spaces (about an hour for 1 MB). Not a timing check of
 * performance, only of the complexity class.
 */
const GENEROUS_MS = 2_000;

describe('classification and redaction are linear in the message length (no ReDoS)', () => {
  it('a 503 whose message is 60,000 spaces classifies at once (it took 12 s)', () => {
    const started = performance.now();
    const err = toPipelineError({ message: ' '.repeat(60_000), response: { status: 503 } });
    expect(performance.now() - started).toBeLessThan(GENEROUS_MS);
    expect(err).toBeInstanceOf(ServiceUnavailableError);
  });

  it.each(HOSTILE)('%s: toPipelineError finishes within a generous bound', (_label, message) => {
    for (const thrown of [
      { message, response: { status: 503 } },
      Object.assign(new Error(message), { code: 'ECONNRESET' }),
      { message, code: 14 },
      new Error(message),
      message,
    ]) {
      const started = performance.now();
      const err = toPipelineError(thrown);
      expect(performance.now() - started).toBeLessThan(GENEROUS_MS);
      expect(err.message.length).toBeLessThan(2_300);
    }
  });

  it.each(HOSTILE)('%s: redactSecrets finishes within a generous bound', (_label, message) => {
    const started = performance.now();
    const out = redactSecrets(message);
    expect(performance.now() - started).toBeLessThan(GENEROUS_MS);
    expect(out.length).toBeLessThan(2_100);
  });

  it('line breaks inside a cut message still collapse into single spaces', () => {
    const err = toPipelineError(new Error('first line\n\n   second line\t\nthird'));
    expect(err.message).toBe('first line second line third');
  });

  it('a secret straddling the cut is still redacted', () => {
    const out = redactSecrets(`${'x'.repeat(1990)} Bearer ya29.${'a'.repeat(100)}`);
    expect(out).not.toMatch(/ya29\.a/);
  });
});

describe('the strings of a kept cause are scrubbed in linear time too (they are not cut)', () => {
  // Runs of scheme-like characters (dotted names, hyphenated ids, minified script in an HTML error
  // page) had a URL pattern restart at every word boundary: 64 KB of "a." took 5 s, 1 MB ~20 min.
  const RUNS: ReadonlyArray<readonly [string, string]> = [
    ['dotted names', 'a.'.repeat(64 * 1024)],
    ['hyphenated text', 'eyJ-'.repeat(32 * 1024)],
    ['minified script', 'window.a.b.c=d.e.f-g.h+i.j;'.repeat(5 * 1024)],
    ['Slack-token-like words without a digit', ' xoxb-abc-def'.repeat(10 * 1024)],
    ['SendGrid-like dotted words', ' SG.abcdefghijklmnopq.r'.repeat(6 * 1024)],
  ];

  it.each(RUNS)('a cause holding 128 KB of %s', (_label, body) => {
    const thrown = Object.assign(new Error('upstream failed'), {
      code: 'ECONNRESET',
      body: `${body} https://user:hunter2@host/`,
    });
    const started = performance.now();
    const err = toPipelineError(thrown);
    expect(performance.now() - started).toBeLessThan(GENEROUS_MS);
    // Still scrubbed, not skipped: the password at the very end is gone.
    expect((err.cause as { body: string }).body).not.toContain('hunter2');
    expect((err.cause as { body: string }).body.length).toBeGreaterThan(100_000);
  });
});

/**
 * The fastest of `runs` timings of `removeSecrets` on a fresh text from `build` each time, in
 * milliseconds: the least disturbed by other processes. Fresh, because V8 caches the matches of a
 * global pattern on the same string, which would time the cache.
 */
function fastestRemoval(build: (run: number) => string, runs: number): number {
  let best = Number.POSITIVE_INFINITY;
  for (let run = 0; run < runs; run++) {
    const text = build(run);
    const started = performance.now();
    removeSecrets(text);
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

describe('removeSecrets (no length cap: kept causes, toJSON, the message of a PipelineError) is linear', () => {
  const LENGTH = 200_000;
  // Each text repeats a credential's prefix with a character before it that the old patterns allowed
  // (`%`) or that a relaxed start would allow (`-`, `_`): a pattern that looks ahead for a digit from
  // every prefix in one run reads the run once per prefix, quadratic ('%xoxb-' took 10 s here).
  const ADVERSARIAL: ReadonlyArray<readonly [string, string]> = [
    ["'xoxb-' repeated", 'xoxb-'.repeat(LENGTH / 5)],
    ["'-xoxb' repeated", '-xoxb'.repeat(LENGTH / 5)],
    ["'%xoxb-' repeated", '%xoxb-'.repeat(LENGTH / 6)],
    ["'_xoxb-' repeated", '_xoxb-'.repeat(LENGTH / 6)],
    ["'-xapp' repeated", '-xapp'.repeat(LENGTH / 5)],
    ["a Slack host, then '%252F' repeated", `hooks.slack.com${'%252F'.repeat(LENGTH / 5)}`],
    ["a Slack host, then '%25' repeated", `hooks.slack.com%${'25'.repeat(LENGTH / 2)}`],
    ["a Slack host, then '\\u002f' repeated", `hooks.slack.com${'\\u002f'.repeat(LENGTH / 6)}`],
    ["'hooks.slack.com%25' repeated", 'hooks.slack.com%25'.repeat(LENGTH / 18)],
    // Separators that may open an array or be `=>` or encoded, labels after an encoded character,
    // and the unlabeled Google shapes.
    [
      '"authorization:" then spaces, "[" and spaces',
      `authorization:${' '.repeat(LENGTH / 2)}[${' '.repeat(LENGTH / 2)}`,
    ],
    ["'key=>[ ' repeated", 'key=>[ '.repeat(LENGTH / 7)],
    ["'cookie%3A[' repeated", 'cookie%3A['.repeat(LENGTH / 10)],
    ["'%3Ftoken%3D' repeated", '%3Ftoken%3D'.repeat(LENGTH / 11)],
    ["'%41%41' repeated", '%41'.repeat(LENGTH / 3)],
    ["'x-goog-api-key ' then 200 KB of spaces", `x-goog-api-key${' '.repeat(LENGTH)}`],
    ["'x-api-key a' repeated", 'x-api-key a'.repeat(LENGTH / 11)],
    ["'GOCSPX-' repeated", 'GOCSPX-'.repeat(LENGTH / 7)],
    ["' GOCSPX-a' repeated", ' GOCSPX-a'.repeat(LENGTH / 9)],
    ["'1//0' repeated", '1//0'.repeat(LENGTH / 4)],
    ["' 1//0aaaa' repeated", ' 1//0aaaa'.repeat(LENGTH / 9)],
    // Labels read as the end of a longer name, JSON- or HTML-escaped, quoted values, prose.
    ["'a-' repeated", 'a-'.repeat(LENGTH / 2)],
    ["'token_' repeated", 'token_'.repeat(LENGTH / 6)],
    ['\'\\"key\\":\' repeated', '\\"key\\":'.repeat(LENGTH / 9)],
    ["'key=\"' repeated", 'key="'.repeat(LENGTH / 5)],
    ["'key&#61;' repeated", 'key&#61;'.repeat(LENGTH / 8)],
    ["' password is ' repeated", ' password is '.repeat(LENGTH / 13)],
    ["'://a:' then 200 KB of '@'", `://a:${'@'.repeat(LENGTH)}`],
    ["'_SG.' repeated", '_SG.'.repeat(LENGTH / 4)],
  ];
  const PROSE = 'the quick brown fox jumps over the lazy dog; '.repeat(LENGTH / 45);

  // Measured against ordinary text of the same length, not against a clock: linear work on these
  // texts costs at most about 10 times the prose (up to 64 steps per prefix), a quadratic pattern
  // thousands of times. The complexity class itself is not asserted from two lengths: from 50 KB to
  // 200 KB linear patterns (older ones too: ' key=a' repeated) already take 5 to 8 times as long
  // (garbage collection grows with the matches), too close to the 16 of a quadratic one for a shared
  // 2-core machine.
  it.each(ADVERSARIAL)('%s (200 KB): well under 100 times 200 KB of prose', (_label, text) => {
    for (let warm = 0; warm < 3; warm++) {
      removeSecrets(`${warm}${PROSE}`);
      removeSecrets(`${warm}${text}`);
    }
    const proseMs = fastestRemoval((run) => `${run}${PROSE}`, 5);
    // Three runs only: a quadratic pattern takes seconds for each.
    const textMs = fastestRemoval((run) => `${run}${text}`, 3);
    // Below half a millisecond a timing is mostly noise: the prose counts as taking at least that.
    expect(textMs / Math.max(proseMs, 0.5)).toBeLessThan(100);
  });
});
