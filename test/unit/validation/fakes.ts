import { createShutdownCoordinator } from '../../../src/shutdown/index.js';
import { createTestClock } from '../../../src/testing/clock.js';
import type { MessageMeta, MessagePublisher, SubscriberMessage } from '../../../src/validation/index.js';
import { FakeProcess } from '../../helpers/fake-process.js';
import { recordingLogger } from '../../helpers/recording-logger.js';

export interface PublishedMessage {
  data: Buffer;
  attributes?: Record<string, string>;
  orderingKey?: string;
}

/** Our own publishing port (not a Google client mock): records messages, can be told to fail. */
export class RecordingTopic implements MessagePublisher {
  readonly published: PublishedMessage[] = [];
  readonly failures: unknown[] = [];
  private next = 0;

  constructor(readonly name = 'projects/test-project/topics/dead-letter') {}

  /** The next publishMessage calls reject with these errors, in order. */
  failWith(...errors: unknown[]): this {
    this.failures.push(...errors);
    return this;
  }

  async publishMessage(message: PublishedMessage): Promise<string> {
    const failure = this.failures.shift();
    if (failure !== undefined) throw failure;
    this.published.push(message);
    this.next += 1;
    return String(this.next);
  }
}

export { type LogEntry, recordingLogger } from '../../helpers/recording-logger.js';

/** A gRPC status error shaped as grpc-js / google-gax throw it. */
export function grpcError(code: number, name: string, details = 'stand-in failure'): Error {
  return Object.assign(new Error(`${code} ${name}: ${details}`), { code, details, metadata: {} });
}

/** A streaming-pull message that counts its own ack() and nack() calls. */
export function subscriberMessage(
  data: Buffer,
  deliveryAttempt = 1,
): SubscriberMessage & { acks: number; nacks: number } {
  return {
    id: 'sub-1',
    data,
    attributes: {},
    publishTime: new Date('2026-01-24T04:00:00Z'),
    deliveryAttempt,
    acks: 0,
    nacks: 0,
    ack() {
      this.acks += 1;
    },
    nack() {
      this.nacks += 1;
    },
  };
}

/** Lets every pending promise callback run (no timers involved). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

/** A handler whose calls each wait for the test to settle them, recording their meta. */
export function controlledWork() {
  const calls: Array<{ meta: MessageMeta; resolve: () => void; reject: (error: unknown) => void }> = [];
  const work = (_data: unknown, meta: MessageMeta) =>
    new Promise<void>((resolve, reject) => {
      calls.push({ meta, resolve, reject });
    });
  return { calls, work };
}

/** A shutdown coordinator on a fake process and a test clock, for SIGTERM without a real signal. */
export function coordinatorOnFakeProcess() {
  const clock = createTestClock();
  const fake = new FakeProcess();
  const coordinator = createShutdownCoordinator({
    process: fake,
    signals: ['SIGTERM'],
    clock,
    logger: recordingLogger(),
  });
  return { clock, fake, coordinator };
}
