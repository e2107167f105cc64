/** What a caller reads of a response besides its body and status. */
export interface ResponseDescription {
  readonly type?: ResponseType;
  readonly url?: string;
  readonly redirected?: boolean;
  readonly statusText?: string;
  readonly headers?: Headers;
}

/**
 * `clone()` of a response described by `describeAs`: the clone its prototype makes (the platform's,
 * or the buffered body's), described the same, since the platform's `clone()` copies its internal
 * state and not the properties laid over it.
 */
function describedClone(this: Response): Response {
  const copy = (Object.getPrototypeOf(this) as Response).clone.call(this);
  return describeAs(copy, this);
}

/**
 * Makes `response` (a copy built with `new Response`, or the platform's own answer to a redirect
 * this library followed) report `description` where given (by default the properties of
 * `description` itself, another `Response`), and keep doing so through `clone()`. `new Response` alone
 * reports `type: 'default'`, an empty `url`, `redirected: false`, and refuses a `statusText` that
 * `fetch` decoded past Latin-1; the caller must see what the server answered.
 */
export function describeAs(response: Response, description: ResponseDescription): Response {
  const properties: PropertyDescriptorMap = { clone: { value: describedClone, configurable: true } };
  if (description.type !== undefined) properties.type = { value: description.type, configurable: true };
  if (description.url !== undefined) properties.url = { value: description.url, configurable: true };
  if (description.redirected !== undefined)
    properties.redirected = { value: description.redirected, configurable: true };
  if (description.statusText !== undefined)
    properties.statusText = { value: description.statusText, configurable: true };
  if (description.headers !== undefined)
    properties.headers = { value: description.headers, configurable: true };
  return Object.defineProperties(response, properties);
}
