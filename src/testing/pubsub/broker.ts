import type { Clock } from '../../retry/clock.js';
import { scheduleOn } from '../../retry/schedule.js';
import type { NodeBuffer } from '../../shared/node-types.js';
import { PUBSUB_DEAD_LETTER_ATTRIBUTES } from '../../validation/dead-letter-attributes.js';
import {
  MAX_ATTRIBUTE_KEY_BYTES,
  MAX_ATTRIBUTE_VALUE_BYTES,
  MAX_ATTRIBUTES,
  MAX_MESSAGES_PER_PUBLISH,
  MAX_ORDERING_KEY_BYTES,
  MAX_PUBLISH_REQUEST_BYTES,
} from '../../validation/pubsub-limits.js';
import { toWireTimestamp } from '../shared/timestamp.js';
import { compileFilter, type MessageFilter } from './filter.js';
import { parseResourceName } from './names.js';
import { type RetryBackoff, redeliveryDelayMs, retryBackoffOf } from './retry-policy.js';
import { checkSubscriptionSettings, checkTopicSettings } from './settings.js';
import { rpcError } from './status.js';

/**
 * A message as a topic of the stand-in received it (published by a client or forwarded by a
 * dead-letter policy).
 *
 * @example
 * ```ts
 * import { startPubSubStandIn } from 'gcp-pipeline-resilience/testing';
 * const standIn = await startPubSubStandIn();
 * const [dead] = standIn.published('orders-dlq');
 * console.log(dead?.attributes.CloudPubSubDeadLetterSourceDeliveryCount); // '5' after five failed deliveries
 * ```
 */
export interface PubSubStandInMessage {
  messageId: string;
  data: NodeBuffer;
  attributes: Record<string, string>;
  orderingKey: string;
  publishTime: Date;
}

/**
 * Counters of one subscription of the stand-in, for assertions such as "the bad message was acked".
 *
 * @example
 * ```ts
 * import { startPubSubStandIn } from 'gcp-pipeline-resilience/testing';
 * const standIn = await startPubSubStandIn();
 * const stats = standIn.subscriptionStats('orders-sub');
 * if (stats?.acked !== 1 || stats.outstanding !== 0) throw new Error('the bad message was not acked');
 * ```
 */
export interface PubSubSubscriptionStats {
  /** Messages waiting to be delivered (new, nacked or expired). */
  undelivered: number;
  /** Messages delivered and neither acked, nacked nor expired yet. */
  outstanding: number;
  /** Messages acknowledged. */
  acked: number;
  /** Deliveries that were nacked (ModifyAckDeadline 0). */
  nacked: number;
  /** Deliveries whose ack deadline expired. */
  expired: number;
  /** Messages forwarded to the dead-letter topic. */
  deadLettered: number;
}

/**
 * What Cloud Monitoring would report for one subscription of the stand-in, read live: the Monitoring
 * stand-in serves its Pub/Sub metrics from these.
 *
 * @example
 * ```ts
 * import { startPubSubStandIn } from 'gcp-pipeline-resilience/testing';
 * const standIn = await startPubSubStandIn();
 * for (const m of standIn.subscriptionMetrics()) console.log(m.id, m.unacked);
 * ```
 */
export interface PubSubSubscriptionMetrics {
  /** `projects/{project}/subscriptions/{id}`. */
  name: string;
  project: string;
  id: string;
  topic: string;
  /** Messages not yet acknowledged, leased or not (`subscription/num_undelivered_messages`). */
  unacked: number;
  /** Publish time of the oldest of them (`subscription/oldest_unacked_message_age`); none when empty. */
  oldestUnackedPublishTime: Date | undefined;
  /** When each message was forwarded to the dead-letter topic (`subscription/dead_letter_message_count`). */
  deadLetteredAt: readonly Date[];
}

/**
 * The attributes Pub/Sub adds to a message it forwards to a dead-letter topic (the stand-in adds
 * the same): the delivery count, the source subscription's id and project, and the first
 * publish time (ISO 8601 here). The same object as `PUBSUB_DEAD_LETTER_ATTRIBUTES`.
 *
 * @example
 * ```ts
 * import { DEAD_LETTER_ATTRIBUTES, startPubSubStandIn } from 'gcp-pipeline-resilience/testing';
 * const standIn = await startPubSubStandIn();
 * const [dead] = await standIn.waitForPublished('orders-dlq');
 * console.log(dead?.attributes[DEAD_LETTER_ATTRIBUTES.subscription]); // 'orders-sub'
 * ```
 */
