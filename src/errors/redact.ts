/** Longest service message kept in an error message; HTML error pages from proxies can be huge. */
const MAX_MESSAGE_LENGTH = 2000;

const REDACTED = '[REDACTED]';

// Each pattern keeps the label and replaces only the secret, so the message still says what was there.
const SECRET_PATTERNS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${REDACTED}`],
  [/\b(authorization|x-goog-api-key|cookie)(["']?\s*[:=]\s*["']?)[^"',;\r\n}]+/gi, `$1$2${REDACTED}`],
  [
    /\b(access_token|refresh_token|id_token|client_secret|private_key|api_key|apikey|key|token|sig|signature|password)(["']?\s*[:=]\s*["']?)[^\s"'&,;}]+/gi,
    `$1$2${REDACTED}`,
  ],
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g, REDACTED],
  [/\bya29\.[A-Za-z0-9._-]+/g, REDACTED],
  // A Slack incoming webhook's URL is its credential: /services/T<team>/B<bot>/<secret>.
  [/(\/services\/T[A-Za-z0-9]+\/B[A-Za-z0-9]+\/)[^\s/?#"']+/g, `$1${REDACTED}`],
];

/**
 * Removes credentials from text that is about to go into an error message or a log line: bearer and
 * basic tokens, `Authorization` headers, `access_token=` style parameters (in URLs, headers and JSON),
 * OAuth `ya29.` tokens, PEM private keys and the secret part of Slack webhook URLs. Also caps the length.
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
  let out = text;
  for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
  return out.length > MAX_MESSAGE_LENGTH ? `${out.slice(0, MAX_MESSAGE_LENGTH)}... (truncated)` : out;
}
