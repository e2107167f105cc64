import { redactSecrets } from '../errors/redact.js';

// Where BigQuery's messages put the caller's values: quoted text ("Could not parse
// 'alice@example.com' as INT64"), the rest of a clause after `value:` ("Bad int64 value: abc",
// "Invalid NUMERIC value: 1e40") and numeric literals. An HTTP status and digits inside a word
// (INT64, row ids in names) are kept.
const QUOTED = /'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|`(?:[^`\\]|\\.)*`/g;
const AFTER_VALUE = /(\bvalues?:\s*)[^;\n]+/gi;
const NUMBER = /(?<![\w.]|HTTP )[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?(?![\w.])/g;

/**
 * An error's message as a span records it: credentials redacted, then every quoted text and every
 * number replaced by `?`, so values from the caller's rows never reach a trace backend (spans are
 * kept apart from the data, and `db.query.text` being off must mean no data). The wording and the
 * column names stay, which is what the message is read for.
 *
 * @internal
 */
export function spanErrorText(message: string): string {
  return redactSecrets(message).replace(QUOTED, "'?'").replace(AFTER_VALUE, '$1?').replace(NUMBER, '?');
}
