/**
 * The bucket and object names Cloud Storage accepts (its "Bucket naming" and "Object naming"
 * requirements); the store answers anything else with a 400 `invalid`, as the JSON API does.
 * @module
 */

const MAX_OBJECT_NAME_BYTES = 1024;
/** Lower-case letters, digits, `-`, `_` and `.`, starting and ending with a letter or a digit. */
const BUCKET_NAME = /^[a-z0-9][a-z0-9._-]*[a-z0-9]$/;
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;

/** Why Cloud Storage refuses an object name, or `undefined` when it accepts it. */
export function objectNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'it is empty';
  if (Buffer.byteLength(name) > MAX_OBJECT_NAME_BYTES) {
    return `it is longer than ${MAX_OBJECT_NAME_BYTES} bytes of UTF-8`;
  }
  if (/[\r\n]/.test(name)) return 'it contains a carriage return or a line feed';
  if (name === '.' || name === '..') return 'it is "." or ".."';
  if (name.startsWith('.well-known/acme-challenge/')) return 'it starts with ".well-known/acme-challenge/"';
  return undefined;
}

/** Why Cloud Storage refuses a bucket name, or `undefined` when it accepts it. */
export function bucketNameProblem(name: string): string | undefined {
  if (!BUCKET_NAME.test(name)) {
    return 'use lower-case letters, digits, "-", "_" and ".", starting and ending with a letter or a digit';
  }
  const dotted = name.includes('.');
  if (name.length < 3 || name.length > (dotted ? 222 : 63)) {
    return 'a name has 3 to 63 characters (up to 222 with dots)';
  }
  if (dotted && name.split('.').some((part) => part.length > 63)) {
    return 'each dot-separated part has at most 63 characters';
  }
  if (IPV4.test(name)) return 'it must not be an IP address';
  if (name.startsWith('goog') || /g[o0]{2}gle/.test(name))
    return 'it must not start with "goog" or contain "google"';
  return undefined;
}
