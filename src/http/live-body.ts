import { onAbort } from '../shared/abort-fanout.js';
import type { AttemptAbort } from './attempt-signal.js';

/** Unsubscribes a live response from the caller's signal once the response is collected. */
const unsubscribeWhenCollected = /* @__PURE__ */ new FinalizationRegistry<() => void>((unsubscribe) =>
  unsubscribe(),
);

/**
 * Lets the caller's signal cut a body handed out unread (`bufferBody: false`), as it cuts the body of
 * a plain `fetch`: an abort after the headers aborts the attempt's request with the caller's reason,
 * so the reader rejects with it and the connection is closed. The attempt's timeout and the deadline
 * do not follow the body; only the caller does. The subscription ends when the response is collected,
 * so that a long-lived signal shared by many calls does not gather subscriptions.
 */
export function followCallerSignal(response: Response, signal: AbortSignal, attempt: AttemptAbort): void {
  if (signal.aborted) {
    attempt.abort(signal.reason);
    return;
  }
  const unsubscribe = onAbort(signal, () => attempt.abort(signal.reason));
  unsubscribeWhenCollected.register(response, unsubscribe);
}

/** Gives a live body's slot back when its response is collected unread (or read in part). */
const releaseWhenCollected = /* @__PURE__ */ new FinalizationRegistry<() => void>((release) => release());

/**
 * A live response (`bufferBody: false`) whose body holds the host's concurrency slot until it is
 * read to its end, errors, is cancelled, or the attempt is aborted (the caller's signal, see
 * {@link followCallerSignal}): `maxConcurrent` then bounds the bodies being streamed, not only the
 * requests waiting for headers. A body nobody reads must not hold the slot for ever: `safety`
 * schedules `release` (the caller passes the attempt timeout), and the timer stops at the first
 * read, from which the caller drives; a response collected before its body is done gives the slot
 * back too. The body stays readable after a safety release. `release` runs once.
 *
 * The response is a new `Response` over a stream that reads the platform's body through its reader
 * (the platform's own body methods read its internal stream, not `body`), with the status, headers,
 * `url` and `redirected` of the original.
 */
export function bodyHoldingSlot(
  response: Response,
  body: ReadableStream<Uint8Array>,
  release: () => void,
  attempt: AbortSignal,
  safety: (release: () => void) => () => void,
): Response {
  const reader = body.getReader();
  let held = true;
  const free = (): void => {
    if (!held) return;
    held = false;
    cancelSafety?.();
    release();
  };
  let cancelSafety: (() => void) | undefined = safety(free);
  let cut: ((reason: unknown) => void) | undefined;
  /** Cut by the attempt's abort: a read that settles after it has nowhere to go. */
  let wasCut = false;
  const live = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        cut = (reason) => {
          wasCut = true;
          free();
          reader.cancel(reason).catch(() => {});
          controller.error(reason);
        };
      },
      pull(controller) {
        cancelSafety?.();
        cancelSafety = undefined;
        return reader.read().then(
          ({ done, value }) => {
            if (wasCut) return;
            if (done) {
              free();
              controller.close();
            } else controller.enqueue(value);
          },
          (err: unknown) => {
            free();
            if (!wasCut) controller.error(err);
          },
        );
      },
      cancel(reason) {
        free();
        return reader.cancel(reason);
      },
    },
    // No read ahead: the first pull is the caller's first read.
    { highWaterMark: 0 },
  );
  // A `fetch` that is not Node's may ignore its signal: the abort cuts the body here as well.
  if (attempt.aborted) cut?.(attempt.reason);
  else attempt.addEventListener('abort', () => cut?.(attempt.reason), { once: true });
  const out = new Response(live, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
  Object.defineProperty(out, 'url', { value: response.url });
  if (response.redirected) Object.defineProperty(out, 'redirected', { value: true });
  releaseWhenCollected.register(out, free);
  return out;
}
