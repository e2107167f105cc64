import { describe, expect, it } from 'vitest';
import { PipelineError, redactSecrets, toPipelineError } from '../../../src/errors/index.js';

// Built at runtime, obviously fake.
const SECRET = ['fake', 'label', 'shape', 'value'].join('Q');
const WORDS = ['correct', 'horse', 'battery', 'staple'];
const SENDGRID = `SG.${'i'.repeat(22)}.${'s'.repeat(43)}`;

describe('credentials behind labels of other shapes are removed', () => {
  it.each([
    ['a quoted passphrase with spaces (JSON)', `{"password":"${WORDS.join(' ')}"}`],
    ['a quoted passphrase with spaces (single quotes)', `{'client_secret': '${WORDS.join(' ')}'}`],
    ['a quoted value after =', `password = "${WORDS.join(' ')}" rejected`],
  ])('%s: no word of it remains', (_label, text) => {
    const out = redactSecrets(text);
    for (const word of WORDS) expect(out).not.toContain(word);
    expect(out).toContain('[REDACTED]');
  });

  it.each([
    ['JSON-escaped JSON', `body: {\\"password\\":\\"${SECRET}\\"}`],
    ['JSON-escaped api_key', `{\\"api_key\\": \\"${SECRET}\\"}`],
    ['camelCase accessToken', `accessToken=${SECRET}`],
    ['camelCase refreshToken', `{"refreshToken":"${SECRET}"}`],
    ['camelCase clientSecret', `clientSecret: ${SECRET}`],
    ['auth_token', `?auth_token=${SECRET}&alt=json`],
    ['session-token header', `session-token: ${SECRET}`],
    ['secret_key', `secret_key=${SECRET}`],
    ['aws_secret_access_key', `aws_secret_access_key=${SECRET}`],
    ['HTML-escaped = (&#x3D;)', `<a href="/x?key&#x3D;${SECRET}&amp;alt=json">`],
    ['HTML-escaped = (&#61;)', `access_token&#61;${SECRET}`],
    ['a password told in prose', `login failed: the password is ${SECRET}`],
    ['a password told in prose, quoted', `Password was '${SECRET}'`],
  ])('%s', (_label, text) => {
    const out = redactSecrets(text);
    expect(out).not.toContain(SECRET);
    expect(out).toContain('[REDACTED]');
  });

  it('a JSON-escaped value already [REDACTED] (a PEM key) passes through unchanged', () => {
    const once = redactSecrets(
      '{\\"private_key\\": \\"-----BEGIN PRIVATE KEY-----\\nMIIE\\n-----END PRIVATE KEY-----\\n\\"}',
    );
    expect(once).toBe('{\\"private_key\\": \\"[REDACTED]\\n\\"}');
    expect(redactSecrets(once)).toBe(once);
  });

  it.each([
    ['glued by _', `SENDGRID_${SENDGRID}`],
    ['glued by -', `key-${SENDGRID}`],
  ])('a SendGrid key %s', (_label, text) => {
    expect(redactSecrets(text)).not.toContain('s'.repeat(43));
  });

  it('a URL password holding a raw @ goes whole (URL parsers take the last @)', () => {
    const out = redactSecrets(`GET https://user:pa@${SECRET}@api.example.com/x failed`);
    expect(out).toBe('GET https://[REDACTED]@api.example.com/x failed');
    expect(new URL(`https://user:pa@${SECRET}@api.example.com/x`).host).toBe('api.example.com');
  });

  it('reaches the message and the stack of a classified error', () => {
    const err = toPipelineError(new Error(`upstream said {\\"password\\":\\"${WORDS.join(' ')}\\"}`));
    const pipeline = new PipelineError(`the password is ${SECRET}`);
    for (const text of [err.message, String(err.stack), pipeline.message, String(pipeline.stack)]) {
      expect(text).not.toContain(SECRET);
      for (const word of WORDS) expect(text).not.toContain(word);
    }
  });
});

describe('ordinary text keeps its words', () => {
  it.each([
    'the password is required',
    'password is too short',
    'password was not set',
    'Invalid value for field tokenCount: 3',
    'token_type=Bearer',
    'Not found: Table p:SG.customer_orders_daily.order_line_items_v2',
    'private_key_id=0123abcd',
    'partition_key=2024-01-01',
    'mail a@b.com about https://api.example.com/x',
  ])('%s', (text) => {
    expect(redactSecrets(text)).toBe(text);
  });
});