export const DEAD_LETTER_ATTRIBUTES = PUBSUB_DEAD_LETTER_ATTRIBUTES;

/** Wire shape of `google.pubsub.v1.ReceivedMessage` as grpc-js serializes it. */
export interface WireReceivedMessage {
  ackId: string;
  message: {
    data: Buffer;
    attributes: Record<string, string>;
    messageId: string;
    publishTime: { seconds: string; nanos: number };
    orderingKey: string;
  };
  deliveryAttempt: number;
}

export interface PublishInput {
  data?: Buffer | Uint8Array | null;
  attributes?: Record<string, string> | null;
  orderingKey?: string | null;
}

export interface DeadLetterPolicy {
  deadLetterTopic: string;
  maxDeliveryAttempts: number;
}

interface TopicState {
  name: string;
  resource: Record<string, unknown>;
  published: PubSubStandInMessage[];
}

interface QueueEntry {
  message: PubSubStandInMessage;
  /** Delivery attempts made so far: 1 + nacks + expiries once delivered. */
  attempts: number;
  /** Held back by the retry policy's backoff: waiting, but not to be delivered yet. */
  held?: boolean;
}

interface Lease {
  ackId: string;
  entry: QueueEntry;
  /** Cancels the ack-deadline timer. */
  cancelExpiry: () => void;
  stream: StreamState | undefined;
}

interface StreamState {
  deadlineSeconds: number;
  maxOutstandingMessages: number;
  outstanding: number;
  send(messages: WireReceivedMessage[]): void;
  fail(code: number, details: string): void;
}

interface SubscriptionState {
  name: string;
  project: string;
  id: string;
  topic: string;
  ackDeadlineSeconds: number;
  deadLetterPolicy: DeadLetterPolicy | undefined;
  /** `retryPolicy`: how long a nacked or expired message is held back; none = redeliver at once. */
  retryBackoff: RetryBackoff | undefined;
  /** Cancels of the backoff timers running, cleared when the subscription or the broker goes. */
  backoffTimers: Set<() => void>;
  /** `enableMessageOrdering`: a key's messages go in publish order, to one stream, redelivered together. */
  ordered: boolean;
  /** `filter`: messages it does not pass never reach the subscription (Pub/Sub acks them itself). */
  filter: MessageFilter;
  /** Ordered: acked messages a redelivery of an earlier message of their key would send again. */
  ackedByKey: Map<string, QueueEntry[]>;
  resource: Record<string, unknown>;
  backlog: QueueEntry[];
  leases: Map<string, Lease>;
  streams: StreamState[];
  nextStream: number;
  stats: Omit<PubSubSubscriptionStats, 'undelivered' | 'outstanding'>;
  deadLetteredAt: Date[];
}

/** A handle on a StreamingPull stream attached to a subscription. */
export interface StreamHandle {
  setDeadline(seconds: number): void;
  detach(): void;
}

interface Waiter {
  topic: string;
  count: number;
  resolve(messages: PubSubStandInMessage[]): void;
  reject(error: Error): void;
}

export interface BrokerOptions {
  /** Multiplies every ack deadline (1 = real time). */
  ackDeadlineScale: number;
  /** Runs the ack-deadline and retry-backoff timers; `setTimeout` when absent. */
  clock?: Pick<Clock, 'schedule'> | undefined;
}

/**
 * The in-memory Pub/Sub: topics, subscriptions, leases with ack deadlines and retry backoffs on the
 * clock's timers, delivery attempts and dead-lettering. gRPC-agnostic so that the services stay thin.
 */
export class Broker {
  readonly #topics = new Map<string, TopicState>();
  readonly #subscriptions = new Map<string, SubscriptionState>();
  readonly #waiters = new Set<Waiter>();
  readonly #options: BrokerOptions;
  #nextMessageId = 1;
  #nextAckId = 1;
  #closed = false;

  constructor(options: BrokerOptions) {
    this.#options = options;
  }

  // ---- topics ----------------------------------------------------------------------------

