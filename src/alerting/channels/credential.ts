/**
 * Secrets given as a value or as a function that fetches them, read at the moment of sending so a
 * rotated secret is picked up. Errors never carry the secret.
 * @module
 */
import { PipelineError, redactSecrets } from '../../errors/index.js';

/**
 * A secret: its value, or a function returning it (a Secret Manager read, an env lookup).
 *
 * @example
 * ```ts
 * import { smtpChannel, type Credential } from 'gcp-pipeline-resilience';
 * declare function readSecret(name: string): Promise<string>; // e.g. a Secret Manager read
 * const smtpPassword: Credential = () => readSecret('smtp-password'); // read at each send: rotation applies at once
 * const email = smtpChannel({ host: 'smtp.example.com', user: 'alerts', password: smtpPassword, from: 'alerts@example.com', to: ['oncall@example.com'] });
 * ```
 */
export type Credential = string | (() => string | Promise<string>);

/** The secret's value now; a callback that fails or returns nothing is a typed, non-transient error. */
export async function readCredential(credential: Credential, what: string): Promise<string> {
  if (typeof credential === 'string') return credential;
  let value: unknown;
  try {
    value = await credential();
  } catch (error) {
    const reason = error instanceof Error ? redactSecrets(error.message) : 'it threw a non-error';
    throw new PipelineError(`the ${what} callback failed: ${reason}`, {
      code: 'CREDENTIAL_UNAVAILABLE',
      transient: true,
    });
  }
  if (typeof value !== 'string' || value.trim() === '') {
    throw new PipelineError(`the ${what} callback returned no secret`, {
      code: 'CREDENTIAL_UNAVAILABLE',
      transient: false,
    });
  }
  return value;
}
