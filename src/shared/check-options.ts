/**
 * One check for every options object of the library: unknown keys are refused with a hint, and a
 * value of the wrong kind says what it got. Internal: not exported from the package.
 *
 * Why refuse unknown keys: `retry(fn, { retries: 3 })` (p-retry's name) used to be accepted and did
 * nothing, so the call silently ran with the default of 3 attempts; `{ deadLetter: topic }` for
 * `deadLetterTopic` silently discarded invalid messages. A typo in an option is a bug the library
 * can see at once.
 */

import { quoteValue, shownValue } from '../errors/redact.js';
import { scrubCause } from '../errors/scrub.js';
import type { Clock } from '../retry/clock.js';

/** The kinds an option value can be checked for. */
export type OptionKind =
  | 'number'
  | 'string'
  | 'boolean'
  | 'function'
  | 'object'
  | 'array'
  | 'signal'
  | 'clock'
  | 'any'
  | ReadonlyArray<'number' | 'string' | 'boolean' | 'function' | 'object' | 'array' | 'bigint'>;

/** Option name -> the kind (or kinds) its value must be. `undefined` is always allowed (absent). */
export type OptionSpec = Readonly<Record<string, OptionKind>>;

/**
 * Names people reach for from other libraries (p-retry, async-retry, cockatiel, opossum, the Google
 * clients), lower case, with the candidates they mean, in order; the first candidate that the options
 * object knows is suggested. One row per list of candidates: `[candidates, names that mean them]`,
 * space-separated. No name is in two rows.
 */
export type AliasTable = ReadonlyArray<readonly [candidates: string, names: string]>;

/**
 * The rows whose candidates include an option of `retry`: all that `retry`'s own check needs (a row
 * without a known candidate suggests nothing), so a bundle of `retry` carries no other layer's names.
 */
export const RETRY_ALIASES: AliasTable = [
  ['maxAttempts maxDeliveryAttempts', 'retries maxretries attempts maxattempts'],
  ['maxAttempts', 'times retry'],
  ['baseDelayMs', 'mintimeout mindelay initialdelay delay basedelay startingdelay'],
  ['maxDelayMs', 'maxtimeout maxdelay'],
  ['attemptTimeoutMs timeoutMs', 'timeout timeoutms'],
  ['attemptTimeoutMs', 'attempttimeout'],
  ['deadlineMs timeoutMs', 'deadline totaltimeout'],
  ['deadlineMs', 'maxretrytime'],
  ['signal', 'abortsignal'],
  ['onRetry', 'onfailedattempt onerror'],
  ['retryOn', 'shouldretry retryif retrycondition'],
  ['jitter', 'randomize'],
];

/** The rows of the circuit breaker's and the retry budget's options. */
export const POLICY_ALIASES: AliasTable = [
  ['failureThreshold', 'threshold errorthresholdpercentage'],
  ['openMs', 'resettimeout halfopenafter'],
  ['halfOpenSuccesses', 'successthreshold'],
  ['windowMs', 'rollingcounttimeout'],
  ['maxTokens', 'tokens'],
  ['tokenRatio', 'ratio'],
];

/** The rows of the other layers' options. */
const LAYER_ALIASES: AliasTable = [
  ['deadLetterTopic', 'deadletter dlq deadlettertopicname deadletterqueue'],
  ['onInvalid', 'onfailure'],
  ['skipInvalidRows', 'skipinvalid'],
  ['ignoreUnknownValues', 'ignoreunknown'],
  ['batchRows', 'batchsize'],
  ['batchBytes maxBytes', 'maxbytes'],
  ['insertId', 'insertid raw'],
  ['params', 'parameters queryparameters'],
  ['useCache', 'usequerycache'],
  ['maximumBytesBilled', 'maximumbytes'],
  ['pageSize', 'maxresults'],
  ['retry', 'autoretry'],
  ['projectId', 'project'],
];

/** Every row: what the options of the other layers are checked with. */
export const OPTION_ALIASES: readonly AliasTable[] = [RETRY_ALIASES, POLICY_ALIASES, LAYER_ALIASES];

/** The candidates an alias means, in order, or `undefined` when it is none of the tables' names. */
function aliasCandidates(lower: string, tables: readonly AliasTable[]): string[] | undefined {
  for (const table of tables) {
    for (const [candidates, names] of table) {
      if (names.split(' ').includes(lower)) return candidates.split(' ');
    }
  }
  return undefined;
}

/** Levenshtein distance, case-insensitive; small strings only. */
function distance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  let previous = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const current = [i];
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      current[j] = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost,
      );
    }
    previous = current;
  }
  return previous[t.length] as number;
}

/**
 * The known key an unknown one most likely meant, or `undefined`: an alias of `aliases` first, else
 * the closest known key.
 */