  createTopic(resource: Record<string, unknown>): Record<string, unknown> {
    const name = parseResourceName('topics', resource.name).full;
    if (this.#topics.has(name)) throw rpcError('ALREADY_EXISTS', 'Topic already exists');
    checkTopicSettings(resource);
    const stored = { ...resource, name, labels: resource.labels ?? {} };
    this.#topics.set(name, { name, resource: stored, published: [] });
    return stored;
  }

  getTopic(name: unknown): Record<string, unknown> {
    return this.#topic(name).resource;
  }

  deleteTopic(name: unknown): void {
    const topic = this.#topic(name);
    this.#topics.delete(topic.name);
    // As in Pub/Sub, subscriptions outlive their topic and point at `_deleted-topic_`.
    for (const sub of this.#subscriptions.values()) {
      if (sub.topic === topic.name) {
        sub.topic = '_deleted-topic_';
        sub.resource = { ...sub.resource, topic: '_deleted-topic_' };
      }
    }
  }

  listTopics(project: unknown): Record<string, unknown>[] {
    const prefix = `${String(project)}/topics/`;
    return [...this.#topics.values()].filter((t) => t.name.startsWith(prefix)).map((t) => t.resource);
  }

  listTopicSubscriptions(topic: unknown): string[] {
    const name = this.#topic(topic).name;
    return [...this.#subscriptions.values()].filter((s) => s.topic === name).map((s) => s.name);
  }

  publish(topicName: unknown, messages: readonly PublishInput[]): string[] {
    const topic = this.#topic(topicName);
    if (messages.length === 0) throw rpcError('INVALID_ARGUMENT', 'The request contains no messages');
    if (messages.length > MAX_MESSAGES_PER_PUBLISH) {
      throw rpcError(
        'INVALID_ARGUMENT',
        `The request contains ${messages.length} messages, but the maximum allowed is ${MAX_MESSAGES_PER_PUBLISH}`,
      );
    }
    let bytes = 0;
    for (const m of messages) {
      const size = m.data?.length ?? 0;
      const attributes = Object.entries(m.attributes ?? {});
      bytes += size + checkedAttributeBytes(attributes) + checkedOrderingKeyBytes(m.orderingKey);
      if (size === 0 && attributes.length === 0) {
        throw rpcError('INVALID_ARGUMENT', 'Some messages contain no data and no attributes');
      }
    }
    if (bytes > MAX_PUBLISH_REQUEST_BYTES) {
      throw rpcError(
        'INVALID_ARGUMENT',
        `Request payload size exceeds the limit: ${MAX_PUBLISH_REQUEST_BYTES} bytes.`,
      );
    }
    const ids = messages.map((m) => this.#append(topic, m).messageId);
    this.#pumpTopic(topic.name);
    return ids;
  }

  published(topicName: string): PubSubStandInMessage[] {
    return [...(this.#topics.get(topicName)?.published ?? [])];
  }

  waitForPublished(topicName: string, count: number, timeoutMs: number): Promise<PubSubStandInMessage[]> {
    const current = this.published(topicName);
    if (current.length >= count) return Promise.resolve(current);
    if (this.#closed) return Promise.reject(new Error('The Pub/Sub stand-in is closed'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        const got = this.published(topicName).length;
        reject(
          new Error(
            `Timed out after ${timeoutMs} ms waiting for ${count} message(s) on ${topicName} (got ${got})`,
          ),
        );
      }, timeoutMs);
      const waiter: Waiter = {
        topic: topicName,
        count,
        resolve: (messages) => {
          clearTimeout(timer);
          resolve(messages);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.#waiters.add(waiter);
    });
  }

  // ---- subscriptions ---------------------------------------------------------------------

  createSubscription(resource: Record<string, unknown>): Record<string, unknown> {
    const { full: name, project, id } = parseResourceName('subscriptions', resource.name);
    const topicName = parseResourceName('topics', resource.topic).full;
    if (this.#subscriptions.has(name)) throw rpcError('ALREADY_EXISTS', 'Subscription already exists');
    if (!this.#topics.has(topicName)) throw rpcError('NOT_FOUND', `Topic not found (resource=${topicName})`);
    const pushConfig = resource.pushConfig as { pushEndpoint?: string } | null | undefined;
    if (pushConfig?.pushEndpoint) {
      throw rpcError('UNIMPLEMENTED', 'Push subscriptions are not supported by the Pub/Sub stand-in');
    }
    checkSubscriptionSettings(resource);
    const requestedDeadline = Number(resource.ackDeadlineSeconds ?? 0);
    const ackDeadlineSeconds = requestedDeadline === 0 ? 10 : requestedDeadline;
    if (!Number.isInteger(ackDeadlineSeconds) || ackDeadlineSeconds < 10 || ackDeadlineSeconds > 600) {
      throw rpcError(
        'INVALID_ARGUMENT',
        `Invalid ack deadline given: ${requestedDeadline}. The ack deadline must be between 10 and 600 seconds`,
      );
    }
    const deadLetterPolicy = this.#deadLetterPolicy(resource.deadLetterPolicy);
    const filter = compileFilter(typeof resource.filter === 'string' ? resource.filter : '');
    const stored: Record<string, unknown> = {
      ...resource,
      name,
      topic: topicName,
      ackDeadlineSeconds,
      labels: resource.labels ?? {},
      deadLetterPolicy: deadLetterPolicy ?? null,
    };
    this.#subscriptions.set(name, {
      name,
      project,
      id,
      topic: topicName,
      ackDeadlineSeconds,
      deadLetterPolicy,
      retryBackoff: retryBackoffOf(resource),
      backoffTimers: new Set(),
      ordered: resource.enableMessageOrdering === true,
      filter,
      ackedByKey: new Map(),
      resource: stored,
      backlog: [],
      leases: new Map(),
      streams: [],
      nextStream: 0,
      stats: { acked: 0, nacked: 0, expired: 0, deadLettered: 0 },
      deadLetteredAt: [],
    });
    return stored;
  }

  getSubscription(name: unknown): Record<string, unknown> {
    return this.#subscription(name).resource;
  }

  deleteSubscription(name: unknown): void {
    const sub = this.#subscription(name);
    this.#subscriptions.delete(sub.name);
    this.#stopTimers(sub);
    for (const stream of [...sub.streams])
      stream.fail(5, `Subscription does not exist (resource=${sub.name})`);
    sub.streams.length = 0;
  }

  listSubscriptions(project: unknown): Record<string, unknown>[] {
    const prefix = `${String(project)}/subscriptions/`;
    return [...this.#subscriptions.values()].filter((s) => s.name.startsWith(prefix)).map((s) => s.resource);
  }

  stats(subscriptionName: string): PubSubSubscriptionStats | undefined {
    const sub = this.#subscriptions.get(subscriptionName);
    if (!sub) return undefined;
    return { undelivered: sub.backlog.length, outstanding: sub.leases.size, ...sub.stats };
  }

  metrics(): PubSubSubscriptionMetrics[] {
    return [...this.#subscriptions.values()].map((sub) => {
      let oldest: Date | undefined;
      const entries = [...sub.backlog, ...[...sub.leases.values()].map((lease) => lease.entry)];
      for (const { message } of entries) {
        if (!oldest || message.publishTime < oldest) oldest = message.publishTime;
      }
      return {
        name: sub.name,
        project: sub.project,
        id: sub.id,
        topic: sub.topic,
        unacked: entries.length,
        oldestUnackedPublishTime: oldest,
        deadLetteredAt: [...sub.deadLetteredAt],
      };
    });
  }

  // ---- delivery --------------------------------------------------------------------------

  pull(subscriptionName: unknown, maxMessages: number): WireReceivedMessage[] {
    const sub = this.#subscription(subscriptionName);
    if (!(maxMessages > 0)) throw rpcError('INVALID_ARGUMENT', 'max_messages must be greater than 0');
    const out: WireReceivedMessage[] = [];
    while (out.length < maxMessages) {
      const entry = this.#takeNext(sub);
      if (!entry) break;
      out.push(this.#lease(sub, entry, sub.ackDeadlineSeconds, undefined));
    }
    return out;
  }

  attachStream(
    subscriptionName: unknown,
    options: {
      deadlineSeconds: number;
      maxOutstandingMessages: number;
      send(messages: WireReceivedMessage[]): void;
      fail(code: number, details: string): void;
    },
  ): StreamHandle {
    const sub = this.#subscription(subscriptionName);
    checkStreamAckDeadline(options.deadlineSeconds);
    const stream: StreamState = {
      deadlineSeconds: options.deadlineSeconds,
      maxOutstandingMessages: Math.max(0, options.maxOutstandingMessages),
      outstanding: 0,
      send: options.send,
      fail: options.fail,
    };
    sub.streams.push(stream);
    this.#pump(sub);
    return {
      setDeadline: (seconds) => {
        checkStreamAckDeadline(seconds);
        stream.deadlineSeconds = seconds;
      },
      detach: () => {
        const index = sub.streams.indexOf(stream);
        if (index >= 0) sub.streams.splice(index, 1);
        // Leases taken on this stream stay until acked or expired, as in Pub/Sub.
        for (const lease of sub.leases.values()) if (lease.stream === stream) lease.stream = undefined;
      },
    };
  }

  /**
   * Refuses ack ids this subscription never issued (a message id passed for an ack id, another
   * subscription's ack id), as Pub/Sub refuses them on Acknowledge and ModifyAckDeadline. An ack id
   * it did issue is accepted even when stale (acked, nacked or expired): Pub/Sub ignores those.
   */
  checkAckIds(subscriptionName: unknown, ackIds: readonly string[]): void {
    const sub = this.#subscription(subscriptionName);
    const prefix = `${sub.id}-`;
    for (const ackId of ackIds) {
      const serial = ackId.startsWith(prefix) ? ackId.slice(prefix.length) : '';
      if (!/^[1-9]\d*$/.test(serial) || Number(serial) >= this.#nextAckId) {
        throw rpcError(
          'INVALID_ARGUMENT',
          `You have passed an invalid ack ID to the service (ack_id=${ackId}).`,
        );
      }
    }
  }

  acknowledge(subscriptionName: unknown, ackIds: readonly string[]): void {
    const sub = this.#subscription(subscriptionName);
    for (const ackId of ackIds) {
      const lease = this.#release(sub, ackId);
      if (!lease) continue;
      sub.stats.acked += 1;
      if (sub.ordered && lease.entry.message.orderingKey) this.#keepAcked(sub, lease.entry);
    }
    this.#pump(sub);
  }

  modifyAckDeadline(subscriptionName: unknown, ackIds: readonly string[], seconds: number): void {
    const sub = this.#subscription(subscriptionName);
    if (!Number.isInteger(seconds) || seconds < 0 || seconds > 600) {
      throw rpcError(
        'INVALID_ARGUMENT',
        `Invalid ack deadline given: ${seconds}. The ack deadline must be between 0 and 600 seconds`,
      );
    }
    for (const ackId of ackIds) this.#modify(sub, ackId, seconds);
    this.#pump(sub);
  }

  /** The per-ackId form StreamingPull uses: `modifyDeadlineSeconds[i]` applies to `modifyDeadlineAckIds[i]`. */
  modifyAckDeadlines(subscriptionName: unknown, ackIds: readonly string[], seconds: readonly number[]): void {
    const sub = this.#subscription(subscriptionName);
    if (ackIds.length !== seconds.length) {
      throw rpcError(
        'INVALID_ARGUMENT',
        'modify_deadline_seconds and modify_deadline_ack_ids differ in length',
      );
    }
    // The whole request is checked before any of it applies, as for ModifyAckDeadline.
    for (const s of seconds) {
      if (!Number.isInteger(s) || s < 0 || s > 600) {
        throw rpcError('INVALID_ARGUMENT', `Invalid ack deadline given: ${s}`);
      }
    }
    ackIds.forEach((ackId, i) => {
      this.#modify(sub, ackId, seconds[i]!);
    });
    this.#pump(sub);
  }

  close(): void {
    this.#closed = true;
    for (const sub of this.#subscriptions.values()) {
      this.#stopTimers(sub);
      sub.streams.length = 0;
    }
    for (const waiter of this.#waiters) waiter.reject(new Error('The Pub/Sub stand-in was closed'));
    this.#waiters.clear();
  }

  // ---- internals -------------------------------------------------------------------------

  #stopTimers(sub: SubscriptionState): void {
    for (const lease of sub.leases.values()) lease.cancelExpiry();
    sub.leases.clear();
    for (const cancel of sub.backoffTimers) cancel();
    sub.backoffTimers.clear();
  }

  /**
   * Takes the first backlog entry that may go out now: not held back by its backoff and, on an
   * ordered subscription, not behind a held message of its key (a key's messages go in order).
   */
  #takeNext(sub: SubscriptionState): QueueEntry | undefined {
    const blockedKeys = new Set<string>();
    const index = sub.backlog.findIndex((entry) => {
      const key = sub.ordered ? entry.message.orderingKey : '';
      if (entry.held) {
        if (key) blockedKeys.add(key);
        return false;
      }
      return !(key && blockedKeys.has(key));
    });
    return index === -1 ? undefined : sub.backlog.splice(index, 1)[0];
  }

  /** Holds a redelivered entry back for its backoff, then offers it to the streams again. */
  #holdBack(sub: SubscriptionState, entry: QueueEntry): void {
    const delay = sub.retryBackoff ? redeliveryDelayMs(sub.retryBackoff, entry.attempts) : 0;
    if (delay <= 0) return;
    entry.held = true;
    const cancel = scheduleOn(this.#options.clock, delay, () => {
      sub.backoffTimers.delete(cancel);
      entry.held = false;
      this.#pump(sub);
    });
    sub.backoffTimers.add(cancel);
  }

  #topic(name: unknown): TopicState {
    const full = parseResourceName('topics', name).full;
    const topic = this.#topics.get(full);
    if (!topic) throw rpcError('NOT_FOUND', 'Topic not found');
    return topic;
  }

  #subscription(name: unknown): SubscriptionState {
    const full = parseResourceName('subscriptions', name).full;
    const sub = this.#subscriptions.get(full);
    if (!sub) throw rpcError('NOT_FOUND', `Subscription does not exist (resource=${full})`);
    return sub;
  }

  #deadLetterPolicy(raw: unknown): DeadLetterPolicy | undefined {
    const policy = raw as { deadLetterTopic?: string; maxDeliveryAttempts?: number } | null | undefined;
    if (!policy?.deadLetterTopic) return undefined;
    const deadLetterTopic = parseResourceName('topics', policy.deadLetterTopic).full;
    const requested = Number(policy.maxDeliveryAttempts ?? 0);
    const maxDeliveryAttempts = requested === 0 ? 5 : requested;
    if (!Number.isInteger(maxDeliveryAttempts) || maxDeliveryAttempts < 5 || maxDeliveryAttempts > 100) {
      throw rpcError(
        'INVALID_ARGUMENT',
        `Invalid max_delivery_attempts given: ${requested}. It must be between 5 and 100`,
      );
    }
    if (!this.#topics.has(deadLetterTopic)) {
      throw rpcError('NOT_FOUND', `Dead letter topic not found (resource=${deadLetterTopic})`);
    }
    return { deadLetterTopic, maxDeliveryAttempts };
  }

