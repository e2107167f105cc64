/**
 * Listing objects as the Cloud Storage JSON API does: names in byte order, `prefix`, `delimiter` (with
 * `includeTrailingDelimiter`), `startOffset`, `endOffset`, `matchGlob`, and pages of `maxResults`
 * entries (objects and prefixes together) continued by `pageToken`.
 * @module
 */
import { StorageFault } from './objects.js';

/** Most entries a page holds, whatever `maxResults` asks (the JSON API's own cap). */
const MAX_PAGE = 1000;

/** One entry of a listing: an object's name, or a prefix standing for the names under it. */
export interface ListEntry {
  kind: 'item' | 'prefix';
  key: string;
}

/** Orders names as GCS does: by their UTF-8 bytes (not by locale, not by UTF-16 code units). */
export function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * A `matchGlob` pattern as a RegExp: `*` any run of characters but `/`, `**` any run including `/`
 * (`**` + `/` also none), `?` one character but `/`, `[abc]`, `[!abc]`, `[a-z]`, `{a,b}`.
 */
export function globPattern(glob: string): RegExp {
  let out = '';
  let braces = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        if (glob[i + 2] === '/') {
          out += '(?:.*/)?';
          i += 2;
        } else {
          out += '.*';
          i += 1;
        }
      } else out += '[^/]*';
    } else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end === -1)
        throw new StorageFault(400, 'invalid', `matchGlob: unclosed '[' in ${JSON.stringify(glob)}`);
      const body = glob.slice(i + 1, end).replace(/\\/g, '\\\\');
      out += body.startsWith('!') ? `[^${body.slice(1)}]` : `[${body}]`;
      i = end;
    } else if (c === '{') {
      braces++;
      out += '(?:';
    } else if (c === '}' && braces > 0) {
      braces--;
      out += ')';
    } else if (c === ',' && braces > 0) out += '|';
    else out += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  if (braces > 0)
    throw new StorageFault(400, 'invalid', `matchGlob: unclosed '{' in ${JSON.stringify(glob)}`);
  return new RegExp(`^${out}$`, 's');
}

/** The listing's query parameters, as the request carried them. */
export interface ListQuery {
  prefix?: string;
  delimiter?: string;
  includeTrailingDelimiter?: string;
  startOffset?: string;
  endOffset?: string;
  matchGlob?: string;
  maxResults?: string;
  pageToken?: string;
}

/** The entries of `names` (any order) that the query selects, in byte order, prefixes collapsed. */
export function listEntries(names: Iterable<string>, query: ListQuery): ListEntry[] {
  const prefix = query.prefix ?? '';
  const glob = query.matchGlob ? globPattern(query.matchGlob) : undefined;
  const delimiter = query.delimiter || undefined;
  const trailing = query.includeTrailingDelimiter === 'true';
  const entries: ListEntry[] = [];
  const seenPrefixes = new Set<string>();
  const sorted = [...names].sort(byteOrder);
  for (const name of sorted) {
    if (!name.startsWith(prefix)) continue;
    if (query.startOffset !== undefined && byteOrder(name, query.startOffset) < 0) continue;
    if (query.endOffset !== undefined && byteOrder(name, query.endOffset) >= 0) continue;
    if (glob && !glob.test(name)) continue;
    const at = delimiter === undefined ? -1 : name.indexOf(delimiter, prefix.length);
    if (at === -1) {
      entries.push({ kind: 'item', key: name });
      continue;
    }
    const collapsed = name.slice(0, at + delimiter!.length);
    if (trailing && collapsed === name) entries.push({ kind: 'item', key: name });
    if (!seenPrefixes.has(collapsed)) {
      seenPrefixes.add(collapsed);
      entries.push({ kind: 'prefix', key: collapsed });
    }
  }
  return entries.sort(
    (a, b) => byteOrder(a.key, b.key) || (a.kind === b.kind ? 0 : a.kind === 'item' ? -1 : 1),
  );
}

/**
 * One page of `entries`: up to `maxResults` (at most 1000) after the entry `pageToken` names, and the
 * token of the next page when more follow. A token names the last entry handed out, so a page is not
 * shifted by objects written or deleted between pages.
 */
export function pageOf<T extends ListEntry>(
  entries: T[],
  query: Pick<ListQuery, 'maxResults' | 'pageToken'>,
): { page: T[]; nextPageToken?: string } {
  let size = MAX_PAGE;
  if (query.maxResults !== undefined) {
    const asked = Number(query.maxResults);
    if (!Number.isInteger(asked) || asked < 0) {
      throw new StorageFault(400, 'invalid', `Invalid value for maxResults: ${query.maxResults}`);
    }
    if (asked > 0) size = Math.min(asked, MAX_PAGE);
  }
  let start = 0;
  if (query.pageToken) {
    const after = decodeToken(query.pageToken);
    start = entries.findIndex(
      (e) =>
        byteOrder(e.key, after.key) > 0 ||
        (e.key === after.key && e.kind === 'prefix' && after.kind === 'item'),
    );
    if (start === -1) start = entries.length;
  }
  const page = entries.slice(start, start + size);
  const last = page.at(-1);
  return start + size < entries.length && last !== undefined
    ? { page, nextPageToken: Buffer.from(JSON.stringify([last.kind, last.key])).toString('base64url') }
    : { page };
}

function decodeToken(token: string): ListEntry {
  try {
    const [kind, key] = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as [unknown, unknown];
    if ((kind === 'item' || kind === 'prefix') && typeof key === 'string') return { kind, key };
  } catch {
    // Reported below.
  }
  throw new StorageFault(400, 'invalid', `Invalid pageToken: ${token}`);
}
