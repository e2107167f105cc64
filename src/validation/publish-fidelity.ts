import { MessageValidationError, type ValidationIssue } from '../errors/index.js';
import { formatIssuePath } from './parse.js';

// What `publishValidated` checks so that what it publishes is what it was given: no key the schema
// would drop, no value JSON would change or refuse. See docs/decisions/validation.md.

type Path = PropertyKey[];

/** Issues listed in an error's message; `error.issues` always holds all of them. */
const SHOWN = 10;

/** One `MessageValidationError` listing `issues`, worded as `parseMessage` words a failed parse. */
export function issuesError(
  name: string,
  issues: ValidationIssue[],
  cause?: unknown,
): MessageValidationError {
  const listed = issues.slice(0, SHOWN).map((i) => `${formatIssuePath(i.path)}: ${i.message}`);
  const more = issues.length > SHOWN ? `; and ${issues.length - SHOWN} more` : '';
  return new MessageValidationError(
    `${name}: ${issues.length} issue${issues.length === 1 ? '' : 's'}: ${listed.join('; ')}${more}`,
    cause === undefined ? { issues } : { issues, cause },
  );
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** A key as a person may misspell it: no case, no `_`, `-` or spaces (`recordCount` ~ `record_count`). */
const loosely = (key: string) => key.toLowerCase().replace(/[\s_-]/g, '');

/**
 * The keys of `given` that `parsed` no longer has, wherever the two still line up (an object parsed
 * to a plain object, an array to an array of the same length): the keys the schema drops. A key
 * whose value is `undefined` is not counted: its JSON has no such key either. Each issue says which
 * known key it may have meant.
 */
export function droppedKeys(given: unknown, parsed: unknown): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const queue: Array<[unknown, unknown, Path]> = [[given, parsed, []]];
  for (let i = 0; i < queue.length; i++) {
    const [g, p, path] = queue[i] as [unknown, unknown, Path];
    // The same value (`z.unknown()`, `z.any()`): the schema kept it whole.
    if (g === p || typeof g !== 'object' || g === null || typeof p !== 'object' || p === null) continue;
    if (Array.isArray(g)) {
      if (Array.isArray(p) && p.length === g.length)
        for (let at = 0; at < g.length; at++) queue.push([g[at], p[at], [...path, at]]);
      continue;
    }
    if (Array.isArray(p) || !isPlainObject(p)) continue;
    const out = p as Record<string, unknown>;
    for (const key of Object.keys(g)) {
      let value: unknown;
      try {
        value = (g as Record<string, unknown>)[key];
      } catch {
        // A getter that throws when read again: its key is still checked, its value no further.
        value = null;
      }
      if (value === undefined) continue;
      if (Object.hasOwn(out, key)) {
        queue.push([value, out[key], [...path, key]]);
        continue;
      }
      const meant = Object.keys(out).find((known) => loosely(known) === loosely(key));
      issues.push({
        path: [...path, key],
        code: 'unrecognized_keys',
        message: `not in the schema, so it would not be published${meant === undefined ? '' : ` (did you mean '${meant}'?)`}`,
      });
    }
  }
  return issues;
}

/**
 * What `JSON.stringify(value)` would change or refuse, with its path: a `bigint` (throws), a `Map`, a
 * `Set` or another object that is not plain data (published as `{}` or its own fields only), a
 * non-finite number or an invalid `Date` (published as `null`), `undefined`, a function or a symbol in
 * an array (`null`) or as a field (left out). `undefined` as a field is an absent key, as in JSON.
 * An object with its own `toJSON` (a `Date`, a `Buffer`) is checked as what that returns.
 */
export function unfaithfulJson(value: unknown): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const seen = new Set<object>();
  const issue = (path: Path, message: string) => issues.push({ path, message, code: 'not_json' });
  const queue: Array<[unknown, Path, boolean]> = [[value, [], true]];
  for (let i = 0; i < queue.length; i++) {
    let [v, path, inArray] = queue[i] as [unknown, Path, boolean];
    if (typeof v === 'object' && v !== null && typeof (v as { toJSON?: unknown }).toJSON === 'function') {
      if (v instanceof Date && Number.isNaN(v.getTime())) {
        issue(path, 'an invalid Date would be published as null');
        continue;
      }
      v = (v as { toJSON(key: string): unknown }).toJSON(String(path.at(-1) ?? ''));
    }
    switch (typeof v) {
      case 'number':
        if (!Number.isFinite(v)) issue(path, `${v} is not a JSON number: it would be published as null`);
        continue;
      case 'bigint':
        issue(path, 'a bigint cannot be written as JSON: send it as a string or a number');
        continue;
      case 'undefined':
      case 'function':
      case 'symbol':
        if (inArray || v !== undefined)
          issue(
            path,
            `${v === undefined ? 'undefined' : `a ${typeof v}`} would be ${inArray ? 'published as null' : 'left out'}`,
          );
        continue;
      case 'object': {
        if (v === null || seen.has(v)) continue;
        seen.add(v);
        if (Array.isArray(v)) {
          for (let at = 0; at < v.length; at++) queue.push([v[at], [...path, at], true]);
        } else if (isPlainObject(v)) {
          for (const [key, field] of Object.entries(v)) queue.push([field, [...path, key], false]);
        } else {
          const kind = (v as object).constructor?.name || 'Object';
          issue(
            path,
            v instanceof Map || v instanceof Set
              ? `a ${kind} would be published as {}`
              : `a ${kind} is not plain JSON data: only its own fields would be published`,
          );
        }
        continue;
      }
      default:
        continue;
    }
  }
  return issues;
}
