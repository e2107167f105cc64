import { removeSecrets } from '../errors/redact.js';
import { tokenizeSql } from './sql-tokens.js';

/** What stands in a statement's shape for each literal it held. */
const LITERAL = '…';

/**
 * A statement as an error message may show it: its keywords, names, parameters and punctuation,
 * with every string, bytes and number literal replaced by `…` and its comments dropped, what
 * remains passed through `removeSecrets`. SQL carries secrets and personal data in its literals
 * (`password = 'hunter2'`, an API key in a comment, an account number), and a message goes to logs
 * and error trackers that the data's readers do not control; the shape still tells which statement
 * it was.
 *
 * @internal
 */
export function sqlShape(sql: string): string {
  let out = '';
  for (const token of tokenizeSql(sql)) {
    const text =
      token.kind === 'string'
        ? `'${LITERAL}'`
        : token.kind === 'number'
          ? LITERAL
          : token.kind === 'quoted'
            ? `\`${token.text}\``
            : token.text;
    out += token.spaced && out !== '' ? ` ${text}` : text;
  }
  return removeSecrets(out);
}
