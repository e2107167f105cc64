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
