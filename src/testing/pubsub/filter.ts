/**
 * Pub/Sub subscription filters: the attribute-only language of `Subscription.filter`
 * (`attributes.KEY = "v"`, `!=`, `attributes:KEY`, `hasPrefix(attributes.KEY, "p")`, `NOT` / `-`,
 * `AND`, `OR`, parentheses; AND and OR mixed only inside parentheses), at most 256 bytes.
 * @module
 */
import { rpcError } from './status.js';

/** Whether a message's attributes pass a compiled filter. */
export type MessageFilter = (attributes: Readonly<Record<string, string>>) => boolean;

const MAX_FILTER_BYTES = 256;

type Token = { kind: 'word' | 'string' | 'op'; text: string; at: number };

function invalid(filter: string, why: string): Error {
  return rpcError('INVALID_ARGUMENT', `Invalid filter ${JSON.stringify(filter)}: ${why}`);
}

function tokenize(filter: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < filter.length) {
    const ch = filter[i]!;
    if (/\s/.test(ch)) {
      i += 1;
    } else if (ch === '"' || ch === "'") {
      let j = i + 1;
      let text = '';
      while (j < filter.length && filter[j] !== ch) {
        if (filter[j] === '\\' && j + 1 < filter.length) j += 1;
        text += filter[j];
        j += 1;
      }
      if (j >= filter.length) throw invalid(filter, `unterminated string at position ${i}`);
      tokens.push({ kind: 'string', text, at: i });
      i = j + 1;
    } else if (filter.startsWith('!=', i)) {
      tokens.push({ kind: 'op', text: '!=', at: i });
      i += 2;
    } else if ('=:(),.-'.includes(ch)) {
      tokens.push({ kind: 'op', text: ch, at: i });
      i += 1;
    } else {
      const m = /^[A-Za-z0-9_]+/.exec(filter.slice(i));
      if (!m) throw invalid(filter, `unexpected ${JSON.stringify(ch)} at position ${i}`);
      tokens.push({ kind: 'word', text: m[0], at: i });
      i += m[0].length;
    }
  }
  return tokens;
}

/**
 * Compiles a subscription filter; an empty one passes every message. A filter Pub/Sub would refuse
 * is INVALID_ARGUMENT, naming what is wrong.
 *
 * @internal
 */
export function compileFilter(filter: string): MessageFilter {
  if (filter.trim() === '') return () => true;
  if (Buffer.byteLength(filter, 'utf8') > MAX_FILTER_BYTES) {
    throw invalid(filter, `longer than ${MAX_FILTER_BYTES} bytes`);
  }
  const tokens = tokenize(filter);
  let pos = 0;
  const peek = () => tokens[pos];
  const fail = (why: string): never => {
    const t = peek();
    throw invalid(filter, t ? `${why} at position ${t.at}` : `${why} at the end`);
  };
  const expectOp = (text: string) => {
    const t = peek();
    if (t?.kind !== 'op' || t.text !== text) fail(`expected ${JSON.stringify(text)}`);
    pos += 1;
  };
  const isWord = (text: string) => {
    const t = peek();
    return t?.kind === 'word' && t.text === text;
  };

  /** The word `attributes`, which every condition starts from (Pub/Sub filters on nothing else). */
  const attributesWord = (): void => {
    if (!isWord('attributes')) fail('expected "attributes"');
    pos += 1;
  };
  const keyAfterSeparator = (): string => {
    const t = peek();
    if (t?.kind === 'word' || t?.kind === 'string') {
      pos += 1;
      return t.text;
    }
    return fail('expected an attribute key');
  };
  const stringValue = (): string => {
    const t = peek();
    if (t?.kind !== 'string') fail('expected a quoted string');
    pos += 1;
    return t!.text;
  };

  const primary = (): MessageFilter => {
    const t = peek();
    if (t?.kind === 'op' && t.text === '(') {
      pos += 1;
      const inner = expression();
      expectOp(')');
      return inner;
    }
    if (isWord('NOT') || (t?.kind === 'op' && t.text === '-')) {
      pos += 1;
      const inner = primary();
      return (a) => !inner(a);
    }
    if (isWord('hasPrefix')) {
      pos += 1;
      expectOp('(');
      attributesWord();
      expectOp('.');
      const key = keyAfterSeparator();
      expectOp(',');
      const prefix = stringValue();
      expectOp(')');
      return (a) => Object.hasOwn(a, key) && a[key]!.startsWith(prefix);
    }
    attributesWord();
    const sep = peek();
    if (sep?.kind !== 'op' || (sep.text !== '.' && sep.text !== ':'))
      return fail('expected "." or ":" after attributes');
    pos += 1;
    const key = keyAfterSeparator();
    if (sep.text === ':') return (a) => Object.hasOwn(a, key);
    const op = peek();
    if (op?.kind !== 'op' || (op.text !== '=' && op.text !== '!=')) return fail('expected "=" or "!="');
    pos += 1;
    const value = stringValue();
    return op.text === '='
      ? (a) => Object.hasOwn(a, key) && a[key] === value
      : (a) => !(Object.hasOwn(a, key) && a[key] === value);
  };

  const expression = (): MessageFilter => {
    const first = primary();
    const parts = [first];
    let joiner: 'AND' | 'OR' | undefined;
    while (isWord('AND') || isWord('OR')) {
      const word = peek()!.text as 'AND' | 'OR';
      if (joiner && joiner !== word) fail('AND and OR must not be mixed without parentheses');
      joiner = word;
      pos += 1;
      parts.push(primary());
    }
    if (joiner === 'OR') return (a) => parts.some((p) => p(a));
    return (a) => parts.every((p) => p(a));
  };

  const compiled = expression();
  if (pos < tokens.length) fail('unexpected text');
  return compiled;
}
