import { describe, expect, it } from 'vitest';
import { PipelineError, redactSecrets, toPipelineError } from '../../../src/errors/index.js';

// Made up at run time; `Wv8` is in no other text here.
const SECRET = ['fakeEncodedSecret', 'Wv8', 'abcdefghij'].join('');

describe('URL-encoded more than once: the label and its value are still found', () => {
  it.each([
    [
      'access_token%253D (a URL in a query of a URL)',
      `GET /cb?next=%2Fx%3Faccess_token%253D${SECRET}%2526a%253Db`,
    ],
    ['access_token%25253D (three times)', `q=access_token%25253D${SECRET}`],
    ['client_secret%253A', `next=client_secret%253A${SECRET}`],
    ['key after %253F', `next=%2Fv1%253Fkey%253D${SECRET}`],
    ['authorization%253A', `next=authorization%253ABearer%2520${SECRET}`],
    ['bearer%20 in a URL', `https://api.example.com/cb?h=bearer%20${SECRET}&x=1`],
    ['Bearer%2520', `https://api.example.com/cb?h=Bearer%2520${SECRET}`],
    ['bearer%20 in a message', `proxy refused bearer%20${SECRET}`],
  ])('%s', (_label, text) => {
    const out = redactSecrets(text);
    expect(out).not.toContain('Wv8');
    expect(out).toContain('[REDACTED]');
    expect(new PipelineError(text).message).not.toContain('Wv8');
    expect(toPipelineError(new Error(text)).message).not.toContain('Wv8');
  });

  it('the encoded separator stays, so the text still reads as it was', () => {
    expect(redactSecrets(`x=access_token%253D${SECRET}`)).toBe('x=access_token%253D[REDACTED]');
    expect(redactSecrets(`h=bearer%20${SECRET}`)).toBe('h=bearer%20[REDACTED]');
    expect(redactSecrets(`Authorization: Bearer ${SECRET}`)).toBe('Authorization: [REDACTED]');
    expect(redactSecrets(`got Bearer ${SECRET}`)).toBe('got Bearer [REDACTED]');
  });

  it('a second pass leaves a redacted encoded value as it is', () => {
    const once = redactSecrets(`next=authorization%253ABearer%2520${SECRET}&access_token%253D${SECRET}`);
    expect(redactSecrets(once)).toBe(once);
  });
});

describe('a Discord webhook URL loses its id and token, whatever the host and encoding', () => {
  const ID = '112233445566778899';
  it.each([
    ['discord.com', `POST https://discord.com/api/webhooks/${ID}/${SECRET}-_x failed: 404`],
    ['discordapp.com, with a query', `https://discordapp.com/api/webhooks/${ID}/${SECRET}?wait=true`],
    ['a versioned API on ptb.', `https://ptb.discord.com/api/v10/webhooks/${ID}/${SECRET}/slack`],
    ['JSON-escaped', `{"url":"https:\\/\\/discord.com\\/api\\/webhooks\\/${ID}\\/${SECRET}"}`],
    ['URL-encoded in a query', `next=https%3A%2F%2Fdiscord.com%2Fapi%2Fwebhooks%2F${ID}%2F${SECRET}`],
    ['encoded twice', `next=https%253A%252F%252Fdiscord.com%252Fapi%252Fwebhooks%252F${ID}%252F${SECRET}`],
    ['a proxy in front of Discord', `https://hooks.example.net/api/webhooks/${ID}/${SECRET}`],
  ])('%s', (_label, text) => {
    const out = redactSecrets(text);
    expect(out).not.toContain('Wv8');
    expect(out).not.toContain(ID);
    expect(out).toContain('webhooks');
    expect(toPipelineError(new Error(text)).message).not.toContain('Wv8');
  });

  it('the host and what follows the token stay', () => {
    expect(redactSecrets(`POST https://discord.com/api/webhooks/${ID}/${SECRET}?wait=true failed`)).toBe(
      'POST https://discord.com/api/webhooks/[REDACTED]?wait=true failed',
    );
  });

  it('a webhooks path without an id of Discord shape is left alone', () => {
    const text = 'GET https://api.example.com/api/webhooks/42/deliveries';
    expect(redactSecrets(text)).toBe(text);
  });
});

describe('GitHub tokens are recognized without a label', () => {
  // Built at run time in GitHub's shapes; `Wv8` marks each.
  const body = `${SECRET}${'Q'.repeat(36)}`;
  it.each([
    ['ghp_ (personal, classic)', `ghp_${body}`],
    ['gho_ (OAuth)', `gho_${body}`],
    ['ghu_ (user-to-server)', `ghu_${body}`],
    ['ghs_ (server-to-server)', `ghs_${body}`],
    ['ghr_ (refresh)', `ghr_${body}`],
    ['github_pat_ (fine-grained)', `github_pat_11ABCDEFG0_${body}`],
  ])('%s: alone, glued to a name, and in a URL', (_label, token) => {
    for (const text of [
      `clone failed with ${token} (403)`,
      `env GH_${token} was refused`,
      `https://x-access:${token}@github.com/o/r.git`,
      `https://api.github.com/?q=${token}`,
    ]) {
      expect(redactSecrets(text)).not.toContain('Wv8');
      expect(toPipelineError(new Error(text)).message).not.toContain('Wv8');
    }
    expect(redactSecrets(`got ${token}.`)).toBe('got [REDACTED].');
  });

  it('shorter runs and ordinary words with the same start stay', () => {
    const text = 'ghp_short, the ghs_ prefix, github_pat_ alone, and a graph_ of ghosts';
    expect(redactSecrets(text)).toBe(text);
  });
});
