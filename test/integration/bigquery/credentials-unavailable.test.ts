import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { OAuth2Client } from 'google-auth-library';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BigQueryExecutor } from '../../../src/bigquery/index.js';
import { CredentialsUnavailableError, NetworkError } from '../../../src/errors/index.js';
import { wasNotSent } from '../../../src/errors/not-sent.js';
import { type BigQueryStandIn, startBigQueryStandIn } from '../../../src/testing/bigquery/index.js';
import { deepStrings } from '../../helpers/deep-strings.js';
import { caught, fastRetry, INSERT_ALL, INSERT_JOB, JOBS_QUERY } from './helpers.js';

const ACCESS_TOKEN = 'ya29.credentials-test-access-token';
const REFRESH_TOKEN = '1//credentials-test-refresh-token';
const CLIENT_SECRET = 'credentials-test-client-secret';
const SECRETS = [ACCESS_TOKEN, REFRESH_TOKEN, CLIENT_SECRET];

/** A real OAuth client with a cached, unexpired access token: its requests carry `Bearer <token>`. */
function workingAuth(): OAuth2Client {
  const client = new OAuth2Client();
  client.setCredentials({ access_token: ACCESS_TOKEN, expiry_date: Date.now() + 3_600_000 });
  return client;
}

/** A real OAuth client whose `getRequestHeaders` fails with an error of no known shape. */
class HeadersFailingAuth extends OAuth2Client {
  override async getRequestHeaders(): Promise<Headers> {
    throw new Error('the workload identity pool said no');
  }
}

/** A token provider whose `getAccessToken` fails; its headers are built from that token. */
class TokenFailingAuth extends OAuth2Client {
  override async getAccessToken(): Promise<{ token?: string | null }> {
    throw new Error('token provider is down');
  }
  override async getRequestHeaders(): Promise<Headers> {
    const { token } = await this.getAccessToken();
    return new Headers({ authorization: `Bearer ${token}` });
  }
}

function leaks(value: unknown): string[] {
  const text = inspect(value, { depth: 20, showHidden: true });
  const strings = deepStrings(value, 24);
  return SECRETS.filter((s) => text.includes(s) || strings.some((t) => t.includes(s)));
}

/** Every property a missing-credentials failure of a write must have. */
function expectCredentialsUnavailable(error: unknown, detail: RegExp): void {
  expect(error).toBeInstanceOf(CredentialsUnavailableError);
  expect(error).toBeInstanceOf(NetworkError);
  const e = error as CredentialsUnavailableError;
  expect(e.code).toBe('CREDENTIALS_UNAVAILABLE');
  expect(e.transient).toBe(false);
  expect(wasNotSent(e)).toBe(true);
  expect(e.message).toMatch(detail);
  expect(e.message).toContain('GOOGLE_APPLICATION_CREDENTIALS');
  expect(e.message).toContain('application-default login');
  expect(e.message).toContain('BIGQUERY_EMULATOR_HOST');
  expect(leaks(e)).toEqual([]);
  expect(JSON.stringify(e)).not.toMatch(new RegExp(SECRETS.join('|')));
}

