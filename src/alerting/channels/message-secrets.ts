/**
 * An alert's text without credentials, for every channel: an alert often quotes a failed request
 * (a URL with its key, an `Authorization` header) and Slack channels and mailboxes are read by more
 * people, for longer, than the logs the key was kept out of.
 * @module
 */
import { REDACTED, removeSecrets } from '../../errors/redact.js';
import { isSecretName } from '../../errors/secret-name.js';
import type { AlertMessage } from './channel.js';

/**
 * `message` with the credentials removed from its title, text, fields and recovery commands
 * (the whole text, before any channel cuts it, so that a cut never shows a credential's start); a
 * field named as a credential (`api_key`, `password`, `x-auth-token`) has its value replaced whatever
 * it looks like. The key is shown (footers, the log line), so it is cleaned too; the rate limit and
 * the returned result keep the caller's raw key. The source is often named after what it watches
 * (a URL), and a custom channel may show it: cleaned too. The environment is configuration: kept.
 */
export function withoutSecrets(message: AlertMessage): AlertMessage {
  // fromEntries: a field named `__proto__` stays a field.
  const fields: AlertMessage['fields'] = Object.fromEntries(
    Object.entries(message.fields).map(([name, value]) => [
      name,
      isSecretName(name) ? REDACTED : typeof value === 'string' ? removeSecrets(value) : value,
    ]),
  );
  return {
    ...message,
    key: removeSecrets(message.key),
    source: removeSecrets(message.source),
    title: removeSecrets(message.title),
    message: removeSecrets(message.message),
    fields,
    recoveryCommands: message.recoveryCommands.map(removeSecrets),
  };
}
