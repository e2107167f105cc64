import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { PipelineError, redactSecrets, toPipelineError } from '../../../src/errors/index.js';
import { scrubCause } from '../../../src/errors/scrub.js';
import { cloudLoggingLogger, serializeError } from '../../../src/logging/index.js';

// Made-up credentials in the shapes of the real ones, put together at run time so that no scanner
// (and no reader) takes a line of this file for a leaked key. Each secret part holds `Zq7`, which no
// other text here holds.
const SLACK_TOKENS: ReadonlyArray<readonly [string, string]> = [
  ['bot', ['xoxb', '17653672481', '19874698323', 'pdFZKVeTuE8sk7oOcZq7bqgy'].join('-')],
  [
    'user',
    ['xoxp', '17653672481', '19874698323', '19873278523', 'Zq7a0f5dc8e4b2d7c1e6f0a9b8c7d6e5f4'].join('-'),
  ],
  [
    'app-level',
    ['xapp', '1', 'A0123BCDEFG', '4567890123456', 'Zq7fae9c1d2e3f4a5b6c7d8e9f0a1b2c3d4'].join('-'),
  ],
  ['workspace', ['xoxa', '2', '17653672481', 'Zq7cdefgh1234'].join('-')],
  ['refresh', ['xoxr', '17653672481', 'Zq7sRefreshToken42'].join('-')],
  ['legacy session', ['xoxs', '17653672481', '19874698323', 'Zq7legacy99'].join('-')],
];
const SENDGRID_KEY = ['SG', 'Zq7abcdEFGHijklMNOPqrs', 'Zq7uvWXyz0123456789-_abcdefghijklmnopqrstuvw'].join(
  '.',
);
const SENDGRID_KEY_OTHER_LENGTHS = [
  'SG',
  'Zq7abcdEFGHijklMN',
  'Zq7uvWXyz0123456789-_abcdefghijklmnopqrstuvwxyzABCDEF',
].join('.');
const WEBHOOK_SECRET = 'Zq7WebhookSecretPart42';
const WEBHOOKS: ReadonlyArray<readonly [string, string]> = [
  ['incoming webhook', `https://hooks.slack.com/services/T0AAAAAAA/B0BBBBBBB/${WEBHOOK_SECRET}`],
  ['workflow trigger', `https://hooks.slack.com/triggers/T0AAAAAAA/4567890123/${WEBHOOK_SECRET}`],
  ['workflow webhook', `https://hooks.slack.com/workflows/T0AAAAAAA/A0CCCCCCC/123456789/${WEBHOOK_SECRET}`],
  ['GovSlack webhook', `https://hooks.slack-gov.com/services/T0AAAAAAA/B0BBBBBBB/${WEBHOOK_SECRET}`],
];

/** Everything a logger, an error reporter or a debugger could print of `value`. */
function printed(value: unknown): string {
  let json = '';
  try {
    json = JSON.stringify(value) ?? '';
  } catch {
    // A cycle: inspect still shows every string.
  }
  return `${inspect(value, { depth: 30, showHidden: true, getters: true })}\n${json}`;
}

function expectNoSecret(text: string): void {
  expect(text).not.toContain('Zq7');
}

/** The places a credential hides in a message: each a function of the credential. */
const PLACES: ReadonlyArray<readonly [string, (secret: string) => string]> = [
  ['at the end of a message', (s) => `the request was refused for ${s}`],
  ['as the whole message', (s) => s],
  ['inside a JSON string without a label', (s) => `{"ok":false,"error":"invalid_auth","sent":"${s}"}`],
  ['inside a JSON string with a label', (s) => `{"token":"${s}"}`],
  ['in a URL query', (s) => `GET https://slack.com/api/auth.test?t=${s}&pretty=1 failed`],
  ['URL-encoded in a query', (s) => `GET https://proxy.example.com/?u=${encodeURIComponent(s)} failed`],
  ['after a line break', (s) => `line one\n${s}`],
  ['between parentheses', (s) => `(${s})`],
  ['after a dot, as part of a qualified name', (s) => `Invalid table name games.${s}`],
];

