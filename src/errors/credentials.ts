/**
 * Failures to get credentials, told apart from failures of the call itself: google-auth-library's
 * "no Application Default Credentials" error, and an OAuth token endpoint's refusal (RFC 6749 5.2:
 * `{"error":"invalid_grant"}`, a string, where a Google API answers `{"error":{...}}`, an object).
 * Read by duck-typing, as the rest of the classifier, so any client version is recognised.
 */
import { CREDENTIALS_FIX, CredentialsUnavailableError } from './credentials-unavailable-error.js';
import { cleanMessage } from './redact.js';
import { type Obj, objField, strField } from './safe-read.js';

/** The start of google-auth-library's `NO_ADC_FOUND` message (every version since 2018 says it). */
const NO_ADC = 'Could not load the default credentials';

/** The token endpoint's error codes (RFC 6749 section 5.2): the grant or the client was refused. */
const TOKEN_ENDPOINT_ERRORS: ReadonlySet<string> = new Set([
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
  'invalid_scope',
]);

/**
 * grpc-js's words when the call credentials (the auth client) failed: the call was never started.
 * google-gax clients (Pub/Sub, Storage Write) throw it with the auth client's message after it.
 */
const GRPC_PLUGIN_FAILED = 'Getting metadata from plugin failed with error: ';

const AUTH_CLIENT_FAILED = 'the auth client failed to provide them (';
const NOT_SENT = ' was not sent (nothing reached the service)';
const NO_ADC_FOUND = 'Application Default Credentials were not found';

/** The typed error, its message saying what happened (`what`) and then how to fix it. */
function noCredentials(what: string, cause: unknown, transient = false): CredentialsUnavailableError {
  return new CredentialsUnavailableError(`No Google credentials: ${what}. ${CREDENTIALS_FIX}`, {
    cause,
    transient,
  });
}

/** Whether `o` is google-auth-library's "no Application Default Credentials" error. */
export function isNoDefaultCredentials(o: unknown): boolean {
  return strField(o, 'message')?.startsWith(NO_ADC) === true;
}

/** The OAuth error code of a token endpoint's refusal carried by `o` (a gaxios error), if any. */
function tokenEndpointError(o: Obj): string | undefined {
  const data = objField(objField(o, 'response'), 'data');
  const code = strField(data, 'error');
  return code !== undefined && TOKEN_ENDPOINT_ERRORS.has(code) ? code : undefined;
}

/** What the auth client said, when `o` is a gRPC call failed by its call credentials. */
function grpcPluginFailure(o: Obj): string | undefined {
  for (const key of ['details', 'message']) {
    const text = strField(o, key);
    const at = text?.indexOf(GRPC_PLUGIN_FAILED) ?? -1;
    if (text !== undefined && at >= 0) return text.slice(at + GRPC_PLUGIN_FAILED.length);
  }
  return undefined;
}

/**
 * An HTTP request the client sent without credentials, because Application Default Credentials were
 * not found, and that the service refused (401): nothing was applied. `cause`: what the client
 * rejected with.
 */
export function refusedUnauthenticated(cause: unknown): CredentialsUnavailableError {
  return noCredentials(
    `${NO_ADC_FOUND}, so the request was sent without credentials and refused (401): nothing was applied`,
    cause,
  );
}

/**
 * A missing-credentials failure as a typed error, or `undefined` when `o` is not one: a gRPC call
 * whose call credentials failed (not sent), google-auth-library's "no Application Default
 * Credentials" error (nothing applied: a gRPC client sends nothing; an HTTP client sends the request
 * without credentials and the service refuses it; the error alone does not say which), or a token
 * endpoint that refused the grant (not sent).
 */
export function fromCredentials(o: Obj): CredentialsUnavailableError | undefined {
  // First: a gRPC error may carry the NO_ADC words at the start of its message, and was not sent.
  const grpcDetail = grpcPluginFailure(o);
  if (grpcDetail !== undefined) {
    // Missing ADC and a refused grant stay so; anything else the auth client met may pass (gRPC
    // reports it as UNAVAILABLE unless the client gave a code).
    const noAdc = grpcDetail.includes(NO_ADC);
    return noCredentials(
      `${noAdc ? NO_ADC_FOUND : `${AUTH_CLIENT_FAILED}${cleanMessage(grpcDetail, 500)})`}, so the gRPC call${NOT_SENT}`,
      o,
      !noAdc && !/\binvalid_grant\b/.test(grpcDetail),
    );
  }
  if (isNoDefaultCredentials(o)) {
    return noCredentials(
      `${NO_ADC_FOUND}, so nothing was applied: a gRPC call was not sent, an HTTP request was sent without them and refused`,
      o,
    );
  }
  const code = tokenEndpointError(o);
  if (code === undefined) return undefined;
  const description = strField(objField(objField(o, 'response'), 'data'), 'error_description');
  return noCredentials(
    `the token endpoint refused to issue an access token (${code}${description ? `: ${cleanMessage(description, 200)}` : ''}), so the request${NOT_SENT}`,
    o,
  );
}

/**
 * What an auth client threw when asked for a request's credentials (`getRequestHeaders`,
 * `getAccessToken`), as the typed error: the request it was authorising was not sent. A transport
 * failure of the auth client itself (the metadata server or the token endpoint did not answer) is
 * transient, as `transient` of its own classification says; anything else is not.
 *
 * @param thrown what the auth client threw
 * @param classified its classification by `toPipelineError` (passed in: this module sits below it)
 */
export function authClientFailure(
  thrown: unknown,
  classified: { message: string; transient: boolean },
): CredentialsUnavailableError {
  if (classified instanceof CredentialsUnavailableError) return classified;
  return noCredentials(
    `${AUTH_CLIENT_FAILED}${classified.message}), so the request${NOT_SENT}`,
    thrown,
    classified.transient,
  );
}
