import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PubSubStandIn, startPubSubStandIn } from '../../../src/testing/index.js';

const PROJECT = 'no-credentials';
let pubsub: PubSubStandIn;
let home: string;

beforeAll(async () => {
  pubsub = await startPubSubStandIn({ projectId: PROJECT });
  const client = pubsub.client();
  const [dlq] = await client.createTopic('orders-dlq');
  await dlq.createSubscription('orders-dlq-sub');
  await dlq.publishMessage({ data: Buffer.from('{'), attributes: { dead_letter_reason: 'invalid_json' } });
  await client.close();
  home = mkdtempSync(join(tmpdir(), 'gpr-no-credentials-'));
});

afterAll(async () => {
  await pubsub.close();
  rmSync(home, { recursive: true, force: true });
});

// Only a guard against a hung child: the process is expected to end by itself long before.
const HANG_GUARD_MS = 90_000;

describe('a monitor without Google credentials, in its own process', () => {
  it(
    'reports what it could not read instead of crashing the process, and the process ends by itself after close()',
    async () => {
      const child = fileURLToPath(new URL('./no-credentials-child.ts', import.meta.url));
      const env = {
        PATH: process.env.PATH,
        HOME: home,
        GCP_PROJECT_ID: PROJECT,
        PUBSUB_EMULATOR_HOST: pubsub.endpoint,
        // No metadata server here: without this, the credential lookup would probe for one.
        METADATA_SERVER_DETECTION: 'none',
      };
      const outcome = await new Promise<{
        code: number | null;
        killed: boolean;
        stdout: string;
        stderr: string;
      }>((resolve) => {
        execFile(
          process.execPath,
          ['--import', 'tsx', child],
          { env, timeout: HANG_GUARD_MS - 10_000 },
          (error, stdout, stderr) => {
            resolve({
              code: error ? ((error as { code?: number }).code ?? null) : 0,
              killed: error?.killed ?? false,
              stdout,
              stderr,
            });
          },
        );
      });
      expect(outcome.killed).toBe(false);
      expect(outcome.stderr).not.toMatch(/Could not load the default credentials/);
      expect(outcome.code).toBe(0);
      const summary = JSON.parse(outcome.stdout.trim());
      // The dead letters were counted by a peek; Monitoring's failure is said, every logging category failed.
      expect(summary.dlqMessages).toBe(1);
      expect(summary.monitoringError).toMatch(/credentials/);
      expect(summary.failed).toEqual([
        'logging:bigquery_errors',
        'logging:firestore_errors',
        'logging:gcs_errors',
        'logging:library_errors',
      ]);
      expect(summary.status).toBe('degraded');
    },
    HANG_GUARD_MS,
  );
});