describe('a BigQuery write by a client that cannot get credentials (real client, stand-in)', () => {
  let standIn: BigQueryStandIn;
  let tokenServer: Server;
  let tokenUrl: string;
  let tokenRequests = 0;
  let table = 0;

  beforeAll(async () => {
    standIn = await startBigQueryStandIn({ requireCredentials: true });
    // An OAuth token endpoint that refuses every grant, as Google's does for a revoked refresh token.
    tokenServer = createServer((req, res) => {
      tokenRequests++;
      req.resume();
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ error: 'invalid_grant', error_description: 'Token has been expired or revoked.' }),
      );
    });
    await new Promise<void>((resolve) => tokenServer.listen(0, '127.0.0.1', resolve));
    tokenUrl = `http://127.0.0.1:${(tokenServer.address() as AddressInfo).port}/token`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => tokenServer.close(() => resolve()));
    await standIn.close();
  });

  const working = () =>
    new BigQueryExecutor({ client: standIn.client({ authClient: workingAuth() }), retry: fastRetry });

  /** A fresh `ds.t<n>` with a one-row counter `n = 0` (and room for inserted rows). */
  async function freshTable(): Promise<string> {
    table++;
    const name = `ds.cred_${table}`;
    if (table === 1) await working().query('CREATE SCHEMA IF NOT EXISTS ds');
    await working().query(`CREATE TABLE ${name} (id INT64, n INT64)`);
    await working().loadRows(name, [{ id: 0, n: 0 }]);
    return name;
  }

  function refusedGrantAuth(): OAuth2Client {
    const client = new OAuth2Client({
      clientId: 'credentials-test-client',
      clientSecret: CLIENT_SECRET,
      endpoints: { oauth2TokenUrl: tokenUrl },
    });
    client.setCredentials({ refresh_token: REFRESH_TOKEN });
    return client;
  }

  /**
   * Runs an insertRows, an update and (unless `load` is false) a loadRows through an executor on
   * `authClient`; each must fail typed and not sent, and the same rows written afterwards by a working client land exactly once.
   */
  async function writesFail(authClient: OAuth2Client | undefined, detail: RegExp, load = true) {
    const name = await freshTable();
    const rows = [
      { id: 1, n: 10 },
      { id: 2, n: 20 },
    ];
    const before = standIn.requests.length;
    const bq = new BigQueryExecutor({ client: standIn.client({ authClient }), retry: fastRetry });

    const insertError = await caught(bq.insertRows(name, rows));
    expectCredentialsUnavailable(insertError, detail);
    const updateError = await caught(bq.update(`UPDATE ${name} SET n = n + 1 WHERE id = 0`));
    expectCredentialsUnavailable(updateError, detail);
    if (load) {
      const loadError = await caught(bq.loadRows(name, rows));
      expectCredentialsUnavailable(loadError, detail);
    }

    // Nothing of either write was applied: any request that reached BigQuery was refused unread.
    const reached = standIn.requests.slice(before);
    expect(reached.every((r) => r.status === 401)).toBe(true);
    expect(await standIn.run(`SELECT id, n FROM ${name} ORDER BY id`)).toEqual([{ id: 0, n: 0 }]);

    // The rows were kept by the caller: the next try, with credentials, writes each once.
    await working().insertRows(name, rows);
    expect(await standIn.run(`SELECT COUNT(*) AS c FROM ${name}`)).toEqual([{ c: 3 }]);
    return reached;
  }

  describe('no Application Default Credentials', () => {
    const saved: Record<string, string | undefined> = {};
    let emptyConfig: string;
    beforeEach(() => {
      emptyConfig = mkdtempSync(join(tmpdir(), 'gpr-no-adc-'));
      for (const key of [
        'GOOGLE_APPLICATION_CREDENTIALS',
        'CLOUDSDK_CONFIG',
        'METADATA_SERVER_DETECTION',
        'BIGQUERY_EMULATOR_HOST',
      ]) {
        saved[key] = process.env[key];
        delete process.env[key];
      }
      // No key file, no gcloud login, no metadata server: google-auth-library finds nothing.
      process.env.CLOUDSDK_CONFIG = emptyConfig;
      process.env.METADATA_SERVER_DETECTION = 'none';
    });
    afterEach(() => {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
      rmSync(emptyConfig, { recursive: true, force: true });
    });

    it('insertRows, update and loadRows reject with CredentialsUnavailableError; the requests went unauthenticated and were refused, once each', async () => {
      // loadRows crashed the process here before: @google-cloud/common sent its upload without a
      // header object, and teeny-request threw in a promise nobody awaited.
      const reached = await writesFail(undefined, /Application Default Credentials were not found/);
      // Not retried: nothing will change until someone fixes the setup.
      expect(reached.filter((r) => INSERT_ALL.test(r.path))).toHaveLength(1);
      const upload = (path: string) => path.startsWith('/upload/');
      expect(
        reached.filter((r) => JOBS_QUERY.test(r.path) || (INSERT_JOB.test(r.path) && !upload(r.path))),
      ).toHaveLength(1);
      expect(reached.filter((r) => upload(r.path))).toHaveLength(1);
    });

    it("a client without a project id: a job under the caller's jobId or a statement holding {{projectId}} rejects with CredentialsUnavailableError, nothing sent", async () => {
      const unset = ['GCLOUD_PROJECT', 'GOOGLE_CLOUD_PROJECT', 'GCP_PROJECT', 'GCP_PROJECT_ID'];
      for (const key of unset) {
        saved[key] = process.env[key];
        delete process.env[key];
      }
      const before = standIn.requests.length;
      for (const [sql, options] of [
        ['SELECT 1 AS t', { jobId: 'no_project_job' }],
        ["SELECT '{{projectId}}' AS t", { jobId: 'no_project_job' }],
        ["SELECT '{{projectId}}' AS t", {}],
        ['SELECT 1 AS t', {}],
      ] as const) {
        // A fresh client each: google-auth-library remembers a failed project lookup.
        const bq = new BigQueryExecutor({
          client: standIn.client({ projectId: undefined, authClient: undefined }),
          retry: fastRetry,
        });
        const error = await caught(bq.query(sql, options));
        expect(error).toBeInstanceOf(CredentialsUnavailableError);
        expect((error as CredentialsUnavailableError).transient).toBe(false);
      }
      expect(standIn.requests.slice(before)).toEqual([]);
    });

    it('writeRows (Storage Write) rejects with CredentialsUnavailableError and leaves no unhandled rejection behind', async () => {
      // The write client's own methods rethrow a failed start where no one awaits it: before, this
      // call rejected typed and then the process died of that unhandled rejection (so did this run).
      const bq = new BigQueryExecutor({ projectId: 'test-project', retry: fastRetry });
      for (let call = 0; call < 2; call++) {
        const error = await caught(bq.writeRows('ds.never_written', [{ id: 1 }]));
        expect(error).toBeInstanceOf(CredentialsUnavailableError);
        expect((error as CredentialsUnavailableError).transient).toBe(false);
      }
    });
  });

  it('an auth client whose getRequestHeaders throws: nothing reaches BigQuery', async () => {
    const reached = await writesFail(new HeadersFailingAuth(), /the workload identity pool said no/);
    expect(reached).toEqual([]);
  });

  it('an auth client whose getAccessToken throws: nothing reaches BigQuery', async () => {
    const reached = await writesFail(new TokenFailingAuth(), /token provider is down/);
    expect(reached).toEqual([]);
  });

  it('a token endpoint answering 400 invalid_grant: nothing reaches BigQuery, no token or secret in the error', async () => {
    const asked = tokenRequests;
    const reached = await writesFail(refusedGrantAuth(), /invalid_grant: Token has been expired or revoked/);
    expect(reached).toEqual([]);
    // Asked once per write (insert, update, load): a refused grant is not retried.
    expect(tokenRequests - asked).toBe(3);
  });
});