  #append(topic: TopicState, input: PublishInput): PubSubStandInMessage {
    const message: PubSubStandInMessage = {
      messageId: String(this.#nextMessageId++),
      data: Buffer.from(input.data ?? new Uint8Array()),
      attributes: { ...(input.attributes ?? {}) },
      orderingKey: input.orderingKey ?? '',
      publishTime: new Date(),
    };
    topic.published.push(message);
    // Fan-out happens at publish time: a subscription created later does not see this message.
    for (const sub of this.#subscriptions.values()) {
      if (sub.topic !== topic.name || !sub.filter(message.attributes)) continue;
      sub.backlog.push({ message, attempts: 0 });
    }
    for (const waiter of [...this.#waiters]) {
      if (waiter.topic === topic.name && topic.published.length >= waiter.count) {
        this.#waiters.delete(waiter);
        waiter.resolve([...topic.published]);
      }
    }
    return message;
  }

  #lease(
    sub: SubscriptionState,
    entry: QueueEntry,
    deadlineSeconds: number,
    stream: StreamState | undefined,
  ): WireReceivedMessage {
    entry.attempts += 1;
    const ackId = `${sub.id}-${this.#nextAckId++}`;
    const lease: Lease = {
      ackId,
      entry,
      stream,
      cancelExpiry: this.#expiryTimer(sub, ackId, deadlineSeconds),
    };
    sub.leases.set(ackId, lease);
    if (stream) stream.outstanding += 1;
    const { message } = entry;
    return {
      ackId,
      message: {
        data: message.data,
        attributes: message.attributes,
        messageId: message.messageId,
        publishTime: toWireTimestamp(message.publishTime),
        orderingKey: message.orderingKey,
      },
      // Pub/Sub only counts delivery attempts when a dead-letter policy is set; otherwise 0.
      deliveryAttempt: sub.deadLetterPolicy ? entry.attempts : 0,
    };
  }

