import { createHash } from 'node:crypto';
import { encodeRow, type JsonValue } from './encode-row.js';

/**
 * Serialises a JSON value with object keys sorted at every level, so two rows with the same content
 * give the same text whatever order their keys were written in.
 *
 * @example
 * ```ts
 * import { canonicalJson } from 'gcp-pipeline-resilience';
 * canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] }); // '{"a":[{"c":3,"d":2}],"b":1}'
 * ```
 */
export function canonicalJson(value: JsonValue): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k] as JsonValue)}`).join(',')}}`;
}

/**
 * The default insert id of a row: the SHA-256 (hex, 64 characters; BigQuery allows 128) of the
 * row's canonical JSON as it will be sent. The same row always gets the same id, in any process, so a
 * re-sent row (after a lost answer, or a whole re-run of the job that produced it) is de-duplicated by
 * BigQuery instead of written twice. Two rows with identical content get the same id, which is what
 * "insert this fact once" means; pass a key function to `insertRows` when identical rows are distinct
 * facts.
 *
 * @example
 * ```ts
 * import { stableInsertId } from 'gcp-pipeline-resilience';
 * stableInsertId({ a: 1, b: 'x' }) === stableInsertId({ b: 'x', a: 1 }); // true
 * ```
 */
export function stableInsertId(row: unknown): string {
  return insertIdOfEncoded(encodeRow(row));
}

/** `stableInsertId` of a row that is already encoded (saves encoding it twice). */
export function insertIdOfEncoded(json: JsonValue): string {
  return createHash('sha256').update(canonicalJson(json)).digest('hex');
}
