import type { BigQuery } from '@google-cloud/bigquery';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { type BigQueryStandIn, startBigQueryStandIn } from '../../../../src/testing/bigquery/index.js';

/** What a stand-in test file works with: the stand-in, a real client without retries, the request log. */
export interface StandInFixture {
  readonly s: BigQueryStandIn;
  readonly bq: BigQuery;
  /** The requests since the last {@link StandInFixture.arm}. */
  since(): BigQueryStandIn['requests'];
  /** Marks the start of the requests {@link StandInFixture.since} returns. */
  arm(): void;
}

/**
 * Starts one stand-in for the calling test file with the `ds.people` table and its five rows, clears
 * its fault plan after each test and closes it after the file.
 */
export function useStandIn(): StandInFixture {
  let s: BigQueryStandIn | undefined;
  let bq: BigQuery | undefined;
  let mark = 0;
  beforeAll(async () => {
    s = await startBigQueryStandIn({ projectId: 'test-project' });
    bq = s.client({ autoRetry: false });
    await bq.createDataset('ds');
    await bq.dataset('ds').createTable('people', {
      schema: [
        { name: 'id', type: 'INT64', mode: 'REQUIRED' },
        { name: 'name', type: 'STRING' },
        { name: 'score', type: 'FLOAT64' },
        { name: 'joined', type: 'TIMESTAMP' },
        { name: 'tags', type: 'STRING', mode: 'REPEATED' },
      ],
    });
    await s.run(`INSERT ds.people (id, name, score, joined, tags) VALUES
      (1, 'ann', 1.5, TIMESTAMP '2024-01-01 00:00:00.123456 UTC', ['a', 'b']),
      (2, 'bob', 2.5, TIMESTAMP '2024-02-01 00:00:00 UTC', []),
      (3, 'cy@example.com', NULL, NULL, ['c']),
      (4, 'dee', 4.0, TIMESTAMP '2024-04-01 00:00:00 UTC', []),
      (5, 'eve', 5.0, TIMESTAMP '2024-05-01 00:00:00 UTC', [])`);
  });
  afterAll(() => s?.close());
  afterEach(() => {
    s?.faults.clear();
  });
  const started = (): BigQueryStandIn => {
    if (!s) throw new Error('the stand-in is not started yet (use the fixture inside a test)');
    return s;
  };
  return {
    get s() {
      return started();
    },
    get bq() {
      if (!bq) throw new Error('the stand-in is not started yet (use the fixture inside a test)');
      return bq;
    },
    since: () => started().requests.slice(mark),
    arm: () => {
      mark = started().requests.length;
    },
  };
}

/** The parts of a client error the tests read. */
export type ApiErrorLike = {
  code?: number;
  message: string;
  errors?: Array<{ reason?: string; message?: string }>;
};

/** The client's `PartialFailureError` as the insert tests read it. */
export type PartialFailureLike<R = unknown> = {
  name: string;
  errors: Array<{ row: R; errors: Array<{ reason: string; message: string }> }>;
};

/** The error `p` rejects with; fails the test when it resolves. */
export async function failure(
  p: Promise<unknown>,
): Promise<ApiErrorLike & { name?: string; response?: { headers?: unknown } }> {
  try {
    await p;
  } catch (err) {
    return err as ApiErrorLike;
  }
  throw new Error('expected the call to fail');
}

// biome-ignore lint/suspicious/noExplicitAny: the REST answer's shape is what each test asserts
export type RestAnswer = any;

/** POSTs `body` as JSON to a BigQuery REST path under the stand-in's project: the status and the answer. */
export async function postRest(
  s: BigQueryStandIn,
  path: string,
  body: unknown,
): Promise<{ status: number; body: RestAnswer }> {
  const r = await fetch(`${s.endpoint}/bigquery/v2/projects/${s.projectId}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: r.status, body: await r.json() };
}