  #expiryTimer(sub: SubscriptionState, ackId: string, seconds: number): () => void {
    return scheduleOn(this.#options.clock, seconds * 1000 * this.#options.ackDeadlineScale, () => {
      const lease = this.#release(sub, ackId);
      if (!lease) return;
      sub.stats.expired += 1;
      this.#redeliver(sub, lease.entry);
    });
  }

  #release(sub: SubscriptionState, ackId: string): Lease | undefined {
    const lease = sub.leases.get(ackId);
    if (!lease) return undefined;
    lease.cancelExpiry();
    sub.leases.delete(ackId);
    if (lease.stream) lease.stream.outstanding -= 1;
    return lease;
  }

  #modify(sub: SubscriptionState, ackId: string, seconds: number): void {
    if (seconds === 0) {
      const lease = this.#release(sub, ackId);
      if (!lease) return;
      sub.stats.nacked += 1;
      this.#redeliver(sub, lease.entry);
      return;
    }
    const lease = sub.leases.get(ackId);
    if (!lease) return;
    lease.cancelExpiry();
    lease.cancelExpiry = this.#expiryTimer(sub, ackId, seconds);
  }

  /** A nack or an expiry: deliver again, or dead-letter once the attempts are used up. */
  #redeliver(sub: SubscriptionState, entry: QueueEntry): void {
    const policy = sub.deadLetterPolicy;
    if (policy && entry.attempts >= policy.maxDeliveryAttempts) {
      sub.stats.deadLettered += 1;
      sub.deadLetteredAt.push(new Date());
      const target = this.#topics.get(policy.deadLetterTopic);
      // A deleted dead-letter topic drops the message: Pub/Sub cannot forward it either.
      if (target) {
        this.#append(target, {
          data: entry.message.data,
          orderingKey: entry.message.orderingKey,
          attributes: {
            ...entry.message.attributes,
            [DEAD_LETTER_ATTRIBUTES.deliveryCount]: String(entry.attempts),
            [DEAD_LETTER_ATTRIBUTES.subscription]: sub.id,
            [DEAD_LETTER_ATTRIBUTES.subscriptionProject]: sub.project,
            [DEAD_LETTER_ATTRIBUTES.topicPublishTime]: entry.message.publishTime.toISOString(),
          },
        });
        this.#pumpTopic(target.name);
      }
      return;
    }
    // Held back first: on an ordered subscription the later messages of its key then wait behind it.
    this.#holdBack(sub, entry);
    if (sub.ordered && entry.message.orderingKey) this.#redeliverKey(sub, entry);
    else sub.backlog.push(entry);
    this.#pump(sub);
  }

  /**
   * Ordered delivery: a redelivered message comes back with every later message of its key that is
   * outstanding or waiting, all in publish order and ahead of the key's other waiting messages, as
   * Pub/Sub "redelivers every subsequent message with the same ordering key, including acknowledged
   * messages".
   */
  /** Keeps an acked message of a key while an earlier message of that key may still be redelivered. */
  #keepAcked(sub: SubscriptionState, entry: QueueEntry): void {
    const key = entry.message.orderingKey;
    let earliest = Number.POSITIVE_INFINITY;
    for (const lease of sub.leases.values()) {
      if (lease.entry.message.orderingKey === key) earliest = Math.min(earliest, sequence(lease.entry));
    }
    for (const waiting of sub.backlog) {
      if (waiting.message.orderingKey === key) earliest = Math.min(earliest, sequence(waiting));
    }
    const kept = [...(sub.ackedByKey.get(key) ?? []), entry].filter((e) => sequence(e) > earliest);
    if (kept.length > 0) sub.ackedByKey.set(key, kept);
    else sub.ackedByKey.delete(key);
  }

  #redeliverKey(sub: SubscriptionState, entry: QueueEntry): void {
    const key = entry.message.orderingKey;
    const sameKey = (e: QueueEntry) => e.message.orderingKey === key;
    const later = [...sub.leases.values()].filter(
      (lease) => sameKey(lease.entry) && sequence(lease.entry) > sequence(entry),
    );
    for (const lease of later) this.#release(sub, lease.ackId);
    const waiting = sub.backlog.filter(sameKey);
    sub.backlog = sub.backlog.filter((e) => !sameKey(e));
    const acked = (sub.ackedByKey.get(key) ?? []).filter((e) => sequence(e) > sequence(entry));
    sub.ackedByKey.set(
      key,
      (sub.ackedByKey.get(key) ?? []).filter((e) => sequence(e) < sequence(entry)),
    );
    const again = [entry, ...later.map((lease) => lease.entry), ...acked, ...waiting].sort(
      (a, b) => sequence(a) - sequence(b),
    );
    sub.backlog.unshift(...again);
  }

  #streamHoldingKey(sub: SubscriptionState, key: string): StreamState | undefined {
    if (!key) return undefined;
    for (const lease of sub.leases.values()) {
      if (lease.stream && lease.entry.message.orderingKey === key && sub.streams.includes(lease.stream)) {
        return lease.stream;
      }
    }
    return undefined;
  }

  #pumpTopic(topicName: string): void {
    for (const sub of this.#subscriptions.values()) if (sub.topic === topicName) this.#pump(sub);
  }

  /** Hands the backlog to the open streams, round-robin, each message to one stream, within flow control. */
  #pump(sub: SubscriptionState): void {
    if (this.#closed || sub.backlog.length === 0 || sub.streams.length === 0) return;
    const batches = new Map<StreamState, WireReceivedMessage[]>();
    let idle = 0;
    while (sub.backlog.length > 0 && idle < sub.streams.length) {
      const index = sub.nextStream % sub.streams.length;
      sub.nextStream = index + 1;
      const stream = sub.streams[index]!;
      if (stream.maxOutstandingMessages > 0 && stream.outstanding >= stream.maxOutstandingMessages) {
        idle += 1;
        continue;
      }
      const entry = this.#takeNext(sub);
      // Everything waiting is held back by its backoff: its timer pumps again.
      if (!entry) break;
      idle = 0;
      // Ordered: a key's messages go to the stream already holding that key's messages.
      const target = (sub.ordered && this.#streamHoldingKey(sub, entry.message.orderingKey)) || stream;
      const received = this.#lease(sub, entry, target.deadlineSeconds, target);
      if (target !== stream) {
        const held = batches.get(target);
        if (held) held.push(received);
        else batches.set(target, [received]);
        continue;
      }
      const batch = batches.get(stream);
      if (batch) batch.push(received);
      else batches.set(stream, [received]);
    }
    for (const [stream, messages] of batches) stream.send(messages);
  }
}

