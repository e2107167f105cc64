import { brandClass } from './brand.js';
import { NetworkError } from './network-error.js';
import { causeOf } from './pipeline-error.js';

/** The code of {@link CredentialsUnavailableError}. */
export const CREDENTIALS_UNAVAILABLE = 'CREDENTIALS_UNAVAILABLE';

/**
 * What to do about missing credentials, in every {@link CredentialsUnavailableError} message: one home
 * for the advice, so the message of each case names the same fixes.
 */
export const CREDENTIALS_FIX =
  'Set GOOGLE_APPLICATION_CREDENTIALS to a service account key file, run "gcloud auth application-default login" (Application Default Credentials), attach a service account to the runtime, or for local runs point the client at an emulator (BIGQUERY_EMULATOR_HOST, PUBSUB_EMULATOR_HOST)';

/**
 * Options of {@link CredentialsUnavailableError}.
 *
 * @example
 * ```ts
 * import { CredentialsUnavailableError, type CredentialsUnavailableErrorOptions } from 'gcp-pipeline-resilience';
 * const revoked: CredentialsUnavailableErrorOptions = { transient: false };
 * throw new CredentialsUnavailableError('the refresh token was revoked', revoked);
 * ```
 */
export interface CredentialsUnavailableErrorOptions {
  /** The value the auth client or the token endpoint threw, kept as `cause` without its credentials. */
  cause?: unknown;
  /**
   * Defaults to `false`: missing Application Default Credentials or a refused grant stay so until
   * someone fixes the setup. An auth client that failed on a transport error (the metadata server
   * did not answer) is transient.
   */
  transient?: boolean;
}

/**
 * The Google client could not get credentials (no Application Default Credentials, a token endpoint
 * answering `invalid_grant`, an auth client that threw), so the call was not carried out: nothing was
 * written, and sending the same rows again once credentials work cannot duplicate them. A
 * {@link NetworkError} with code `'CREDENTIALS_UNAVAILABLE'`; the message names the fix and holds no
 * token or key, nor does `cause` at any depth.
 *
 * @example
 * ```ts
 * import { BigQueryExecutor, CredentialsUnavailableError } from 'gcp-pipeline-resilience';
 * const bq = new BigQueryExecutor({ projectId: 'my-project' });
 * const rows = [{ id: 1 }];
 * try {
 *   await bq.insertRows('ds.events', rows);
 * } catch (err) {
 *   // Nothing was written: keep `rows` and send them again once the setup is fixed.
 *   if (err instanceof CredentialsUnavailableError) console.error(err.code, err.message);
 *   else throw err;
 * }
 * ```
 */
export class CredentialsUnavailableError extends NetworkError {
  protected static override readonly brand: symbol = /* @__PURE__ */ brandClass(
    CredentialsUnavailableError,
    'CredentialsUnavailableError',
  );

  constructor(message: string, options: CredentialsUnavailableErrorOptions = {}) {
    super(message, {
      transient: options.transient ?? false,
      ...causeOf(options),
    });
    // NetworkError names its own code; this subclass is the same failure with a precise code.
    (this as { code: string }).code = CREDENTIALS_UNAVAILABLE;
  }
}
