import { describe, expect, it } from 'vitest';
import { httpErrorFromResponse, redactSecrets, toPipelineError } from '../../../src/errors/index.js';
import { redactedStart } from '../../../src/errors/redact.js';

/**
 * A credential that a cut runs through must never show in part: cut first, what is left of it is no
 * longer recognizable (an API key without its last characters, a URL's password without its `@`).
 * Every secret body here is made of `zQ9`, which nothing else in the texts holds, so any two of its
 * characters in a row, or a trailing `Q` or `9`, would be a part of it shown.
 */
const BODY = 'zQ9'.repeat(30);

const SECRETS: ReadonlyArray<readonly [string, string]> = [
  ['a Google API key', `AIzaSy${BODY.slice(0, 33)}`],
  ['a bearer token', `sent bearer ${BODY}`],
  ['a private-key block', `-----BEGIN PRIVATE KEY-----\n${BODY}\n${BODY}\n-----END PRIVATE KEY-----`],
  ['a URL password longer than 40 characters', `https://svc:${BODY}@db.example.com/x`],
  ['a JWT', `token eyJhbGciOiJub25lIn0.eyJ${BODY}.${BODY}`],
  ['a Slack bot token', `Slack said invalid_auth for ${['xoxb', BODY].join('-')}`],
  ['a SendGrid API key', `key ${['SG', BODY.slice(0, 22), BODY.slice(0, 43)].join('.')} was revoked`],
  ['a Slack webhook URL', `POST https://hooks.slack.com/services/T0AAA/B0BBB/${BODY} failed`],
  ['a Discord webhook URL', `POST https://discord.com/api/webhooks/112233445566778800/${BODY} failed`],
  ['a GitHub token', `push refused for ghp_${BODY.slice(0, 40)}`],
  ['a fine-grained GitHub token', `push refused for github_pat_${BODY}`],
];

function expectNoPart(out: string): void {
  for (const pair of ['zQ', 'Q9', '9z']) expect(out).not.toContain(pair);
  expect(out).not.toMatch(/[Q9]…?$/);
  expect(out).not.toContain('AIza');
}

/** `secret` placed at every offset from wholly before `cut` to just after it, after `lead`. */
function across(cut: number, secret: string, lead = ''): string[] {
  const texts: string[] = [];
  for (let start = cut - secret.length - 2; start <= cut + 2; start++) {
    const pad = start - lead.length - 1;
    if (pad < 0) continue;
    texts.push(`${lead}${'-'.repeat(pad)} ${secret} and the rest of the message ${'-'.repeat(5000)}`);
  }
  return texts;
}

describe('a credential a cut runs through never shows in part', () => {
  it.each(SECRETS)('%s across the 2,000-character cap of redactSecrets', (_label, secret) => {
    for (const text of across(2000, secret)) expectNoPart(redactSecrets(text));
  });

  it.each(SECRETS)('%s across the 4,000-character scan limit of redactSecrets', (_label, secret) => {
    // A private key before it shrinks to `[REDACTED]`: the end of what was read is then shown.
    const lead = `-----BEGIN PRIVATE KEY-----\n${'M'.repeat(2500)}\n-----END PRIVATE KEY----- `;
    for (const text of across(4000, secret, lead)) {
      const out = redactSecrets(text);
      expectNoPart(out);
      expect(out.endsWith('…')).toBe(true);
    }
  });

  it.each(SECRETS)('%s across the cut of a classified error message', (_label, secret) => {
    for (const text of [...across(2000, secret), ...across(4000, secret)]) {
      expectNoPart(toPipelineError(new Error(text)).message);
    }
  });

  it.each(SECRETS)('%s across the cut of an HTTP error body snippet', (_label, secret) => {
    for (const text of [...across(300, secret), ...across(600, secret), ...across(1200, secret)]) {
      const err = httpErrorFromResponse(new Response(null, { status: 500 }), { body: text });
      expectNoPart(err.bodySnippet ?? '');
      expectNoPart(err.message);
    }
  });

  it('shows a credential the count cut runs through as [REDACTED], when it ends within what is read', () => {
    const text = `${'-'.repeat(150)} https://svc:${BODY}@db.example.com/x`;
    expect(redactedStart(text, 200)).toBe(`${'-'.repeat(150)} https://[REDACTED]@db.example.com/x`);
    expect(redactedStart(`${'-'.repeat(180)} AIzaSy${BODY.slice(0, 33)} more`, 200)).toBe(
      `${'-'.repeat(180)} [REDACTED] more`,
    );
  });

  it('keeps the text a cut runs through when it cannot be the start of a credential', () => {
    // Only the last 38 word characters can be an API key cut short; a URL without user info loses
    // only its unfinished authority.
    expect(redactedStart('a'.repeat(500), 200)).toBe(`${'a'.repeat(200)}…`);
    expect(redactedStart(`${'a '.repeat(150)}see https://example.com/path/${'b'.repeat(200)}`, 200)).toBe(
      `${'a '.repeat(100)}…`,
    );
    expect(redactedStart('short', 200, true)).toBe('short…');
  });

  it('never cuts a character in two', () => {
    const out = redactSecrets('😀'.repeat(3000));
    expect(out).toBe(`${'😀'.repeat(2000)}…`);
  });
});
