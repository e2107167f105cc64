import { toPipelineError } from './classify.js';
import { CredentialsUnavailableError } from './credentials-unavailable-error.js';
import { NetworkError } from './network-error.js';

/**
 * Transport failures before a connection existed: nothing of the request left the process. A reset
 * or a timeout once connected is not here: the service may have read, and applied, the request.
 */
const NO_CONNECTION_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/**
 * Whether the failed request was certainly not carried out, so sending it again cannot apply it
 * twice: no connection was made (refused, no DNS answer, no route), or no credentials could be had
 * (the auth client threw, the token endpoint refused the grant: nothing was sent; or Application
 * Default Credentials were missing: a gRPC client sent nothing, an HTTP client's request went without
 * credentials and was refused).
 *
 * The one home of this fact: the BigQuery job runner (a write that was not sent has no unknown
 * outcome), the unresolved-player tracker (its rows are not "maybe written") and `resilientFetch`
 * (a non-idempotent request may be retried) all ask it.
 */
export function wasNotSent(error: unknown): boolean {
  const typed = toPipelineError(error);
  if (typed instanceof CredentialsUnavailableError) return true;
  return typed instanceof NetworkError && NO_CONNECTION_CODES.has(typed.systemCode ?? '');
}