export function suggestKey(
  unknown: string,
  known: readonly string[],
  aliases: readonly AliasTable[],
): string | undefined {
  const alias = aliasCandidates(unknown.toLowerCase(), aliases)?.find((candidate) =>
    known.includes(candidate),
  );
  if (alias !== undefined) return alias;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const key of known) {
    const d = distance(unknown, key);
    // About a third of the longer name may differ: maxEntry -> maxEntries, maxAtempts -> maxAttempts.
    const allowed = Math.max(2, Math.ceil(Math.max(unknown.length, key.length) * 0.35));
    if (d <= allowed && d < bestDistance) {
      best = key;
      bestDistance = d;
    }
  }
  return best;
}

/** `a string ("3")`, `a number (3)`, `null`, `an array`, ...: what a value is, for messages. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return `a string (${quoteValue(value, 40)})`;
    case 'number':
    case 'boolean':
    case 'bigint':
      return `a ${typeof value} (${String(value)})`;
    case 'undefined':
      return 'undefined';
    case 'object':
      return 'an object';
    default:
      return `a ${typeof value}`;
  }
}

function isSignal(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as AbortSignal).aborted === 'boolean' &&
    typeof (value as AbortSignal).addEventListener === 'function'
  );
}

type Predicate = (value: unknown) => boolean;

/** The kinds that `typeof` alone does not tell; the others (number, string, ...) are their `typeof`. */
const PREDICATES: Readonly<Record<string, Predicate>> = {
  object: (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
  array: (v) => Array.isArray(v),
  signal: isSignal,
  // A fake-timers clock (`now` a number, no `sleep`) would pass every call that succeeds at once and
  // break on the first failure, mid-outage.
  clock: (v) => typeof (v as Clock)?.now === 'function' && typeof (v as Clock).sleep === 'function',
  any: () => true,
};

function kindPredicate(kind: string): Predicate {
  return PREDICATES[kind] ?? ((v) => typeof v === kind);
}

function predicateOf(kind: OptionKind): Predicate {
  if (typeof kind === 'string') return kindPredicate(kind);
  const each = kind.map(kindPredicate);
  return (v) => each.some((p) => p(v));
}

function expected(kind: OptionKind): string {
  if (kind === 'signal') return 'an AbortSignal';
  if (kind === 'clock') return 'a Clock (now() and sleep())';
  const kinds: readonly string[] = typeof kind === 'string' ? [kind] : kind;
  return kinds.map((k) => (k === 'object' || k === 'array' ? `an ${k}` : `a ${k}`)).join(' or ');
}

/** A spec turned into one predicate per key (checked on hot paths: `retry` checks every call). */
const compiled = new WeakMap<OptionSpec, Readonly<Record<string, Predicate>>>();

function compile(spec: OptionSpec): Readonly<Record<string, Predicate>> {
  let predicates = compiled.get(spec);
  if (predicates === undefined) {
    const out: Record<string, Predicate> = Object.create(null);
    for (const key of Object.keys(spec)) out[key] = predicateOf(spec[key] as OptionKind);
    predicates = out;
    compiled.set(spec, predicates);
  }
  return predicates;
}

/**
 * Checks an options object against its spec. Returns the problem as a `TypeError` (so callers that
 * must reject rather than throw can), or `undefined` when the options are fine.
 *
 * @param where what the options belong to, for the message: `'retry'`, `'new CircuitBreaker'`, ...
 * @param aliases the alias tables an unknown key is looked up in (no default, so that `retry`'s
 *   bundle keeps only its own)
 * @param copy receives each value as it was read and checked (known keys only)
 */
export function optionsProblem(
  where: string,
  options: unknown,
  spec: OptionSpec,
  aliases: readonly AliasTable[],
  copy: Record<string, unknown> = {},
): TypeError | undefined {
  if (options === undefined) return undefined;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    return new TypeError(`${where}: options must be an object, got ${describeValue(options)}`);
  }
  const predicates = compile(spec);
  try {
    for (const key in optionKeys(options)) {
      const accepts = predicates[key];
      if (accepts === undefined) return unknownKey(where, key, spec, aliases, options);
      let value: unknown;
      try {
        value = (options as Record<string, unknown>)[key];
      } catch (error) {
        return unreadable(where, key, error);
      }
      if (value !== undefined && !accepts(value)) {
        return new TypeError(
          `${where}: option ${key} must be ${expected(spec[key] as OptionKind)}, got ${describeValue(value)}`,
        );
      }
      copy[key] = value;
    }
  } catch (error) {
    // Only listing the keys gets here (a Proxy trap, an endless prototype chain): a read is caught above.
    return unlistable(where, error);
  }
  return undefined;
}

