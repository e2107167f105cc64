import { describe, expect, it } from 'vitest';
import { guardCredentials } from '../../../src/bigquery/credentials-guard.js';
import { CredentialsUnavailableError } from '../../../src/errors/index.js';

const NO_ADC = 'Could not load the default credentials. Browse to https://example.invalid for more.';

/** An auth with private state, as google-auth-library's `GoogleAuth` (it uses `#` fields). */
class Auth {
  #tokens = 0;
  failure: unknown;
  async authorizeRequest(opts: { headers?: Record<string, string> }) {
    if (this.failure !== undefined) throw this.failure;
    this.#tokens++;
    return { ...opts, headers: { authorization: `Bearer t${this.#tokens}` } };
  }
  get tokens(): number {
    return this.#tokens;
  }
  getProjectId(): string {
    return 'p';
  }
}

describe('guardCredentials: what the auth client throws becomes "not sent, no credentials"', () => {
  it('passes authorisations through and shares the auth state (private fields, token cache)', async () => {
    const auth = new Auth();
    const guarded = guardCredentials(auth);
    expect(guarded).toBeInstanceOf(Auth);
    expect(await guarded.authorizeRequest({})).toEqual({ headers: { authorization: 'Bearer t1' } });
    expect(auth.tokens).toBe(1);
    expect(guarded.getProjectId()).toBe('p');
    expect(guarded.getProjectId).toBe(guarded.getProjectId);
  });

  it('an arbitrary Error becomes CredentialsUnavailableError with the cause kept', async () => {
    const auth = new Auth();
    const failure = new Error('workload identity federation failed');
    auth.failure = failure;
    const error = await guardCredentials(auth)
      .authorizeRequest({})
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CredentialsUnavailableError);
    expect((error as Error).message).toContain('workload identity federation failed');
    expect((error as Error).cause).toBe(failure);
    expect((error as CredentialsUnavailableError).transient).toBe(false);
  });

  it('a transport failure of the auth client (the metadata server did not answer) stays transient', async () => {
    const auth = new Auth();
    auth.failure = Object.assign(new Error('connect ECONNREFUSED 169.254.169.254:80'), {
      code: 'ECONNREFUSED',
    });
    const error = await guardCredentials(auth)
      .authorizeRequest({})
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CredentialsUnavailableError);
    expect((error as CredentialsUnavailableError).transient).toBe(true);
  });

  it('missing Application Default Credentials pass through untouched (@google-cloud/common then sends unauthenticated, for emulators)', async () => {
    const auth = new Auth();
    const failure = new Error(NO_ADC);
    auth.failure = failure;
    await expect(guardCredentials(auth).authorizeRequest({})).rejects.toBe(failure);
  });

  it('anything without authorizeRequest is returned as is', () => {
    const plain = { getRequestHeaders: () => ({}) };
    expect(guardCredentials(plain)).toBe(plain);
    expect(guardCredentials(undefined)).toBeUndefined();
  });
});
