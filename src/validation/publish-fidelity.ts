import type { z } from 'zod';
import type { MessageValidationError, ValidationIssue } from '../errors/index.js';
import { isPlainObject } from '../shared/is-plain-object.js';
import { messageOf } from '../shared/message-of.js';
import { issuesError, parseMessage } from './parse.js';

// What `publishValidated` publishes is what it was given: no key the schema would drop, no value JSON
// would change or refuse, and JSON the same schema reads back as it is. docs/decisions/validation.md.

type Path = PropertyKey[];

/** A key as a person may misspell it: no case, no `_`, `-` or spaces (`recordCount` ~ `record_count`). */
const loosely = (key: string) => key.toLowerCase().replace(/[\s_-]/g, '');

/**
 * The keys of `given` that `parsed` no longer has, wherever the two still line up (an object parsed
 * to a plain object, an array to an array of the same length): the keys the schema drops. A key
 * whose value is `undefined` does not count: JSON has no such key either.
 */
function droppedKeys(given: unknown, parsed: unknown, issues: ValidationIssue[]): void {
  const queue: Array<[unknown, unknown, Path]> = [[given, parsed, []]];
  for (const [g, p, path] of queue) {
    // The same value (`z.unknown()`, `z.any()`): the schema kept it whole.
    if (g === p || typeof g !== 'object' || !g || typeof p !== 'object' || !p) continue;
    const array = Array.isArray(g);
    if (array ? !Array.isArray(p) || p.length !== g.length : Array.isArray(p) || !isPlainObject(p)) continue;
    for (const key of Object.keys(g)) {
      let value: unknown = null;
      try {
        value = (g as Record<string, unknown>)[key];
      } catch {
        // A getter that throws when read again: its key is still checked.
      }
      const at = array ? Number(key) : key;
      if (value === undefined) continue;
      if (Object.hasOwn(p, key)) queue.push([value, (p as Record<string, unknown>)[key], [...path, at]]);
      else {
        const meant = Object.keys(p).find((known) => loosely(known) === loosely(key));
        issues.push({
          path: [...path, at],
          code: 'unrecognized_keys',
          message: `not in the schema, would not be published${meant ? ` (did you mean '${meant}'?)` : ''}`,
        });
      }
    }
  }
}

/**
 * `JSON.stringify(value)`, noting in `issues`, with its path, each value JSON would change or refuse:
 * a `bigint` (throws), a `Map`, `Set` or other object that is not plain data (`{}` or its own fields
 * only), a non-finite number or an invalid `Date` (`null`), `undefined`, a function or a symbol in an
 * array (`null`) or a function or symbol as a field (left out). `undefined` as a field is an absent
 * key, as in JSON. A cycle throws, as `JSON.stringify` does.
 */
function jsonNoting(value: unknown, issues: ValidationIssue[]): string | undefined {
  const paths = new Map<unknown, Path>();
  return JSON.stringify(value, function (this: unknown, key: string, v: unknown) {
    const holder = paths.get(this);
    const inArray = Array.isArray(this);
    const path = holder ? [...holder, inArray ? Number(key) : key] : [];
    const refuse = (what: string) => {
      issues.push({ path, message: what, code: 'not_json' });
      return null;
    };
    const type = typeof v;
    if (type === 'bigint') return refuse('a bigint cannot be written as JSON');
    if (type === 'number' && !Number.isFinite(v)) return refuse(`${v} would be published as null`);
    if ((this as Record<string, unknown>)[key] instanceof Date && v === null)
      return refuse('an invalid Date would be published as null');
    if (v === undefined || type === 'function' || type === 'symbol') {
      return inArray || !holder
        ? refuse(`${type} would be published as null`)
        : type === 'undefined'
          ? v
          : refuse(`a ${type} would be left out`);
    }
    if (type === 'object' && v) {
      if (!Array.isArray(v) && !isPlainObject(v))
        return refuse(
          `a ${(v as object).constructor?.name} is not plain JSON data (a Map or Set is published as {})`,
        );
      paths.set(v, path);
    }
    return v;
  });
}

/**
 * The JSON text of the parsed `payload`, or a `MessageValidationError` naming each path where it
 * would not carry what the caller gave: a key the schema drops (unless `dropUnknownKeys`), a value
 * JSON changes or refuses, or text that the same schema does not read back as the same value (a
 * `z.date()`, a transform that is not idempotent).
 */
export function faithfulJson(
  schema: z.ZodType,
  payload: unknown,
  name: string,
  dropUnknownKeys: boolean,
): string {
  const parsed = parseMessage(schema, payload, { name });
  const issues: ValidationIssue[] = [];
  if (!dropUnknownKeys) droppedKeys(payload, parsed, issues);
  let text: string | undefined;
  let failure: unknown;
  try {
    text = jsonNoting(parsed, issues);
  } catch (thrown) {
    // A cycle: the replacer turned every other throw of JSON.stringify into an issue.
    failure = thrown;
    issues.push({ path: [], message: `cannot be written as JSON: ${messageOf(thrown)}`, code: 'not_json' });
  }
  if (issues.length > 0 || text === undefined) throw issuesError(name, issues, failure);
  let again: unknown;
  try {
    again = parseMessage(schema, JSON.parse(text), { name });
  } catch (thrown) {
    throw issuesError(`${name} (as published)`, (thrown as MessageValidationError).issues, thrown);
  }
  if (JSON.stringify(again) !== text)
    throw issuesError(name, [
      { path: [], message: 'the schema reads the published JSON as another value', code: 'not_json' },
    ]);
  return text;
}
