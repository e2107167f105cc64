/**
 * The one rule on names (a field's key in a log entry, a key of a kept `cause`, a header, a `Map`
 * entry, an alert's field) that says the value is a credential whatever it looks like. Both loggers,
 * the cause scrubber and the alert channels read it from here, so that a name one of them keeps is
 * never one another drops (docs/decisions/logging.md). Internal: not exported from the package.
 * @module
 */

/**
 * Words that make a name a credential's, read on the name made lowercase without `-` and `_` (a
 * rule, not a list of exact names, which missed every header a service invents: `x-auth-token`,
 * `private-token`, `client-secret`). A name holding one of them, or one of the short labels (`auth`:
 * Node's `user:password` option), or a webhook URL (the credential of the channel it posts to), is a
 * credential's...
 */
const SECRET_NAME =
  /^(?:sig|auth|webhookurl)$|token|secret|passw(?:or)?d|apikey|authorization|cookie|credential|privatekey|signature/;

/**
 * ...unless it ends with a word that makes it a count, a kind, a place or a name of the credential,
 * not the credential (`tokenCount`, `token_type`, `token_uri`, `secretName`, `private_key_id`,
 * `tokenExpiresAt`)...
 */
const HARMLESS_END = /(?:count|type|uri|name|id)s?$|expir/;

/**
 * ...and a name that ends with a credential's word is one whatever comes before it (`expiredToken`,
 * `dbPwd`, and the page cursors `pageToken` and `nextPageToken`: redacted, see the decision).
 */
const SECRET_END = /(?:authorization|cookie|passw(?:or)?d|pwd|secret|token|apikey|privatekey|credentials?)$/;

/** Whether a name (a key, a header name) holds a credential: see `SECRET_NAME`. */
export function isSecretName(name: string): boolean {
  const lower = name.toLowerCase();
  const normalized = lower.replace(/[-_]/g, '');
  // `x-<service>-key` is an API key header (`x-api-key`, `x-apisports-key`, `x-goog-api-key`).
  return (
    /^x-.*-key$/.test(lower) ||
    SECRET_END.test(normalized) ||
    (SECRET_NAME.test(normalized) && !HARMLESS_END.test(normalized))
  );
}