describe('redactSecrets: Slack tokens', () => {
  for (const [kind, token] of SLACK_TOKENS) {
    it.each(PLACES)(`removes a ${kind} token %s`, (_where, place) => {
      const out = redactSecrets(place(token));
      expectNoSecret(out);
      expect(out).toContain('[REDACTED]');
    });
  }

  it('removes a token of a rotating-token pair (xoxe.xoxp-...)', () => {
    const out = redactSecrets(`refreshed to xoxe.${SLACK_TOKENS[1]![1]}`);
    expectNoSecret(out);
  });

  // A token glued to a name by `_` or `-`, or to a URL-encoded character, was left whole: the pattern
  // started only after a character that cannot be part of a token.
  const GLUED: ReadonlyArray<readonly [string, (secret: string) => string]> = [
    ['after an underscore (a variable name)', (s) => `SLACK_${s} was refused`],
    ['after a hyphen', (s) => `token-${s} was refused`],
    ['after a URL-encoded quote', (s) => `GET /log?m=%22${s}%22 failed`],
    ['after a URL-encoded equals sign', (s) => `GET /log?m=token%3D${s} failed`],
  ];
  for (const [kind, token] of SLACK_TOKENS) {
    it.each(GLUED)(`removes a ${kind} token %s`, (_where, place) => {
      const out = redactSecrets(place(token));
      expectNoSecret(out);
      expect(out).toContain('[REDACTED]');
    });
  }
});

