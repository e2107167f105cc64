/** Longest service message kept in an error message; HTML error pages from proxies can be huge. */
const MAX_MESSAGE_LENGTH = 2000;

/**
 * How much of a text is ever looked at. Messages are cut to this before any pattern runs, so the
 * cost of redaction does not grow with the input (a 1 MB message costs what a 4 kB one does), and
 * redaction may shorten what is kept without losing the part that fits.
 */
const SCAN_LIMIT = 2 * MAX_MESSAGE_LENGTH;

const TRUNCATED = '... (truncated)';

/** What a removed credential is replaced with, in every message and cause the package writes. */
export const REDACTED = '[REDACTED]';

// Each pattern keeps the label and replaces only the secret, so the message still says what was there.
// The PEM block goes first: the `private_key` label pattern below would otherwise replace only its
// first word (`-----BEGIN`), and the block, no longer recognizable, would keep the key's body.
const SECRET_PATTERNS: ReadonlyArray<readonly [RegExp, string]> = [
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g, REDACTED],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${REDACTED}`],
  // A header's whole value goes, up to the end of the line or the closing quote: a Cookie header holds
  // several credentials separated by `;`, and an Authorization value can be a list.
  [/\b(authorization|x-goog-api-key|cookie)(["']?\s*[:=]\s*["']?)[^"'\r\n}]+/gi, `$1$2${REDACTED}`],
  [
    /\b(access_token|refresh_token|id_token|client_secret|private_key|api_key|apikey|key|token|sig|signature|password)(["']?\s*[:=]\s*["']?)[^\s"'&,;}]+/gi,
    `$1$2${REDACTED}`,
  ],
  [/\bya29\.[A-Za-z0-9._-]+/g, REDACTED],
  // Credentials recognizable without a label: a Google API key (`AIza` and 35 more characters) and a
  // JWT (an ID token, a signed assertion: two base64url JSON parts, then the signature). The JWT may
  // start only after a character that cannot be part of it, so no run of text is scanned twice.
  [/AIza[\w-]{35}/g, REDACTED],
  [/(?<![\w-])eyJ[\w-]*\.eyJ[\w.-]*/g, REDACTED],
  // A Slack incoming webhook's URL is its credential: /services/T<team>/B<bot>/<secret>.
  [/(\/services\/T[A-Za-z0-9]+\/B[A-Za-z0-9]+\/)[^\s/?#"']+/g, `$1${REDACTED}`],
  // The password of a URL's user info (`https://user:password@host/`). Anchored on `://`, and neither
  // part can cross a `/`, so each `://` is scanned at most up to the next one: linear.
  [/(:\/\/[^\s/?#@:]*:)[^\s/?#@]+@/g, `$1${REDACTED}@`],
  // A user name alone can be the credential (`https://token@host`): the whole user info goes. The
  // scheme starts only after a character that cannot be part of one (not at every word boundary), so
  // a long run of dotted or hyphenated text is scanned once, not once per dot.
  [/(?<![a-z0-9+.-])([a-z][a-z0-9+.-]*:\/\/)[^/@\s?#]+@/gi, `$1${REDACTED}@`],
];

/**
 * Removes credentials from text that is about to go into an error message or a log line: bearer and
 * basic tokens, `Authorization` headers, `access_token=` style parameters (in URLs, headers and JSON),
 * OAuth `ya29.` tokens, Google API keys (`AIza...`) and JWTs even without a label, every cookie of a
 * `Cookie` header, PEM private keys (also JSON-escaped, as in a service-account key file), the
 * secret part of Slack webhook URLs and a URL's user info. Also caps the length.
 *
 * @example
 * ```ts
 * import { redactSecrets } from 'gcp-pipeline-resilience';
 *
 * redactSecrets('GET /token?access_token=ya29.abc failed, Authorization: Bearer ya29.abc');
 * // 'GET /token?access_token=[REDACTED] failed, Authorization: [REDACTED]'
 * ```
 */
export function redactSecrets(text: string): string {
  const cut = text.length > SCAN_LIMIT;
  const out = removeSecrets(cut ? text.slice(0, SCAN_LIMIT) : text);
  if (out.length > MAX_MESSAGE_LENGTH) return `${out.slice(0, MAX_MESSAGE_LENGTH)}${TRUNCATED}`;
  return cut ? `${out}${TRUNCATED}` : out;
}

/**
 * A service message made fit for an error message: cut first (see `SCAN_LIMIT`), every run of
 * whitespace that holds a line break made one space, trimmed, credentials removed. Linear in the
 * length it keeps: `\s+` matches each run once and never backtracks into it.
 */
export function cleanMessage(text: string): string {
  const cut = text.length > SCAN_LIMIT;
  const head = cut ? text.slice(0, SCAN_LIMIT) : text;
  const collapsed = head.replace(/\s+/g, (run) => (run.includes('\n') ? ' ' : run)).trim();
  return redactSecrets(cut ? `${collapsed}${TRUNCATED}` : collapsed);
}

/**
 * The credential patterns of {@link redactSecrets} without the length cap, for text that is kept
 * whole (string fields of an error's `cause`). Every pattern is linear in the length of the text.
 */
export function removeSecrets(text: string): string {
  let out = text;
  for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}
