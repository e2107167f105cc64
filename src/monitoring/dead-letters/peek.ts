import type { v1 } from '@google-cloud/pubsub';
import { type PipelineError, toPipelineError } from '../../errors/index.js';
import { type PulledMessage, pullBatch, release } from './pull.js';

/** What a peek saw, and whether it gave everything back. */
export interface PeekResult {
  messages: PulledMessage[];
  /** The peek stopped at its limit: there may be more. */
  truncated: boolean;
  /** Set when handing the messages back failed: they stay leased until their ack deadline passes. */
  releaseError?: PipelineError;
}

/**
 * Looks at up to `limit` messages of a subscription without acknowledging any: Pull (answering at
 * once), then ModifyAckDeadline 0 for each, so they are deliverable again right away. What that
 * changes is documented in docs/decisions/monitoring.md: nothing is removed, but each peeked message
 * counts one more delivery attempt on this subscription (which matters only if the DLQ subscription
 * has a dead-letter policy of its own), a subscriber attached to it may get it a moment later, and
 * the order of redelivery may change.
 */
export function peekSubscription(
  subscriber: v1.SubscriberClient,
  subscription: string,
  limit: number,
  call: { timeout: number; signal?: AbortSignal | undefined },
): Promise<PeekResult> {
  return inTurn(subscription, () => peekNow(subscriber, subscription, limit, call));
}

/**
 * The peek in progress on each subscription of this process. A peek holds what it pulled until it
 * hands it back, so a second peek of the same subscription at the same time (two HTTP requests, two
 * monitors) would see those messages as gone and count 0: peeks of one subscription take turns.
 */
const peeking = new Map<string, Promise<unknown>>();

async function inTurn<T>(subscription: string, run: () => Promise<T>): Promise<T> {
  const previous = peeking.get(subscription) ?? Promise.resolve();
  const current = previous.then(run, run);
  const done = current.then(
    () => undefined,
    () => undefined,
  );
  peeking.set(subscription, done);
  try {
    return await current;
  } finally {
    if (peeking.get(subscription) === done) peeking.delete(subscription);
  }
}

async function peekNow(
  subscriber: v1.SubscriberClient,
  subscription: string,
  limit: number,
  call: { timeout: number; signal?: AbortSignal | undefined },
): Promise<PeekResult> {
  const messages: PulledMessage[] = [];
  let pullError: unknown;
  try {
    while (messages.length < limit) {
      call.signal?.throwIfAborted();
      const batch = await pullBatch(subscriber, subscription, Math.min(100, limit - messages.length), {
        timeout: call.timeout,
      });
      messages.push(...batch);
      if (batch.length === 0) break;
    }
  } catch (error) {
    pullError = error;
  }
  // Given back whatever happened above, an abort or a failed pull included.
  let releaseError: PipelineError | undefined;
  if (messages.length > 0) {
    await release(
      subscriber,
      subscription,
      messages.map((m) => m.ackId),
      { timeout: call.timeout },
    ).catch((error: unknown) => {
      releaseError = toPipelineError(error);
    });
  }
  if (pullError !== undefined) throw pullError;
  return { messages, truncated: messages.length >= limit, ...(releaseError ? { releaseError } : {}) };
}
