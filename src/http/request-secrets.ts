import { FETCH_REFUSAL, NETWORK_CODES } from '../errors/classify.js';
import { REDACTED, removeSecrets } from '../errors/redact.js';
import { scrubCause } from '../errors/scrub.js';

/**
 * Request headers whose values describe the request rather than authorize it: left in messages.
 * Every other header value (`x-api-key`, `x-rapidapi-key`, `authorization`, `cookie`, a header of the
 * API's own naming) counts as a credential.
 */
const PUBLIC_HEADERS: ReadonlySet<string> = new Set([
  'accept',
  'accept-encoding',
  'accept-language',
  'cache-control',
  'content-encoding',
  'content-language',
  'content-length',
  'content-type',
  'idempotency-key',
  'if-match',
  'if-modified-since',
  'if-none-match',
  'if-unmodified-since',
  'pragma',
  'range',
  'user-agent',
]);

/** Shorter values are not searched for: they would blank out ordinary words of a message. */
const MIN_SECRET_LENGTH = 6;

/** Whether a header describes the request (its value is no credential), whatever the name's case. */
export function isDescriptiveHeader(name: string): boolean {
  return PUBLIC_HEADERS.has(name.toLowerCase());
}

/** The name and value of each header as the caller gave them (a `Headers`, pairs or a record). */
export function headerEntries(headers: unknown): Array<readonly [string, string]> {
  const entries: Array<readonly [string, string]> = [];
  if (typeof headers !== 'object' || headers === null) return entries;
  if (typeof Headers === 'function' && headers instanceof Headers) {
    headers.forEach((value, name) => {
      entries.push([name, value]);
    });
  } else if (Symbol.iterator in headers) {
    for (const pair of headers as Iterable<unknown>) {
      if (Array.isArray(pair) && pair.length >= 2) entries.push([String(pair[0]), String(pair[1])]);
    }
  } else {
    for (const [name, value] of Object.entries(headers)) entries.push([name, String(value)]);
  }
  return entries;
}

function add(found: Set<string>, value: string): void {
  for (const piece of [value, value.trim(), ...value.split(/[\s;,&]+/)]) {
    // A cookie or a parameter: its value is the secret, its name is not.
    const at = piece.indexOf('=');
    for (const part of at > 0 ? [piece, piece.slice(at + 1)] : [piece]) {
      if (part.length >= MIN_SECRET_LENGTH) found.add(part);
    }
  }
}

/**
 * The values of a request that may be credentials: every header value but the descriptive ones
 * above, and every value of the query string (an API key travels there as `apiKey`, `token`, or a
 * name of the API's own), raw and decoded. Read from what the caller gave, without `new Headers`
 * (which refuses a value with a control character, and names it in its message).
 */