/** A message's place in publish order (message ids are issued in sequence). */
function sequence(entry: QueueEntry): number {
  return Number(entry.message.messageId);
}

/**
 * The bytes a message's attributes add to its request, refusing what Pub/Sub refuses: more than
 * `MAX_ATTRIBUTES` of them, a key over `MAX_ATTRIBUTE_KEY_BYTES` or a value over
 * `MAX_ATTRIBUTE_VALUE_BYTES` of UTF-8 (INVALID_ARGUMENT, worded as Pub/Sub words it).
 */
function checkedAttributeBytes(attributes: readonly [string, string][]): number {
  if (attributes.length > MAX_ATTRIBUTES) {
    throw rpcError(
      'INVALID_ARGUMENT',
      `The message has ${attributes.length} attributes, but the maximum allowed is ${MAX_ATTRIBUTES}. Refer to https://cloud.google.com/pubsub/quotas for more information.`,
    );
  }
  let bytes = 0;
  for (const [key, value] of attributes) {
    const keyBytes = Buffer.byteLength(key, 'utf8');
    const valueBytes = Buffer.byteLength(value, 'utf8');
    if (keyBytes > MAX_ATTRIBUTE_KEY_BYTES) throw attributeTooLong('key', keyBytes, MAX_ATTRIBUTE_KEY_BYTES);
    if (valueBytes > MAX_ATTRIBUTE_VALUE_BYTES) {
      throw attributeTooLong('value', valueBytes, MAX_ATTRIBUTE_VALUE_BYTES);
    }
    bytes += keyBytes + valueBytes;
  }
  return bytes;
}