/** The message of whatever a getter threw, cut short; never a throw itself. */
export function thrownMessage(error: unknown): string {
  try {
    const message = error instanceof Error ? error.message : String(error);
    // Credentials go before the cut: one the cut runs through would no longer be recognized.
    return shownValue(message, 100);
  } catch {
    return 'an unprintable value';
  }
}

/** Deeper than any class hierarchy: a chain this long is a Proxy answering itself, walked forever. */
const MAX_PROTOTYPES = 64;

/**
 * What lists the keys an options object offers, for `for...in`: the object itself when it is plain
 * (`for...in` lists them all, with nothing built: `retry` checks on every call), else an object
 * naming what `for...in` lists and the getters on the prototypes of a class instance (neither own
 * nor enumerable, yet read like any option, so not to be dropped). `__proto__` is skipped as a
 * getter: it is `Object.prototype`'s, also another realm's (`node:vm`), where the walk does not
 * stop. Throws what a Proxy trap throws, or a TypeError for an endless chain.
 */
function optionKeys(options: object): object {
  let proto = Object.getPrototypeOf(options);
  if (proto === Object.prototype || proto === null) return options;
  const keys: Record<string, true> = Object.create(null);
  for (const key in options) keys[key] = true;
  for (let depth = 0; proto !== null && proto !== Object.prototype; depth++) {
    if (depth === MAX_PROTOTYPES) throw new TypeError('endless prototype chain');
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (name !== '__proto__' && !(name in keys) && Object.getOwnPropertyDescriptor(proto, name)?.get)
        keys[name] = true;
    }
    proto = Object.getPrototypeOf(proto);
  }
  return keys;
}

/** The name of the built-in class an object is an instance of (not `Object`), if it is one. */
export function builtInName(value: object): string | undefined {
  try {
    const made = Object.getPrototypeOf(value).constructor;
    // A class of the caller's has its source; a built-in one is `[native code]`.
    if (made.name !== 'Object' && /native code/.test(Function.prototype.toString.call(made)))
      return made.name;
  } catch {
    // No prototype, or no constructor: not a built-in's instance.
  }
  return undefined;
}

/** Options whose keys could not be listed (a Proxy trap threw, an endless prototype chain). */
function unlistable(where: string, error: unknown): TypeError {
  return new TypeError(`${where}: the options could not be read: ${thrownMessage(error)}`, {
    cause: scrubCause(error),
  });
}

/** An option whose getter (or Proxy trap) threw: a TypeError naming it, with what it threw as `cause`. */
function unreadable(where: string, key: string, error: unknown): TypeError {
  return new TypeError(`${where}: option ${key} could not be read: ${thrownMessage(error)}`, {
    cause: scrubCause(error),
  });
}

/**
 * A plain copy of an options object, each key read exactly once, for a constructor that keeps its
 * options: a getter is not read again later (where it could throw, or answer something else than
 * what was checked), and a getter that throws is a `TypeError` naming the option now. A value that is
 * not an object comes back as it is, for the check to refuse.
 */
export function readOptions<T>(where: string, options: T): T {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) return options;
  const copy: Record<string, unknown> = {};
  let keys: string[];
  try {
    keys = [];
    for (const key in optionKeys(options)) keys.push(key);
  } catch (error) {
    throw unlistable(where, error);
  }
  for (const key of keys) {
    let value: unknown;
    try {
      value = (options as Record<string, unknown>)[key];
    } catch (error) {
      throw unreadable(where, key, error);
    }
    // Defined, not assigned: `copy.__proto__ = value` (an own key of `JSON.parse` output) would set the
    // copy's prototype, and the check would then read the value's keys as options. As its own key, it
    // is refused as unknown.
    Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return copy as T;
}

function unknownKey(
  where: string,
  key: string,
  spec: OptionSpec,
  aliases: readonly AliasTable[],
  options?: object,
): TypeError {
  // A Map, a Set or a RegExp offers its own getters (`size`, `flags`): say what was given instead.
  const builtIn = options && builtInName(options);
  if (builtIn) return new TypeError(`${where}: options must be a plain object, got a ${builtIn}`);
  const known = Object.keys(spec);
  const suggestion = suggestKey(key, known, aliases);
  const hint =
    suggestion !== undefined ? ` Did you mean '${suggestion}'?` : ` Known options: ${known.join(', ')}.`;
  return new TypeError(`${where}: unknown option '${key}'.${hint}`);
}

/**
 * `optionsProblem`, thrown. Returns the options as checked, each key read once: a constructor that
 * keeps this copy cannot meet a getter that answered the check and then something else.
 */
export function checkOptions<T>(
  where: string,
  options: T,
  spec: OptionSpec,
  aliases: readonly AliasTable[],
): NonNullable<T> {
  const copy = {};
  const problem = optionsProblem(where, options, spec, aliases, copy);
  if (problem !== undefined) throw problem;
  return copy as NonNullable<T>;
}