export function requestSecrets(url: string, init: RequestInit): string[] {
  const found = new Set<string>();
  try {
    for (const [name, value] of headerEntries(init.headers)) {
      if (!isDescriptiveHeader(name)) add(found, value);
    }
  } catch {
    // Headers that cannot be read cannot have been sent either.
  }
  const query = /\?([^#]*)/.exec(url)?.[1] ?? '';
  for (const parameter of query.split('&')) {
    const value = parameter.slice(parameter.indexOf('=') + 1);
    add(found, value);
    try {
      add(found, decodeURIComponent(value.replace(/\+/g, ' ')));
    } catch {
      // Not valid percent-encoding: only the raw form can appear.
    }
  }
  // As an API may echo a value back: percent-encoded, or JSON-escaped (`\/` too, as PHP writes it).
  for (const value of [...found]) {
    const json = JSON.stringify(value).slice(1, -1);
    for (const form of [encodeURIComponent(value), json, json.replace(/\//g, '\\/')]) found.add(form);
  }
  // The longest first, so that a value containing a shorter one is removed whole.
  return [...found].sort((a, b) => b.length - a.length);
}

/**
 * `thrown` as a typed error may keep it: a copy without any of `secrets` in its strings (its message,
 * its stack, any field of its `cause` chain), nor the credential patterns `redactSecrets` knows. What a
 * `fetch` throws can quote the request: undici names a header value it refuses, and a wrapper's error
 * may keep the `init` or the URL it was given.
 */
export function withoutRequestSecrets(thrown: unknown, secrets: readonly string[]): unknown {
  if (secrets.length === 0) return thrown;
  return scrubCause(thrown, (text) => removeSecrets(withoutRequestValues(text, secrets)));
}

/**
 * The words the error is classified by (`fetch failed`, `terminated`, undici's refusals, the system
 * codes): a request value equal to one of them (`?status=failed`) is no credential, and removing
 * it there would turn a transient `fetch failed` into an unknown, permanent error.
 */
const CLASSIFIED_BY = new RegExp(
  [
    FETCH_REFUSAL.source.replace(/^\^/, ''),
    'fetch failed',
    'terminated',
    'Premature close',
    'socket hang up',
    'other side closed',
    ...NETWORK_CODES,
  ].join('|'),
  'g',
);

/** Characters an HTML escaper writes as an entity (`&amp;`, `&#x2F;`, `&#61;`, ...), and their names. */
const HTML_SPECIAL = /[&<>"'/=+`]/;
const ENTITY_NAMES: Readonly<Record<string, string>> = {
  '&': 'amp',
  '<': 'lt',
  '>': 'gt',
  '"': 'quot',
  "'": 'apos',
};

/**
 * A pattern for `secret` as an HTML page may echo it (an error page quoting the refused key, a
 * `/`, `+` or `=` of a base64 key written as an entity): each such character as itself, its name,
 * or its decimal or hexadecimal reference, however the escaper spells it. `undefined` when `secret`
 * holds none of them (its raw form is all there is). Linear: a fixed sequence, each alternative
 * starting with its own character.
 */
function htmlEscapedForms(secret: string): RegExp | undefined {
  if (!HTML_SPECIAL.test(secret)) return undefined;
  let source = '';
  for (const c of secret) {
    const literal = c.replace(/[\\^$.*+?()[\]{}|/-]/, '\\$&');
    if (!HTML_SPECIAL.test(c)) {
      source += literal;
      continue;
    }
    const code = c.charCodeAt(0);
    const hex = code.toString(16);
    const name = ENTITY_NAMES[c];
    source += `(?:${literal}|&#0*${code};|&#[xX]0*(?:${hex}|${hex.toUpperCase()});${name ? `|&${name};` : ''})`;
  }
  return new RegExp(source, 'g');
}

/**
 * `text` with every occurrence of `secrets` replaced, except one lying inside a word the error is
 * classified by. A secret that merely contains such a word is still removed whole. Used on what a
 * transport error says and on a response's text (its body, reason phrase or URL): an API may echo
 * the key it refused, raw, percent-encoded, JSON-escaped or HTML-escaped.
 */
export function withoutRequestValues(text: string, secrets: readonly string[]): string {
  const kept = [...text.matchAll(CLASSIFIED_BY)].map((m) => [m.index, m.index + m[0].length] as const);
  const cuts: Array<[number, number]> = [];
  const cut = (at: number, end: number): void => {
    if (!kept.some(([start, stop]) => start <= at && end <= stop)) cuts.push([at, end]);
  };
  for (const secret of secrets) {
    for (let at = text.indexOf(secret); at !== -1; at = text.indexOf(secret, at + 1)) {
      cut(at, at + secret.length);
    }
    const escaped = htmlEscapedForms(secret);
    if (escaped !== undefined && text.includes('&')) {
      for (const m of text.matchAll(escaped)) cut(m.index, m.index + m[0].length);
    }
  }
  if (cuts.length === 0) return text;
  cuts.sort((a, b) => a[0] - b[0]);
  let out = '';
  let from = 0;
  for (const [start, end] of cuts) {
    if (end <= from) continue;
    if (start >= from) out += `${text.slice(from, start)}${REDACTED}`;
    from = end;
  }
  return out + text.slice(from);
}
