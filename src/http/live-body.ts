import type { Clock } from '../retry/clock.js';
import { MAX_TIMER_MS } from '../retry/options.js';
import { scheduleOn } from '../retry/schedule.js';
import { onAbort } from '../shared/abort-fanout.js';
import type { AttemptAbort } from './attempt-signal.js';
import { readerOf } from './response-body.js';
import { describeAs } from './response-view.js';

/** Unsubscribes a live response from the caller's signal once it (or the body holding a slot) is collected. */
const unsubscribeWhenCollected = /* @__PURE__ */ new FinalizationRegistry<() => void>((unsubscribe) =>
  unsubscribe(),
);

/**
 * Lets the caller's signal cut a body handed out unread (`bufferBody: false`), as it cuts the body of
 * a plain `fetch`: an abort after the headers aborts the attempt's request with the caller's reason,
 * so the reader rejects with it and the connection is closed, and `free` errors the slot-holding body
 * with the same reason and gives its slot back (see `bodyHoldingSlot`) even when no read is pending,
 * or when the `fetch` ignores its signal. The attempt's timeout and the
 * deadline do not follow the body; only the caller does. The subscription ends when the response (with `free`, its body) is collected,
 * so that a long-lived signal shared by many calls does not gather subscriptions.
 */
export function followCallerSignal(
  response: Response,
  signal: AbortSignal,
  attempt: AttemptAbort,
  free?: (reason: unknown) => void,
): void {
  const cut = (): void => {
    attempt.abort(signal.reason);
    free?.(signal.reason);
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
 * the requests waiting for headers. A body must not hold the slot for ever, so it may sit idle for
 * `idleMs` at most (on `clock`), counted from the headers, the last read and the last chunk:
 *
 * - a read pending (the server's turn) without a chunk for that long: the body is cancelled with
 *   `timedOut()`, which the pending read rejects with, and the slot goes back. A stalled server
 *   and a reader dropped with a read pending (nothing else would end it but undici's 300 s body
 *   timeout) look the same from here; either way nothing is arriving.
 * - no read pending (the caller's turn) for that long: the slot goes back, nothing is cut; the body
 *   stays readable, outside the limit.
 *
 * A body collected before it is done frees the slot too. `release` runs once. One timer at a time,
 * re-armed for the rest of the period when it fires early, so a chunk costs a clock read, not a timer.
 *
 * The response is a new `Response` over a stream that reads the platform's body through its reader
 * (the platform's own body methods read its internal stream, not `body`), with the status, status
 * text, headers, `type`, `url` and `redirected` of the original (`describeAs`), clones included.
 */
export function bodyHoldingSlot(
  response: Response,
  body: ReadableStream<Uint8Array>,
  release: () => void,
  clock: Clock,
  idleMs: number,
  timedOut: () => unknown,
  holdsNoProcess = false,
): [live: Response, cut: (reason: unknown) => void] {
  const reader = readerOf(body);
  /** Ends the ref'd timer that keeps the process alive while a read waits (see `pull`). */
  let unhold: (() => void) | undefined;
  // Weakly: the caller's signal holds `cut`, and must not keep the body from being collected (which
  // gives the slot back).
  let liveController: WeakRef<ReadableStreamDefaultController<Uint8Array>> | undefined;
  let held = true;
  /** The read in progress, if any: the platform's body has the turn. */
  let reading: ReadableStreamDefaultController<Uint8Array> | undefined;
  /** Read to its end, errored, cancelled (by the caller or for idling): no timer, no more answers. */
  let finished = false;
  let last = clock.now();
  let stop: (() => void) | undefined;
  const free = (): void => {
    if (held) release();
    held = false;
  };
  const end = (): void => {
    finished = true;
    stop?.();
    unhold?.();
    free();
  };
  const arm = (): void => {
    stop ??= scheduleOn(clock, last + idleMs - clock.now(), check, true);
  };
  function check(): void {
    stop = undefined;
    // A body that gave its slot back is outside the limit: nothing to free, nothing to cut.
    if (finished || !held) return;
    if (clock.now() - last < idleMs) arm();
    else if (reading !== undefined) {
      const reason = timedOut();
      reading.error(reason);
      end();
      reader.cancel(reason).catch(() => {});
    } else {
      // The caller's turn: only the slot goes back; the body stays readable, no longer watched.
      free();
    }
  }
  arm();
  const live = new Response(
    new ReadableStream<Uint8Array>(
      {
        start(controller) {
          liveController = new WeakRef(controller);
        },
        pull(controller) {
          last = clock.now();
          reading = controller;
          if (!finished && held) {
            arm();
            // The idle timer is unref'd (a body nobody reads must not hold the process). A `fetch`
            // that is not Node's may hold no I/O while its read waits: without a ref'd timer the
            // process would exit under the read instead of the idle check ending it.
            if (holdsNoProcess) unhold ??= scheduleOn(clock, MAX_TIMER_MS, () => {}, false);
          }
          return reader.read().then(
            (chunk) => {
              unhold?.();
              unhold = undefined;
              reading = undefined;
              if (finished) return;
              last = clock.now();
              if (!chunk.done) return controller.enqueue(chunk.value);
              end();
              controller.close();
            },
            (err: unknown) => {
              unhold?.();
              unhold = undefined;
              reading = undefined;
              if (finished) return;
              end();
              controller.error(err);
            },
          );
        },
        cancel(reason) {
          end();
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
  // The caller's abort: the body fails with its reason here, not only where the `fetch` follows its
  // signal (one that ignores it would leave a read pending for ever), and the rest is cancelled.
  const cut = (reason: unknown): void => {
    if (!finished) {
      liveController?.deref()?.error(reason);
      end();
      reader.cancel(reason).catch(() => {});
    }
    free();
  };
  return [live, cut];
}
