import { BigQuery } from '@google-cloud/bigquery';
import { describe, expect, it } from 'vitest';
import { withoutClientRetries } from '../../../src/bigquery/client.js';

describe('withoutClientRetries', () => {
  it('builds a sibling of the same class sharing auth, project, endpoint, location and interceptors', () => {
    const client = new BigQuery({
      projectId: 'p',
      location: 'EU',
      apiEndpoint: 'http://127.0.0.1:9',
      userAgent: 'mine',
      autoRetry: true,
    });
    const sibling = withoutClientRetries(client) as BigQuery & Record<string, unknown>;
    const original = client as BigQuery & Record<string, unknown>;
    expect(sibling).not.toBe(client);
    expect(sibling).toBeInstanceOf(BigQuery);
    expect(sibling.projectId).toBe('p');
    expect(sibling.location).toBe('EU');
    expect(sibling.apiEndpoint).toBe('http://127.0.0.1:9');
    expect(sibling.baseUrl).toBe(original.baseUrl);
    expect(sibling.providedUserAgent).toBe('mine');
    // The same auth seen through the credentials guard: its state (token cache) is the original's.
    const auth = original.authClient as unknown as Record<string, unknown>;
    const shared = sibling.authClient as unknown as Record<string, unknown>;
    expect(shared).not.toBe(auth);
    expect(Object.getPrototypeOf(shared)).toBe(Object.getPrototypeOf(auth));
    auth.marker = 'set on the original';
    expect(shared.marker).toBe('set on the original');
    expect(sibling.interceptors).toBe(original.interceptors);
  });

  it('leaves the given client untouched', () => {
    const client = new BigQuery({ projectId: 'p', apiEndpoint: 'http://127.0.0.1:9' });
    const before = { ...(client as unknown as Record<string, unknown>) };
    withoutClientRetries(client);
    expect({ ...(client as unknown as Record<string, unknown>) }).toEqual(before);
  });

  it('returns an object that is not a @google-cloud/common Service as is', () => {
    const fake = { query: async () => [[]] } as unknown as BigQuery;
    expect(withoutClientRetries(fake)).toBe(fake);
  });
});
