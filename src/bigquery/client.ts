import type { BigQuery, BigQueryOptions } from '@google-cloud/bigquery';
import type { BigQueryClient } from './client-types.js';
import { guardCredentials } from './credentials-guard.js';

export type { BigQueryClient } from './client-types.js';

/**
 * Creates the default client on first use. The package is loaded here, not at module top level, so a
 * user who only needs `retry` never needs `@google-cloud/bigquery` installed.
 */
export async function createDefaultClient(
  projectId: string | undefined,
  location: string | undefined,
): Promise<BigQueryClient> {
  let mod: typeof import('@google-cloud/bigquery');
  try {
    mod = await import('@google-cloud/bigquery');
  } catch (err) {
    throw new Error(
      'BigQueryExecutor needs the optional peer dependency @google-cloud/bigquery: npm install @google-cloud/bigquery',
      { cause: err },
    );
  }
  const options: BigQueryOptions = { autoRetry: false };
  if (projectId !== undefined) options.projectId = projectId;
  if (location !== undefined) options.location = location;
  // Through a sibling, as a user's client: its auth is the guarded one (see `withoutClientRetries`).
  return withoutClientRetries(new mod.BigQuery(options));
}

/** The parts of a @google-cloud/common `Service` that a sibling client is built from. */
interface ServiceInternals {
  projectId?: string;
  location?: string;
  apiEndpoint?: string;
  _universeDomain?: string;
  _defaultJobCreationMode?: BigQueryOptions['defaultJobCreationMode'];
  authClient?: unknown;
  providedUserAgent?: string;
  timeout?: number;
  interceptors?: unknown[];
  globalInterceptors?: unknown[];
  makeAuthenticatedRequest?: unknown;
}

/**
 * The placeholder @google-cloud/common leaves as a client's project until its credentials name one,
 * and replaces in a request's URI, query and JSON body.
 */
export const PROJECT_ID_TOKEN = '{{projectId}}';

/**
 * A sibling of a user-given client with the client's own retries off.
 *
 * Why a sibling: @google-cloud/common reads `autoRetry` / `retryOptions` once, in the constructor, and
 * keeps them in a closure (`makeAuthenticatedRequestFactory(config)`); nothing on the instance can turn
 * them off afterwards. The only per-request switch, `reqOpts.maxRetries` (honored when it is a number,
 * so 0 works there, unlike the constructor's falsy check), covers HTTP status retries but not the
 * `noResponseRetries` that re-send after a connection reset. So we build a second client of the same
 * class with `autoRetry: false` that shares the user's auth client (same token cache), project,
 * endpoint, location, user agent and interceptors; the user's instance is not modified. The sibling
 * sees the auth client through `guardCredentials`, so a request its auth could not authorise is known
 * as not sent.
 *
 * A client that is not a @google-cloud/common `Service` (a hand-made fake, say) is returned as is.
 */
export function withoutClientRetries(client: BigQueryClient): BigQueryClient {
  const internals = client as unknown as ServiceInternals;
  if (typeof internals.makeAuthenticatedRequest !== 'function' || internals.authClient === undefined)
    return client;
  const Ctor = client.constructor as new (options: BigQueryOptions) => BigQuery;
  const options: BigQueryOptions & Record<string, unknown> = {
    autoRetry: false,
    authClient: guardCredentials(internals.authClient) as BigQueryOptions['authClient'],
  };
  if (internals.projectId && internals.projectId !== PROJECT_ID_TOKEN)
    options.projectId = internals.projectId;
  if (internals.location) options.location = internals.location;
  if (internals.apiEndpoint) options.apiEndpoint = internals.apiEndpoint;
  if (internals._universeDomain) options.universeDomain = internals._universeDomain;
  if (internals._defaultJobCreationMode) options.defaultJobCreationMode = internals._defaultJobCreationMode;
  if (internals.providedUserAgent) options.userAgent = internals.providedUserAgent;
  if (typeof internals.timeout === 'number') options.timeout = internals.timeout;
  const sibling = new Ctor(options);
  const siblingInternals = sibling as unknown as ServiceInternals;
  // Share the arrays, so interceptors the user adds later apply to our requests too.
  if (Array.isArray(internals.interceptors)) siblingInternals.interceptors = internals.interceptors;
  if (Array.isArray(internals.globalInterceptors))
    siblingInternals.globalInterceptors = internals.globalInterceptors;
  return sibling;
}
