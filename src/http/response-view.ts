/** What a caller reads of a response besides its body and status. */
export interface ResponseDescription {
  readonly type?: ResponseType;
  readonly url?: string;
  readonly redirected?: boolean;
  readonly statusText?: string;
  readonly headers?: Headers;
}

const DESCRIBED = ['type', 'url', 'redirected', 'statusText', 'headers'] as const;

/**
 * `clone()` of a response described by `describeAs`: the clone its prototype makes (the platform's,
 * or the buffered body's), described the same, since the platform's `clone()` copies its internal
 * state and not the properties laid over it.
 */
function describedClone(this: Response): Response {
  return describeAs((Object.getPrototypeOf(this) as Response).clone.call(this), this);
}

/**
 * Makes `response` (a copy built with `new Response`, or the platform's own answer to a redirect
 * this library followed) report what `description` gives (another `Response`: all of it), and keep
 * doing so through `clone()`. `new Response` alone reports `type: 'default'`, an empty `url`,
 * `redirected: false`, and refuses a `statusText` that `fetch` decoded past Latin-1; the caller must
 * see what the server answered.
 */
export function describeAs(response: Response, description: ResponseDescription): Response {
  const properties: PropertyDescriptorMap = { clone: { value: describedClone, configurable: true } };
  for (const name of DESCRIBED) {
    const value = description[name];
    if (value !== undefined) properties[name] = { value, configurable: true };
  }
  return Object.defineProperties(response, properties);
}
