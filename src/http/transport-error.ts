import { NetworkError, type PipelineError, toPipelineError } from '../errors/index.js';

/**
 * The typed error of a transport failure: what `toPipelineError` makes of it, except that undici's
 * `TypeError: terminated` (the connection closed in the middle of a body) becomes a `NetworkError`
 * with the system code of its cause, as `fetch failed` already does.
 */
export function transportError(err: unknown, now: () => number): PipelineError {
  const typed = toPipelineError(err, { now });
  if (typed.code !== 'UNKNOWN' || !(err instanceof TypeError) || err.message !== 'terminated') return typed;
  const cause = toPipelineError(err.cause, { now });
  const systemCode = cause instanceof NetworkError ? cause.systemCode : undefined;
  const detail = err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return new NetworkError(
    `Network request failed (${systemCode ?? 'no system code'}): the response body was cut off (terminated${detail})`,
    { systemCode, cause: err },
  );
}