describe('redactSecrets: Slack webhook URLs keep the host, not the path', () => {
  for (const [kind, url] of WEBHOOKS) {
    it.each(PLACES)(`a ${kind} %s`, (_where, place) => {
      const out = redactSecrets(place(url));
      expectNoSecret(out);
      expect(out).toContain('[REDACTED]');
    });

    it(`a ${kind}: the host stays, and every part of the path after its kind goes`, () => {
      const out = redactSecrets(`POST ${url}: no_service`);
      expect(out).toMatch(
        /https:\/\/hooks\.slack(-gov)?\.com\/(services|triggers|workflows)\/\[REDACTED\]: no_service$/,
      );
      expect(out).not.toContain('T0AAAAAAA');
    });
  }

  it('a webhook URL JSON-escaped (`\\/`) as a serializer may write it', () => {
    const escaped = JSON.stringify({ url: WEBHOOKS[0]![1] }).replaceAll('/', '\\/');
    const out = redactSecrets(`answered ${escaped}`);
    expectNoSecret(out);
    expect(out).toContain('hooks.slack.com\\/services\\/[REDACTED]');
  });

  // Encoded twice (a URL in the query of a URL in a query) or JSON-escaped as `\u002f`, the path
  // was left whole: only `%2F` and `\/` ended the host.
  it.each(WEBHOOKS)('a %s URL-encoded twice (%252F) and three times (%25252F)', (_kind, url) => {
    const twice = encodeURIComponent(encodeURIComponent(url));
    expect(twice).toContain('%252F');
    for (const encoded of [twice, encodeURIComponent(twice)]) {
      const out = redactSecrets(`GET https://proxy.example.com/r?next=${encoded}&x=1 failed`);
      expectNoSecret(out);
      expect(out).not.toContain('T0AAAAAAA');
      expect(out).toMatch(
        /hooks\.slack(-gov)?\.com%(25)+2F(services|triggers|workflows)%(25)+2F\[REDACTED\]&x=1 failed$/,
      );
    }
  });

  it.each(WEBHOOKS)('a %s JSON-escaped as \\u002f, in either case', (_kind, url) => {
    for (const slash of ['\\u002f', '\\u002F']) {
      const escaped = JSON.stringify({ url }).replaceAll('/', slash);
      const out = redactSecrets(`answered ${escaped}`);
      expectNoSecret(out);
      expect(out).not.toContain('T0AAAAAAA');
      expect(out).toMatch(/com\\u002f(services|triggers|workflows)\\u002f\[REDACTED\]"}$/i);
    }
  });

  it('a webhook URL without its scheme, in upper case', () => {
    const out = redactSecrets(`posting to HOOKS.SLACK.COM/services/T0AAAAAAA/B0BBBBBBB/${WEBHOOK_SECRET}`);
    expectNoSecret(out);
  });
});

describe('redactSecrets: SendGrid API keys', () => {
  for (const [label, key] of [
    ['of the usual lengths (22 and 43)', SENDGRID_KEY],
    ['of other lengths', SENDGRID_KEY_OTHER_LENGTHS],
  ] as const) {
    it.each(PLACES)(`removes a key ${label} %s`, (_where, place) => {
      const out = redactSecrets(place(key));
      expectNoSecret(out);
      expect(out).toContain('[REDACTED]');
    });
  }

  it('removes a key after "Bearer" and in an Authorization header', () => {
    expectNoSecret(redactSecrets(`authorization: Bearer ${SENDGRID_KEY}`));
    expectNoSecret(redactSecrets(`{"Authorization":"Bearer ${SENDGRID_KEY}"}`));
  });
});

describe('redactSecrets: no false positives on ordinary text', () => {
  it.each([
    'xoxo-gossip and xoxb-style names are words, not tokens',
    'the xapp-launcher package and xoxp-tokens docs',
    'table xoxb_tokens_2024 in dataset slack_raw',
    'SG.Retail is a ticker; SG.cluster-1 is a host; Singapore (SG.) region',
    'SG.shortpart.shortpart is not a key',
    'Unrecognized name: SG.customer_orders_daily.order_line_items_v2 at [1:8]',
    'see https://api.slack.com/messaging/webhooks and https://hooks.example.com/services/x',
    'Slack hooks are configured in hooks.yaml',
    'Not found: Table nba-props:nba_raw.games was not found in location US',
  ])('%s', (text) => {
    expect(redactSecrets(text)).toBe(text);
  });
});

/**
 * A cause chain `depth` deep whose innermost error holds `secret` in its message, in a string field,
 * in a nested object and in a `Map`.
 */
function chain(secret: string, depth: number): Error {
  let error: Error = Object.assign(new Error(`innermost: ${secret}`), {
    body: `{"error":"${secret}"}`,
    details: { sent: { to: secret } },
    meta: new Map([['sent', secret]]),
  });
  for (let level = depth - 1; level >= 0; level--) {
    error = new Error(level % 2 === 0 ? `level ${level} failed` : `level ${level}: ${secret}`, {
      cause: error,
    });
  }
  return error;
}

const ALL_SECRETS: ReadonlyArray<readonly [string, string]> = [
  ...SLACK_TOKENS.map(([kind, token]) => [`a Slack ${kind} token`, token] as const),
  ...WEBHOOKS.map(([kind, url]) => [`a Slack ${kind} URL`, url] as const),
  ['a SendGrid key', SENDGRID_KEY],
];

describe('no Slack or SendGrid credential survives in a typed error, at any depth of cause', () => {
  it.each(ALL_SECRETS)(
    '%s: in the message and in a cause chain of every depth up to 11',
    (_label, secret) => {
      for (let depth = 0; depth <= 11; depth++) {
        const typed = toPipelineError(chain(secret, depth));
        expectNoSecret(typed.message);
        expectNoSecret(printed(typed));
        expectNoSecret(printed(typed.toJSON()));
        expectNoSecret(printed(serializeError(typed)));
      }
    },
  );

  it.each(ALL_SECRETS)('%s: in the cause of a PipelineError made directly', (_label, secret) => {
    const error = new PipelineError('the alert was not sent', { code: 'X', cause: chain(secret, 5) });
    expectNoSecret(printed(error));
  });

  it.each(ALL_SECRETS)('%s: deeper than the walk goes, the rest is not kept', (_label, secret) => {
    const copy = scrubCause(chain(secret, 40));
    expectNoSecret(printed(copy));
  });

  it.each(ALL_SECRETS)('%s: in the fields of a log entry', (_label, secret) => {
    const lines: string[] = [];
    const logger = cloudLoggingLogger({ write: (line) => lines.push(line), projectId: 'p' });
    logger.error('alert failed', {
      error: chain(secret, 4),
      nested: { err: toPipelineError(chain(secret, 2)) },
    });
    expect(lines).toHaveLength(1);
    expectNoSecret(lines[0]!);
  });

  it('a webhook URL of any service, kept under a webhookUrl key of a cause, is dropped with its key', () => {
    const cause = { options: { webhookUrl: 'https://chat.example.com/hooks/Zq7anySecret', name: 'ops' } };
    const error = new PipelineError('the channel failed', { cause });
    expectNoSecret(printed(error));
    expect((error.cause as { options: { name: string } }).options.name).toBe('ops');
  });

  it.each(ALL_SECRETS)(
    '%s: in the message and a field of an error made outside the package, as toJSON writes it',
    (_label, secret) => {
      class PostFailed extends PipelineError {
        readonly target = { url: secret, attempts: 3 };
      }
      const error = new PostFailed(`post to ${secret} failed`, { code: 'POST_FAILED' });
      const json = JSON.stringify(error);
      expectNoSecret(json);
      expect(JSON.parse(json)).toMatchObject({ code: 'POST_FAILED', target: { attempts: 3 } });
      expectNoSecret(JSON.stringify({ failures: [error] }));
    },
  );
});
