import { isName, isPunct, type SqlToken } from './sql-tokens.js';

/**
 * A name path as a statement writes it (`ds.t`, `proj.ds.t`, `` `proj.ds.t` ``, `my-project-287.ds.t`,
 * `alias.column`, a bare `column`): the one reading of a table path that the query guard and the
 * job's dataset (`firstDatasetOf`) share.
 *
 * @internal
 */
export interface SqlPath {
  /** Its parts, in order, backticks removed and a backticked part holding dots split at them. */
  parts: string[];
  /**
   * A wildcard table (`ds.games_*`, `` `p.ds.games_2024*` ``): its last part is the prefix before the
   * `*`, and it reads every table of the dataset whose name starts with it.
   */
  wildcard: boolean;
  /** Index of its first token. */
  tokenIndex: number;
}

/** Tokens that, glued after a `*`, make it a multiplication (`ds.x*2`) rather than a wildcard's end. */
function startsOperand(t: SqlToken | undefined): boolean {
  return t !== undefined && !t.spaced && (t.kind !== 'punct' || t.text === '(');
}

/**
 * Every name path of a statement, in order. GoogleSQL lets whitespace or a comment separate any two
 * tokens, a path's dots included (`ds . t`, `ds./* x *\/t`); a part after a dot may start with a digit
 * (`proj.123ds.t`, read as a name by the tokenizer); a `-` joins glued parts (`my-project-287.ds.t`,
 * so `a - b` is two names); a `*` glued to the last part of a dotted path ends a wildcard table
 * (`ds.games_*`), unless an operand is glued after it (`ds.x*2`). `t.*` is a column list, not a table.
 *
 * @internal
 */
export function readPaths(tokens: readonly SqlToken[]): SqlPath[] {
  const paths: SqlPath[] = [];
  let i = 0;
  while (i < tokens.length) {
    const first = tokens[i];
    if (!isName(first)) {
      i++;
      continue;
    }
    const parts = [first.text];
    let j = i + 1;
    for (;;) {
      const u = tokens[j];
      const next = tokens[j + 1];
      if (isPunct(u, '.') && isName(next)) {
        parts.push(next.text);
        j += 2;
      } else if (
        isPunct(u, '-') &&
        !(u as SqlToken).spaced &&
        next !== undefined &&
        !next.spaced &&
        (next.kind === 'number' || isName(next))
      ) {
        parts[parts.length - 1] += `-${next.text}`;
        j += 2;
      } else break;
    }
    const split = parts.flatMap((p) => p.split('.')).map((p) => p.trim());
    let wildcard = false;
    const star = tokens[j];
    if (
      split.length > 1 &&
      isPunct(star, '*') &&
      !(star as SqlToken).spaced &&
      !startsOperand(tokens[j + 1])
    ) {
      wildcard = true;
      j++;
    } else if ((split.at(-1) as string).endsWith('*') && tokens[j - 1]?.kind === 'quoted') {
      wildcard = true;
      split[split.length - 1] = (split.at(-1) as string).slice(0, -1);
    }
    paths.push({
      parts: split.filter((p, k) => p !== '' || (wildcard && k === split.length - 1)),
      wildcard,
      tokenIndex: i,
    });
    i = j;
  }
  return paths;
}
