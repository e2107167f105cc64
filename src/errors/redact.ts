import { CUT_MARK, firstChars } from '../shared/first-chars.js';

/** Longest service message kept in an error message; HTML error pages from proxies can be huge. */
const MAX_MESSAGE_LENGTH = 2000;

/** What a removed credential is replaced with, in every message and cause the package writes. */
export const REDACTED = '[REDACTED]';

// Each pattern keeps the label and replaces only the secret, so the message still says what was there.
// The PEM block goes first: the `private_key` label pattern below would otherwise replace only its
// first word (`-----BEGIN`), and the block, no longer recognizable, would keep the key's body.
const SECRET_PATTERNS: ReadonlyArray<readonly [RegExp, string]> = [
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g, REDACTED],
  // The space may be URL-encoded, once or more (`bearer%20...`, `Bearer%2520...` in a query); it is kept
  // as it was, and so are the encoded characters of the token (`%2B`) it runs through.
  [/\b(Bearer|Basic)(\s+|%(?:25)*20)[\w.~+/=%-]+/gi, `$1$2${REDACTED}`],
  // A header's whole value goes, up to the end of the line or the closing quote: a Cookie header holds
  // several credentials separated by `;`, and an Authorization value can be a list.
  // A value that is already `[REDACTED]` is left alone (the `(?!...)`), here and in the patterns below
  // that could take it: a message built from redacted parts (`... cookie: [REDACTED]), so the call was
  // not sent. Set ...`) passes through again unchanged, instead of losing all that follows.
  // The separator is also `=>` (how `util.inspect` prints a `Map`, grpc-js `Metadata`), URL-encoded
  // (`%3D`, `%3A`: a URL inside a query; `%253D`, `%25253D`: encoded again at each level of nesting),
  // and may open an array (`"authorization":["Token ..."]`).
  // The bracket comes after its own spaces only, so no run of spaces can be split two ways (linear);
  // a value never starts with one (nor with the `>` of `=>`), so `["[REDACTED]"]` is not taken again
  // from its bracket. A label may follow an encoded character (`%3Faccess_token%3D...`, `%253Fkey`;
  // encoded at most five times there: a look back, tried at every position of a run, must be bounded).
  [
    /\b(authorization|x-goog-api-key|cookie)(["']?\s*(?:=>|[:=]|%(?:25)*3[ad])\s*(?!\[REDACTED\])(?:\[\s*)?["']?)(?!\[REDACTED\])[^\s"'}[>][^"'\r\n}]*/gi,
    `$1$2${REDACTED}`,
  ],
  // An API key header with only a space before its value (`x-goog-api-key AIza...` in a curl trace):
  // header names only, never ordinary words, which are followed by a space all the time, and a value
  // of 16 or more key characters, so that `x-goog-api-key is missing` stays as it is.
  [/\b(x-goog-api-key|x-api-key)(\s+)[\w.~+/=-]{16,}/gi, `$1$2${REDACTED}`],
  // A label is also the end of a longer name (`accessToken`, `auth_token`, `clientSecret`,
  // `x-api-key`), read from the start of its run only (linear), may be JSON-escaped
  // (`\"password\":\"...\"`) or HTML-escaped (`key&#x3D;`), and a quoted value runs to its closing
  // quote, spaces included (a passphrase).
  [
    /((?<![\w-])[\w-]*?(?:token|secret|passw(?:or)?d|(?:api|private|secret|access)[_-]?key)|(?:\b|(?<=%(?:25){0,4}[\da-f]{2}))(?:key|sig|signature|pwd))(\\?["']?\s*(?:=>|[:=]|%(?:25)*3[ad]|&#(?:x3d|61);)\s*(?!\[REDACTED\])(?:\[\s*)?)(\\?["'])?(?!\[REDACTED\])(?:(?<=")[^"\r\n]+|(?<=')[^'\r\n]+|[^\s"'&,;}[>\\][^\s"'&,;}]*)/gi,
    `$1$2$3${REDACTED}`,
  ],
  // A password told in prose (`the password is hunter2`), unless the next word says something of it.
  [
    /\b(passw(?:or)?d|pwd)(\s+(?:is|was)\s+["']?)(?!\[|(?:not|too|required|missing|invalid|incorrect|wrong|empty|expired|set)\b)[^\s"']+/gi,
    `$1$2${REDACTED}`,
  ],
  [/\bya29\.[\w.-]+/g, REDACTED],
  // Credentials recognizable without a label: a Google API key (`AIza` and 35 more characters) and a
  // JWT (an ID token, a signed assertion: two base64url JSON parts, then the signature). The JWT may
  // start only after a character that cannot be part of it, so no run of text is scanned twice.
  [/AIza[\w-]{35}/g, REDACTED],
  // A Google OAuth client secret (`GOCSPX-` and 28 characters) and a Google refresh token (`1//0`, a
  // character, then a long base64url run): both prefixes are fixed strings, and the run after them
  // cannot hold another one (no `GOCSPX-` restarts inside a match; `1//0` has slashes), so each
  // character is read once.
  [/GOCSPX-[\w-]{20,}/g, REDACTED],
  [/\b1\/\/0[\w-]{30,}/g, REDACTED],
  [/(?<![\w-])eyJ[\w-]*\.eyJ[\w.-]*/g, REDACTED],
  // A Slack webhook's URL is its credential. On Slack's own hosts the whole path after the kind goes
  // (`/services/`, `/triggers/`, `/workflows/`: each kind has its own shape), also URL-encoded once or
  // more (`%2F`, `%252F`: a URL in a query, in a query of a query) or JSON-escaped (`\/`, `\u002f`),
  // up to what cannot be in its path (Slack's secrets are letters and digits), so the punctuation of
  // the message around it stays. Linear: it starts only at the fixed string `hooks.slack`, and the
  // path's alternatives differ in their first characters, so the path is read once and never given
  // back. The kind is taken when there (a lookahead, then `\2`, cannot be backtracked into), so that a
  // path already `[REDACTED]` is not taken again from its kind on. Elsewhere (a proxy, a
  // Slack-compatible service) the incoming-webhook shape
  // /services/T<team>/B<bot>/<secret> still gives the secret away.
  [
    /(hooks\.slack(?:-gov)?\.com(?:\\?\/|%(?:25)*2F|\\u002f)(?=((?:services|triggers|workflows)(?:\\?\/|%(?:25)*2F|\\u002f))?)\2)(?:[^\s"'<>?#&()[\]{},;:|\\]|\\\/|\\u002f)+/gi,
    `$1${REDACTED}`,
  ],
  [/(\/services\/T[A-Za-z0-9]+\/B[A-Za-z0-9]+\/)(?!\[REDACTED\])[^\s/?#"']+/g, `$1${REDACTED}`],
  // A Discord webhook's URL is its credential too: `.../webhooks/<id>/<token>` (`discord.com`,
  // `discordapp.com`, `/api/v10/`, a proxy), the id and token go, the host and what follows stay. An id
  // is a snowflake (15 or more digits), so other services' `webhooks/42/...` paths stay. The
  // separators are those of the Slack pattern, the same all along (`\2`). Linear: it starts at the
  // fixed string `webhooks`, and each part ends where the next one's first character is.
  [/(webhooks(\\?\/|%(?:25)*2F|\\u002f))(?!\[REDACTED\])\d{15,}\2[\w-]+/gi, `$1${REDACTED}`],
  // Slack tokens: bot, user, app-level, workspace, refresh, session, client and cookie tokens. Each is
  // a fixed prefix and a run with a digit among its first 64 characters (`xoxb-17653672481-...`: most
  // have one right after the prefix; a cookie token's URL-encoded base64 has one there but for odds
  // below 1 in 10,000); requiring one keeps ordinary hyphenated words that start alike. Found
  // wherever it starts (`SLACK_xoxb-...`, `token-xoxb-...`, `%22xoxb-...`). Linear: an attempt
  // starts only at the fixed prefix and looks at most 64 characters ahead (an unbounded lookahead,
  // tried from every prefix inside one run, was quadratic: `%xoxb-` repeated); a match takes the
  // whole run, so no run is taken twice.
  [/(?:xox[abcdeprs]|xapp)-(?=[A-Za-z%-]{0,64}\d)[A-Za-z0-9%-]+/g, REDACTED],
  // A SendGrid API key: `SG.`, a key id (22 characters today) and its secret (43), base64url. Other
  // lengths are allowed (an id of 16 or more, a secret of 40 or more); a shorter secret is left alone,
  // because a BigQuery dataset named SG makes names of the same shape (`SG.customer_orders.line_items`).
  // Glued to a name by `_` or `-` (`SENDGRID_SG.…`) it is still found; after a letter or digit not.
  [/(?<![A-Za-z\d])SG\.[\w-]{16,}\.[\w-]{40,}/g, REDACTED],
  // GitHub tokens: `gh` and a kind (`p` personal, `o` OAuth, `u` user, `s` server, `r` refresh), `_`, 36
  // or more letters and digits; fine-grained ones `github_pat_` and 22 or more word characters. Found
  // after anything but a letter or digit (`GH_ghp_...`). Linear as the SendGrid pattern: a match takes
  // its whole run, and a failed attempt stops at the first character its run cannot hold.
  [/(?<![A-Za-z\d])(?:gh[opsru]_[A-Za-z\d]{36,}|github_pat_\w{22,})/g, REDACTED],
  // The password of a URL's user info (`https://user:password@host/`). Anchored on `://`, and neither
  // part can cross a `/`, so each `://` is scanned at most up to the next one: linear. The password
  // runs to the last `@` before the host, as URL parsers read it (`user:pa@ss@host`).
  [/(:\/\/[^\s/?#@:]*:)[^\s/?#]+@/g, `$1${REDACTED}@`],
  // A user name alone can be the credential (`https://token@host`): the whole user info goes. The
  // scheme starts only after a character that cannot be part of one (not at every word boundary), so
  // a long run of dotted or hyphenated text is scanned once, not once per dot.
  [/(?<![a-z0-9+.-])([a-z][a-z0-9+.-]*:\/\/)[^/\s?#]+@/gi, `$1${REDACTED}@`],
];

/**
 * Removes credentials from text that is about to go into an error message or a log line: bearer and
 * basic tokens, `Authorization` headers, `access_token=` style parameters (in URLs, headers and JSON),
 * OAuth `ya29.` tokens, Google API keys (`AIza...`), OAuth client secrets (`GOCSPX-...`), refresh
 * tokens (`1//0...`) and JWTs even without a label, every cookie of a
 * `Cookie` header, PEM private keys (also JSON-escaped, as in a service-account key file), Slack
 * tokens (`xoxb-`, `xoxp-`, `xapp-`, ...), SendGrid API keys (`SG.<id>.<secret>`), GitHub tokens
 * (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`, `github_pat_`), the path of a Slack
 * or Discord webhook URL (the host stays) and a URL's user info. Also caps the length (2,000 characters,
 * then `…`); a credential the cap runs through is removed whole, never shown in part.
 *
 * @example
 * ```ts
 * import { redactSecrets } from 'gcp-pipeline-resilience';
 *
 * redactSecrets('GET /token?access_token=ya29.abc failed, Authorization: Bearer ya29.abc');
 * // 'GET /token?access_token=[REDACTED] failed, Authorization: [REDACTED]'
 * redactSecrets(`POST ${process.env.SLACK_WEBHOOK_URL} failed: no_service`);
 * // 'POST https://hooks.slack.com/services/[REDACTED] failed: no_service'
 * ```
 */
export function redactSecrets(text: string): string {
  return redactedStart(text, MAX_MESSAGE_LENGTH);
}

/**
 * The most characters of a configuration value (an environment variable's, an option's) that a
 * message or an error field shows: the longest value the variables read hold legitimately (a project
 * id, at most 30 characters; a sport; a port; `host:port`) fits whole. A longer value is not what the
 * variable should hold (a key pasted into the wrong one, say): only its start shows.
 */
export const SHOWN_VALUE_CHARACTERS = 32;

/**
 * A configuration value as an error shows it: credentials removed (as `redactSecrets` does), then at
 * most `count` characters (default `SHOWN_VALUE_CHARACTERS`), then `…`. Every error that quotes
 * an environment variable's value goes through here, and names the variable rather than relying on
 * its value.
 */
export function shownValue(value: string, count: number = SHOWN_VALUE_CHARACTERS): string {
  return redactedStart(value, count);
}

/** `shownValue` as a JSON string, the way messages quote a rejected value. */
export function quoteValue(value: string, count: number = SHOWN_VALUE_CHARACTERS): string {
  return JSON.stringify(shownValue(value, count));
}

/** C0 and C1 control characters (NULs of a binary body, terminal escape sequences), and DEL. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point: they must not reach logs.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/g;

/**
 * Text from outside (a service's message, a response body) made fit for an error message: control
 * characters and every run of whitespace made one space, trimmed, credentials removed, at most `count`
 * characters (see `redactedStart`). Reads at most `4 * count` units, so the cost does not grow
 * with the input; linear in that: `\s+` matches each run once and never backtracks into it.
 */
export function cleanMessage(text: string, count = MAX_MESSAGE_LENGTH): string {
  const readLimit = 4 * count;
  const more = text.length > readLimit;
  const collapsed = (more ? text.slice(0, readLimit) : text)
    .replace(CONTROL_CHARACTERS, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return redactedStart(collapsed, count, more);
}

/**
 * The first `count` characters of `text` with its credentials removed, then `…` when there is more
 * (or when `more` says `text` is itself only the start of a longer one, such as the decoded start of
 * a message's data). Credentials go before the cut, so that one the cut runs through is still
 * recognized whole and shown as `[REDACTED]`. Only the first `2 * count` units are read (the cost
 * does not grow with the input); a credential that runs past those loses the end its pattern may
 * need, so the read part's open end goes first (see `OPEN_END`): no credential shows in part.
 */
export function redactedStart(text: string, count: number, more?: boolean): string {
  const scanLimit = 2 * count;
  const cut = more || text.length > scanLimit;
  const clean = removeSecrets(cut ? text.slice(0, scanLimit).replace(OPEN_END, '$1') : text);
  const shown = firstChars(clean, count, cut);
  // A cut through `[REDACTED]` (or right before it) would leave `[REDAC…` (or `token=…`), which no
  // longer reads as one, and which a second pass (a message built from this text) would take for a
  // value: the cut moves past the marker.
  const end = shown.length - 1;
  const at = clean.lastIndexOf(REDACTED, end);
  const after = at + REDACTED.length;
  return shown !== clean && at >= 0 && after > end
    ? clean.slice(0, after) + (after < clean.length || cut ? CUT_MARK : '')
    : shown;
}

/**
 * What may be the unfinished start of a credential at the end of a text that was cut, which no
 * pattern recognizes: a Google API key cut short (`AIza` and fewer than 35 more characters), a URL's
 * authority that the cut ends before its `@` (a user name and password: only the `://` is kept). A
 * credential whose start a pattern still recognizes (after `Bearer `, `password=`,
 * `-----BEGIN PRIVATE KEY-----`, `ya29.`, a JWT's `.eyJ`) is removed by the pattern itself. Linear: each alternative starts at a fixed string and stops at the end or at
 * a character it cannot hold; a Slack token's reads at most 64 characters, as the token pattern
 * looks no further for its digit.
 */
const OPEN_END =
  /(?:AIza[\w-]{0,34}|GOCSPX-[\w-]*|\b1\/\/0[\w-]*|(?:xox[abcdeprs]|xapp)-[A-Za-z0-9%-]{0,64}|(?<![A-Za-z\d])(?:SG\.[\w.-]*|gh[opsru]_\w*|github_pat_\w*)|(:\/\/)[^\s/?#]*)$/;

/**
 * The credential patterns of {@link redactSecrets} without the length cap, for text that is kept
 * whole (string fields of an error's `cause`). Every pattern is linear in the length of the text.
 */
export function removeSecrets(text: string): string {
  let out = text;
  for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}
