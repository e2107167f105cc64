/**
 * A channel's own secrets (a webhook URL, an API key, a password) taken out of what it throws. These
 * are exact values, which no pattern of `redactSecrets` can know: a Slack workflow webhook, a
 * Mattermost hook, a key or a password that a server echoes back in its answer.
 * @module
 */
import { PipelineError } from '../../errors/index.js';
import { REDACTED } from '../../errors/redact.js';
import { isPlainObject } from '../../shared/is-plain-object.js';
import { lazy } from '../../shared/lazy.js';
import { moduleRequire } from '../../shared/module-require.js';

/** How deep the walk goes into `cause`, arrays and plain objects. */
const MAX_DEPTH = 20;

/**
 * The forms of a webhook URL that would give it away: its path and query (errors then show
 * `https://host/[REDACTED]`), as given and decoded, its last segment (the token), a password in it.
 */
export function urlSecrets(url: string): string[] {
  const parsed = new URL(url);
  const tail = parsed.pathname.slice(1) + parsed.search;
  const token = parsed.pathname.split('/').filter(Boolean).at(-1) ?? '';
  let decoded = tail;
  try {
    decoded = decodeURIComponent(tail);
  } catch {
    // A malformed escape: the form as given is enough.
  }
  return [tail, decoded, token, parsed.password];
}

/** The forms of an SMTP login that would give the password away: itself and its AUTH PLAIN/LOGIN base64. */
export function smtpPasswordSecrets(user: string, password: string): string[] {
  const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
  return [password, b64(password), b64(`\0${user}\0${password}`), b64(`${user}\0${password}`)];
}

function everything(value: unknown): string {
  let json = '';
  try {
    json = JSON.stringify(value) ?? '';
  } catch {
    // A cycle or a BigInt: inspect below still shows every string.
  }
  return `${nodeUtil().inspect(value, { depth: MAX_DEPTH, showHidden: true })}\n${json}`;
}

// Required at first use: an ES module import of `node:util` loads every lazily loaded part of it
// (its argument parser, its MIME types) at the package's import, a cost on every cold start.
const nodeUtil = lazy(() => moduleRequire()('node:util') as typeof import('node:util'));

function walkable(value: object): boolean {
  return Array.isArray(value) || value instanceof Error || isPlainObject(value);
}

/**
 * `thrown` without any of `secrets`: its strings (message, stack, `url`, `bodySnippet`, ...) and those
 * of its `cause` chain are rewritten in place with `[REDACTED]`, so its class and fields stay. A value
 * that cannot be changed in place (frozen) is replaced by a `PipelineError` with the same code.
 */
export function withoutSecrets<T>(thrown: T, secrets: readonly string[]): T | PipelineError {
  const forms = [...new Set(secrets.filter((s) => s.length > 0))].sort((a, b) => b.length - a.length);
  if (forms.length === 0) return thrown;
  const contains = (text: string) => forms.some((f) => text.includes(f));
  const scrub = (text: string) => forms.reduce((t, f) => t.split(f).join(REDACTED), text);
  if (typeof thrown === 'string') return scrub(thrown) as T;
  if (typeof thrown !== 'object' || thrown === null) return thrown;
  try {
    const seen = new Set<object>();
    const visit = (value: object, depth: number): void => {
      if (seen.has(value) || depth > MAX_DEPTH) return;
      seen.add(value);
      for (const key of Reflect.ownKeys(value)) {
        const d = Object.getOwnPropertyDescriptor(value, key);
        if (!d || !('value' in d)) continue;
        const v: unknown = d.value;
        let replacement = v;
        if (typeof v === 'string') {
          if (contains(v)) replacement = scrub(v);
        } else if (typeof v === 'object' && v !== null) {
          if (walkable(v)) visit(v, depth + 1);
          else if (contains(everything(v))) replacement = REDACTED;
        }
        if (replacement !== v && (d.writable === true || d.configurable === true)) {
          Object.defineProperty(value, key, { ...d, value: replacement });
        }
      }
    };
    visit(thrown, 0);
    if (!contains(everything(thrown))) return thrown;
  } catch {
    // A value that fights being read: replaced below.
  }
  const source = thrown as { message?: unknown; code?: unknown; transient?: unknown };
  const read = <V>(get: () => V): V | undefined => {
    try {
      return get();
    } catch {
      return undefined;
    }
  };
  const message = read(() => source.message);
  const code = read(() => source.code);
  return new PipelineError(scrub(typeof message === 'string' ? message : 'the channel failed'), {
    code: typeof code === 'string' ? code : 'UNKNOWN',
    transient: read(() => source.transient) === true,
  });
}
