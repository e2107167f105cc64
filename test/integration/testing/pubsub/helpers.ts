import type { Message, Subscription } from '@google-cloud/pubsub';

/** Rejects if `promise` has not settled within `ms`: a guard against hangs, not an assertion on time. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, guard]).finally(() => clearTimeout(timer));
}

/** Resolves once `condition()` holds, checking every few milliseconds; rejects after `ms`. */
export function until(condition: () => boolean, ms: number, what: string): Promise<void> {
  return within(
    (async () => {
      while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
    })(),
    ms,
    what,
  );
}

/**
 * Feeds every message of `subscription` to `onMessage` until it returns true, then resolves with
 * all the messages seen; rejects on the subscription's `'error'`.
 */
export function collect(
  subscription: Subscription,
  onMessage: (message: Message, seen: Message[]) => boolean,
): Promise<Message[]> {
  const seen: Message[] = [];
  return new Promise<Message[]>((resolve, reject) => {
    subscription.on('error', reject);
    subscription.on('message', (message: Message) => {
      seen.push(message);
      if (onMessage(message, seen)) resolve(seen);
    });
  });
}
