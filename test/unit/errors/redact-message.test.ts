import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  brandError,
  CredentialsUnavailableError,
  NetworkError,
  NotFoundError,
  PipelineError,
  redactSecrets,
  toPipelineError,
} from '../../../src/errors/index.js';
import { removeSecrets } from '../../../src/errors/redact.js';

// Made up at run time in the shape of an OAuth access token; `Zq7` is in no other text here.
const TOKEN = ['ya29', 'fake-test-token-Zq7'].join('.');

/** What `console.error(err)` prints (the stack, then the fields), and the message and stack themselves. */
function printed(err: Error): string {
  return [err.message, err.stack, inspect(err, { depth: 10, showHidden: true })].join('\n');
}

class ScrapeFailed extends PipelineError {}

class BrandedScrapeFailed extends PipelineError {
  static {
    brandError(BrandedScrapeFailed, 'BrandedScrapeFailed', 'my-scrapers');
  }
  constructor(message: string) {
    super(message, { code: 'SCRAPE_FAILED', transient: true });
  }
}

describe('an error made with a credential in its message keeps it neither in message nor in stack', () => {
  it.each([
    ['PipelineError', (m: string) => new PipelineError(m)],
    ['a subclass of user code', (m: string) => new ScrapeFailed(m)],
    ['a subclass branded with brandError', (m: string) => new BrandedScrapeFailed(m)],
    ['NotFoundError', (m: string) => new NotFoundError(m)],
    ['NetworkError', (m: string) => new NetworkError(m)],
    ['CredentialsUnavailableError', (m: string) => new CredentialsUnavailableError(m)],
  ])('%s', (_label, make) => {
    const err = make(`failed: Authorization: Bearer ${TOKEN}`);
    expect(printed(err)).not.toContain('Zq7');
    expect(err.message).toBe('failed: Authorization: [REDACTED]');
    expect(err.stack).toMatch(/^\w+: failed: Authorization: \[REDACTED\]\n/);
  });

  it('a long message is kept whole, only its credentials go (no cut at 2,000 characters)', () => {
    const head = 'x'.repeat(5_000);
    const err = new PipelineError(`${head} then access_token=${TOKEN} and the end`);
    expect(err.message).toBe(`${head} then access_token=[REDACTED] and the end`);
    expect(err.stack).not.toContain('Zq7');
  });

  it('a message without a credential is left exactly as it was', () => {
    const text = 'flush of 12 rows to ds.events failed after 3 attempts (key order: id, ts)';
    expect(new PipelineError(text).message).toBe(text);
  });

  it('a value that is not a string (plain JavaScript callers) is left to Error, as before', () => {
    expect(new PipelineError(undefined as unknown as string).message).toBe('');
    expect(new PipelineError(42 as unknown as string).message).toBe('42');
  });

  it('an Error passed as the message (plain JavaScript: `new PipelineError(err)`) loses its credential', () => {
    const thrown = new Error(`Authorization: Bearer ${TOKEN}`);
    const err = new PipelineError(thrown as unknown as string);
    expect(err.message).toBe('Error: Authorization: [REDACTED]');
    expect(printed(err)).not.toContain('Zq7');
    const described = { toString: () => `token=${TOKEN}` };
    expect(new PipelineError(described as unknown as string).message).toBe('token=[REDACTED]');
  });
});

describe('messages built from redacted parts are not changed by a second pass', () => {
  const PARTS = [
    `cookie: session=${TOKEN}; theme=dark`,
    `"authorization": "Bearer ${TOKEN}"`,
    `x-goog-api-key: ${TOKEN}`,
    `token=${TOKEN}`,
    `see https://hooks.slack.com/services/T0AAAAAAA/B0BBBBBBB/${TOKEN}`,
    `https://proxy.example.com/services/T0AAAAAAA/B0BBBBBBB/${TOKEN}`,
  ];

  it.each(PARTS)('%s, then more text', (part) => {
    const built = `(${redactSecrets(part)}), so the call was not sent. Set GOOGLE_APPLICATION_CREDENTIALS`;
    expect(built).not.toContain('Zq7');
    expect(removeSecrets(built)).toBe(built);
    expect(new PipelineError(built).message).toBe(built);
  });

  it('a gRPC call failed by its call credentials still names the fix, in message and JSON', () => {
    const detail = `Getting metadata from plugin failed with error: request had cookie: sid=${TOKEN}`;
    const err = toPipelineError(
      Object.assign(new Error(`14 UNAVAILABLE: ${detail}`), { code: 14, details: detail }),
    );
    expect(err).toBeInstanceOf(CredentialsUnavailableError);
    expect(err.message).not.toContain('Zq7');
    expect(err.message).toMatch(/cookie: \[REDACTED\]\), so the gRPC call was not sent.* Set GOOGLE_APP/);
    // toJSON redacts the message again: it used to lose all that follows the cookie's value.
    expect(JSON.parse(JSON.stringify(err)).message).toBe(err.message);
  });

  it('a cut never runs through [REDACTED]: the marker is shown whole, then …', () => {
    for (let pad = 1_980; pad <= 2_000; pad++) {
      const out = redactSecrets(`${'x'.repeat(pad)} token=${TOKEN} and more text after it`);
      expect(out).not.toContain('Zq7');
      expect(out).not.toMatch(/\[[A-Z]*…/);
      expect(removeSecrets(`${out} and then`)).toBe(`${out} and then`);
    }
  });
});

describe('credential shapes of grpc metadata, encoded URLs and Google OAuth clients', () => {
  // Built at runtime, obviously fake.
  const S = ['Zx9', 'fake', 'message', 'secret', 'value'].join('q');
  it.each([
    ['a header value inside a JSON array', `grpc metadata {"authorization":["Token ${S}"]}`],
    ['a Map entry as util.inspect prints it', `Map(1) { 'authorization' => [ 'ApiKey ${S}' ] }`],
    ['a label value inside an array', `{"access_token":["${S}"]}`],
    ['a URL-encoded label', `callback ?next=https%3A%2F%2Fy%2F%3Faccess_token%3D${S}`],
    ['a URL-encoded colon', `header x-goog-api-key%3A${S}`],
    ['an API key header followed by a space', `curl -H x-goog-api-key ${S}`],
    ['secret=', `secret=${S}`],
    ['pwd=', `pwd=${S}`],
    ['passwd=', `passwd: ${S}`],
    ['a Google OAuth client secret, unlabeled', `oauth client GOCSPX-${'Ab1-'.repeat(7)} refused`],
    ['a Google refresh token, unlabeled', `refresh failed for 1//0g${S}${S}`],
  ])('%s', (_label, text) => {
    const out = redactSecrets(text);
    expect(out).toContain('[REDACTED]');
    expect(out).not.toContain(S);
    expect(out).not.toContain('Ab1-Ab1-');
    // A second pass changes nothing (messages are built from redacted parts).
    expect(redactSecrets(out)).toBe(out);
  });

  it.each([
    'password is required',
    'the secret manager secret was not found',
    'Secret [projects/1/secrets/db] not found or has no versions.',
    'retry 1//0 times',
    'x-goog-api-key is missing',
  ])('leaves prose alone: %s', (text) => {
    expect(redactSecrets(text)).toBe(text);
  });
});