function attributeTooLong(part: 'key' | 'value', length: number, max: number): Error {
  return rpcError(
    'INVALID_ARGUMENT',
    `One of the attributes in the request has a ${part} that is too long. The length is ${length} bytes, but the maximum allowed is ${max}. Refer to https://cloud.google.com/pubsub/quotas for more information.`,
  );
}

/** The bytes of a message's ordering key, refusing one over `MAX_ORDERING_KEY_BYTES`. */
function checkedOrderingKeyBytes(orderingKey: string | null | undefined): number {
  const bytes = Buffer.byteLength(orderingKey ?? '', 'utf8');
  if (bytes > MAX_ORDERING_KEY_BYTES) {
    throw rpcError(
      'INVALID_ARGUMENT',
      `The ordering key is too long. The length is ${bytes} bytes, but the maximum allowed is ${MAX_ORDERING_KEY_BYTES}.`,
    );
  }
  return bytes;
}

/**
 * A StreamingPull stream's ack deadline: required on the first request and, when a later request
 * changes it, from 10 to 600 seconds (the Pub/Sub reference), refused with INVALID_ARGUMENT in the
 * emulator's words otherwise. Unlike a ModifyAckDeadline, 0 is not a nack here but out of range.
 */
function checkStreamAckDeadline(seconds: number): void {
  if (!Number.isInteger(seconds) || seconds < 10 || seconds > 600) {
    throw rpcError(
      'INVALID_ARGUMENT',
      `stream_ack_deadline_seconds must be between 10 and 600 seconds (got ${seconds})`,
    );
  }
}
