import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PubSub } from '@google-cloud/pubsub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PubSubStandIn, startPubSubStandIn } from '../../../src/testing/pubsub/index.js';
import {
  createMessageHandler,
  Phase2CompletionMessage,
  publishValidated,
} from '../../../src/validation/index.js';
import { until } from '../testing/pubsub/helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
const tsxLoader = createRequire(import.meta.url).resolve('tsx');
const PROJECT = 'handler-sigterm';

let standIn: PubSubStandIn;
let pubsub: PubSub;

beforeAll(async () => {
  standIn = await startPubSubStandIn({ projectId: PROJECT });
  pubsub = standIn.client();
});

afterAll(async () => {
  await pubsub.close();
  await standIn.close();
});

function run(child: ChildProcess) {
  let out = '';
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('ready')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`child exited (${code}) before it was ready: ${out}`)));
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { ready, exit, output: () => out };
}

describe('SIGTERM while 50 messages are in flight in a real subscriber process', () => {
  it('every handling that finished within the drain is acknowledged at Pub/Sub before the process ends', async () => {
    const [topic] = await pubsub.createTopic('slow');
    await topic.createSubscription('slow-sub', { ackDeadlineSeconds: 60 });
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        publishValidated(topic, Phase2CompletionMessage, {
          processor_name: `P${i}`,
          game_date: '2026-01-23',
        }),
      ),
    );
    const child = spawn(
      process.execPath,
      ['--import', tsxLoader, join(here, 'fixtures', 'slow-subscriber.ts')],
      {
        env: {
          ...process.env,
          STAND_IN_ENDPOINT: standIn.endpoint,
          STAND_IN_PROJECT: PROJECT,
          SUBSCRIPTION: 'slow-sub',
          IN_FLIGHT: '50',
          HANDLE_MS: '500',
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const { ready, exit, output } = run(child);
    await ready;
    child.kill('SIGTERM');
    const { signal } = await exit;

    expect(signal).toBe('SIGTERM');
    // The premise: all 50 handlings ran to the end inside the drain.
    expect(output()).toContain('finished 50');
    // Their acks reached Pub/Sub: none is redelivered and processed a second time.
    expect(standIn.subscriptionStats('slow-sub')).toMatchObject({ acked: 50, nacked: 0 });
  });

  it('outside a shutdown the acks keep the client batching (no flush per message)', async () => {
    const [topic] = await pubsub.createTopic('batched');
    await topic.createSubscription('batched-sub', { ackDeadlineSeconds: 60 });
    const subscription = pubsub.subscription('batched-sub');
    const handler = createMessageHandler(Phase2CompletionMessage, async () => {}, {
      onInvalid: 'nack',
      shutdown: false,
    });
    subscription.on('message', (message) => void handler.subscription(message));
    try {
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          publishValidated(topic, Phase2CompletionMessage, {
            processor_name: `P${i}`,
            game_date: '2026-01-23',
          }),
        ),
      );
      await until(() => standIn.subscriptionStats('batched-sub')?.acked === 20, 5000, 'all acks');
      const acknowledges = standIn.requests.filter(
        (r) =>
          r.method === 'Acknowledge' &&
          r.request.subscription === 'projects/handler-sigterm/subscriptions/batched-sub',
      );
      expect(acknowledges.length).toBeLessThan(10);
    } finally {
      await subscription.close();
    }
  });

  for (const awaits of ['0', '10'] as const) {
    it(`a push request whose handling finished within the drain gets its 200 before the process ends (reply ${awaits} microtasks after push())`, async () => {
      const child = spawn(
        process.execPath,
        ['--import', tsxLoader, join(here, 'fixtures', 'push-server.ts')],
        {
          env: { ...process.env, HANDLE_MS: '300', REPLY_AFTER_AWAITS: awaits },
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      const exit = new Promise<{ signal: NodeJS.Signals | null }>((resolve) =>
        child.once('exit', (_code, signal) => resolve({ signal })),
      );
      let out = '';
      const port = await new Promise<number>((resolve) => {
        child.stdout?.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const match = /listening (\d+)/.exec(out);
          if (match) resolve(Number(match[1]));
        });
      });
      const body = {
        message: {
          data: Buffer.from(JSON.stringify({ processor_name: 'P', game_date: '2026-01-23' })).toString(
            'base64',
          ),
          messageId: '1',
          attributes: {},
        },
        subscription: 'projects/p/subscriptions/push-sub',
      };
      const response = fetch(`http://127.0.0.1:${port}/`, {
        method: 'POST',
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json' },
      }).then(
        (r) => r.status,
        (error: unknown) => String(error),
      );
      await new Promise<void>((resolve) => {
        const check = () => (out.includes('started') ? resolve() : setTimeout(check, 5));
        check();
      });
      child.kill('SIGTERM');
      const { signal } = await exit;
      expect(signal).toBe('SIGTERM');
      expect(await response).toBe(200);
    });
  }
});
