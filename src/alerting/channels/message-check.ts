/**
 * The check of an {@link AlertMessage} handed to a channel or to `slackPayload` directly: the manager
 * builds complete messages, but a caller of the public helpers may not, and a message with an unknown
 * severity used to fail deep inside with `Cannot read properties of undefined (reading 'emoji')`.
 * @module
 */
import { describeValue } from '../../shared/check-options.js';
import { ALERT_LEVEL_STYLES, ALERT_SEVERITIES } from '../levels.js';
import type { AlertMessage } from './channel.js';

const TEXTS = ['key', 'title', 'message', 'environment'] as const;

/**
 * Throws a `TypeError` naming `where` and the first field of `message` that is not what the Slack
 * and email renderings read: `slackPayload: message.severity must be one of critical, error, ...,
 * got a string ("fatal")`. Only the fields the renderings read are checked.
 */
export function checkAlertMessage(where: string, message: unknown): asserts message is AlertMessage {
  const fail = (what: string, expected: string, value: unknown) =>
    new TypeError(`${where}: ${what} must be ${expected}, got ${describeValue(value)}`);
  if (typeof message !== 'object' || message === null || Array.isArray(message)) {
    throw fail('message', 'an AlertMessage object', message);
  }
  const m = message as Record<string, unknown>;
  const severity = m.severity;
  // An own key only: 'toString' is no severity.
  if (typeof severity !== 'string' || !Object.hasOwn(ALERT_LEVEL_STYLES, severity)) {
    throw fail('message.severity', `one of ${ALERT_SEVERITIES.join(', ')}`, severity);
  }
  for (const key of TEXTS) {
    if (typeof m[key] !== 'string') throw fail(`message.${key}`, 'a string', m[key]);
  }
  const fields = m.fields;
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) {
    throw fail('message.fields', 'an object', fields);
  }
  for (const [name, value] of Object.entries(fields)) {
    const kind = typeof value;
    if (kind !== 'string' && kind !== 'number' && kind !== 'boolean') {
      throw fail(`message.fields.${name}`, 'a string, a number or a boolean', value);
    }
  }
  const commands = m.recoveryCommands;
  if (!Array.isArray(commands)) throw fail('message.recoveryCommands', 'an array of strings', commands);
  commands.forEach((command, i) => {
    if (typeof command !== 'string') throw fail(`message.recoveryCommands[${i}]`, 'a string', command);
  });
  const at = m.at;
  if (!(at instanceof Date) || Number.isNaN(at.getTime())) throw fail('message.at', 'a valid Date', at);
}
