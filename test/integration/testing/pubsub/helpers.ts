import { type Message, type PubSub, type Subscription, v1 } from '@google-cloud/pubsub';
import { afterAll, beforeAll } from 'vitest';
import { type PubSubStandIn, startPubSubStandIn } from '../../../../src/testing/pubsub/index.js';

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

/** What a test file gets from {@link usePubSubWithSubscriber}. */
export interface PubSubFixture {
  readonly standIn: PubSubStandIn;
  readonly pubsub: PubSub;
  /** The generated (GAPIC) subscriber client: unary Pull, Acknowledge, ModifyAckDeadline. */
  readonly client: v1.SubscriberClient;
}

/**
 * Starts one Pub/Sub stand-in for the calling test file with the real client and the generated v1
 * subscriber client on it, and closes all three after the file.
 */
export function usePubSubWithSubscriber(projectId: string): PubSubFixture {
  let fixture: PubSubFixture | undefined;
  beforeAll(async () => {
    const standIn = await startPubSubStandIn({ projectId });
    const pubsub = standIn.client();
    const client = new v1.SubscriberClient({ ...pubsub.options, port: Number(pubsub.options.port) });
    fixture = { standIn, pubsub, client };
  });
  afterAll(async () => {
    await fixture?.client.close();
    await fixture?.pubsub.close();
    await fixture?.standIn.close();
  });
  const started = (): PubSubFixture => {
    if (!fixture) throw new Error('the stand-in is not started yet (use the fixture inside a test)');
    return fixture;
  };
  return {
    get standIn() {
      return started().standIn;
    },
    get pubsub() {
      return started().pubsub;
    },
    get client() {
      return started().client;
    },
  };
}
