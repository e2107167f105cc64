/**
 * BigQuery's rules for a job's labels: at most 64; a key of 1 to 63 lowercase letters (international
 * ones included), digits, `_` or `-`, starting with a letter; a value of 0 to 63 of the same. A label
 * outside them makes BigQuery refuse the whole job with a 400 that reads like a problem of the
 * statement, so they are checked before anything is sent.
 */
import { quoteValue, redactSecrets } from '../errors/redact.js';
import { scrubCause } from '../errors/scrub.js';
import { messageOf } from '../shared/message-of.js';

const MAX_LABELS = 64;
const KEY = /^[\p{Ll}\p{Lo}][\p{Ll}\p{Lo}\p{N}_-]{0,62}$/u;
const VALUE = /^[\p{Ll}\p{Lo}\p{N}_-]{0,63}$/u;

/**
 * Refuses `labels` BigQuery would refuse, with a TypeError naming the label and the rule.
 *
 * @internal
 */
export function checkLabels(labels: unknown): void {
  if (labels === undefined) return;
  if (labels === null || typeof labels !== 'object' || Array.isArray(labels)) {
    throw new TypeError(
      `labels must be an object of string values, got ${labels === null ? 'null' : typeof labels}`,
    );
  }
  let entries: Array<[string, unknown]>;
  try {
    entries = Object.entries(labels);
  } catch (err) {
    throw new TypeError(`labels could not be read: ${redactSecrets(messageOf(err))}`, {
      cause: scrubCause(err),
    });
  }
  if (entries.length > MAX_LABELS) {
    throw new TypeError(
      `labels: BigQuery allows at most ${MAX_LABELS} labels on a job, got ${entries.length}`,
    );
  }
  for (const [key, value] of entries) {
    if (!KEY.test(key)) {
      throw new TypeError(
        `labels: key ${JSON.stringify(key)} must be 1 to 63 lowercase letters, digits, '_' or '-', starting with a lowercase letter`,
      );
    }
    if (typeof value !== 'string' || !VALUE.test(value)) {
      throw new TypeError(
        `labels: the value of ${JSON.stringify(key)} must be a string of 0 to 63 lowercase letters, digits, '_' or '-', got ${typeof value === 'string' ? quoteValue(value, 70) : typeof value}`,
      );
    }
  }
}
