import { onAbort } from '../shared/abort-fanout.js';
import type { AttemptAbort } from './attempt-signal.js';
import { describeAs } from './response-view.js';

/** Unsubscribes a live response from the caller's signal once it (or the body holding a slot) is collected. */
const unsubscribeWhenCollected = /* @__PURE__ */ new FinalizationRegistry<() => void>((unsubscribe) =>
  unsubscribe(),
);

/**
 * Lets the caller's signal cut a body handed out unread (`bufferBody: false`), as it cuts the body of
 * a plain `fetch`: an abort after the headers aborts the attempt's request with the caller's reason,
 * so the reader rejects with it and the connection is closed, and `free` gives back the slot the body
 * holds (see `bodyHoldingSlot`) even when no read is pending. The attempt's timeout and the
 * deadline do not follow the body; only the caller does. The subscription ends when the response (with `free`, its body) is collected,
 * so that a long-lived signal shared by many calls does not gather subscriptions.
 */
export function followCallerSignal(
  response: Response,
  signal: AbortSignal,
  attempt: AttemptAbort,
  free?: () => void,
): void {
  const cut = (): void => {
    attempt.abort(signal.reason);
    free?.();
  };
  if (signal.aborted) {
    cut();
    return;
  }
  const unsubscribe = onAbort(signal, cut);
  // A body holding a slot is followed as long as it lives: a caller may keep only `response.body`.
  unsubscribeWhenCollected.register((free && response.body) ?? response, unsubscribe);
}

/** Gives a live body's slot back when the body is collected unread (or read in part). */
const releaseWhenCollected = /* @__PURE__ */ new FinalizationRegistry<() => void>((free) => free());

/**
 * A live response (`bufferBody: false`) whose body holds the host's concurrency slot until it is
 * read to its end, errors or is cancelled (the caller's abort errors it; `followCallerSignal`
 * also calls the returned `free`): `maxConcurrent` then bounds the bodies being streamed, not only
 * the requests waiting for headers. A body nobody reads must not hold the slot for ever: `safety`
 * schedules `free` (the caller passes the attempt timeout) and the timer stops at the first read,
 * from which the caller drives; a body collected before it is done frees the slot too.
 * The body stays readable after a safety release. `release` runs once.
 *
 * The response is a new `Response` over a stream that reads the platform's body through its reader
 * (the platform's own body methods read its internal stream, not `body`), with the status, status
 * text, headers, `type`, `url` and `redirected` of the original (`describeAs`), clones included.
 */
export function bodyHoldingSlot(
  response: Response,
  body: ReadableStream<Uint8Array>,
  release: () => void,
  safety: (free: () => void) => () => void,
): [live: Response, free: () => void] {
  const reader = body.getReader();
  let stop: (() => void) | undefined;
  let held = true;
  const free = (): void => {
    stop?.();
    stop = undefined;
    if (held) release();
    held = false;
  };
  stop = safety(free);
  const live = new Response(
    new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          stop?.();
          stop = undefined;
          return reader.read().then(
            (chunk) => {
              if (!chunk.done) return controller.enqueue(chunk.value);
              free();
              controller.close();
            },
            (err: unknown) => {
              free();
              controller.error(err);
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
    ),
    // Not `response` as the init: its statusText is what fetch decoded (UTF-8 past Latin-1 for
    // some servers), which the constructor refuses; it is laid over the copy as it is below.
    { status: response.status, headers: response.headers },
  );
  describeAs(live, response);
  // The stream, not the response: `const { body } = await resilientFetch(...)` drops the response
  // while the body is being read, and the slot is held until that read ends.
  releaseWhenCollected.register(live.body as ReadableStream<Uint8Array>, free);
  return [live, free];
}
