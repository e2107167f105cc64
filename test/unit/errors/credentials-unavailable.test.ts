import { describe, expect, it } from 'vitest';
import { refusedUnauthenticated } from '../../../src/errors/credentials.js';
import {
  BadRequestError,
  CredentialsUnavailableError,
  NetworkError,
  toPipelineError,
} from '../../../src/errors/index.js';
import { wasNotSent } from '../../../src/errors/not-sent.js';
import { gaxiosHttpError, gaxiosTransportError } from './fixtures.js';

/** google-auth-library's NO_ADC_FOUND, as `GoogleAuth.getClient()` throws it. */
const NO_ADC =
  'Could not load the default credentials. Browse to https://cloud.google.com/docs/authentication/getting-started for more information.';

describe('toPipelineError: credentials that could not be had', () => {
  it('missing Application Default Credentials: CredentialsUnavailableError, permanent, naming the fixes', () => {
    const err = toPipelineError(new Error(NO_ADC));
    expect(err).toBeInstanceOf(CredentialsUnavailableError);
    expect(err).toBeInstanceOf(NetworkError);
    expect(err.code).toBe('CREDENTIALS_UNAVAILABLE');
    expect(err.transient).toBe(false);
    expect(err.message).toMatch(/GOOGLE_APPLICATION_CREDENTIALS.*application-default login.*EMULATOR_HOST/);
  });

  it('a token endpoint refusing the grant (gaxios 400 with an OAuth error body) is not a BigQuery 400', () => {
    const err = toPipelineError(
      gaxiosHttpError(400, { error: 'invalid_grant', error_description: 'Bad Request' }),
    );
    expect(err).toBeInstanceOf(CredentialsUnavailableError);
    expect(err.message).toContain('invalid_grant: Bad Request');
    expect(err.transient).toBe(false);
  });

  it("a Google API's own 400 (error is an object) stays a BadRequestError", () => {
    const err = toPipelineError(
      gaxiosHttpError(400, { error: { code: 400, message: 'bad', errors: [{ reason: 'invalid' }] } }),
    );
    expect(err).toBeInstanceOf(BadRequestError);
  });

  it('an error body whose `error` string is no OAuth code is not taken for a refused grant', () => {
    expect(toPipelineError(gaxiosHttpError(400, { error: 'something_else' }))).not.toBeInstanceOf(
      CredentialsUnavailableError,
    );
  });

  it('a gRPC call (Pub/Sub, Storage Write) failed by its call credentials: not sent; permanent for missing ADC', () => {
    const grpc = (detail: string) =>
      Object.assign(new Error(`14 UNAVAILABLE: Getting metadata from plugin failed with error: ${detail}`), {
        code: 14,
        details: `Getting metadata from plugin failed with error: ${detail}`,
      });
    const noAdc = toPipelineError(grpc(NO_ADC));
    expect(noAdc).toBeInstanceOf(CredentialsUnavailableError);
    expect(noAdc.transient).toBe(false);
    expect(noAdc.message).toContain('gRPC call was not sent');
    expect(wasNotSent(grpc(NO_ADC))).toBe(true);
    const flaky = toPipelineError(grpc('metadata server timed out'));
    expect(flaky).toBeInstanceOf(CredentialsUnavailableError);
    expect(flaky.transient).toBe(true);
    // The same status without the plugin's words is the service's own UNAVAILABLE.
    expect(
      toPipelineError(Object.assign(new Error('14 UNAVAILABLE: x'), { code: 14, details: 'x' })),
    ).not.toBeInstanceOf(CredentialsUnavailableError);
  });

  /** Every message of missing credentials names the fixes. */
  function expectFixNamed(message: string): void {
    expect(message).toContain('gcloud auth application-default login');
    expect(message).toContain('GOOGLE_APPLICATION_CREDENTIALS');
  }

  it('missing ADC in a gRPC call (grpc-js: metadata plugin failed): the call was not sent, not "refused"', () => {
    const detail = `Getting metadata from plugin failed with error: ${NO_ADC}`;
    for (const thrown of [
      // grpc-js callErrorFromStatus
      Object.assign(new Error(`14 UNAVAILABLE: ${detail}`), { code: 14, details: detail }),
      // a wrapper that puts the auth client's message first and keeps the gRPC status fields
      Object.assign(new Error(NO_ADC), { code: 14, details: detail }),
    ]) {
      const err = toPipelineError(thrown);
      expect(err).toBeInstanceOf(CredentialsUnavailableError);
      expect(err.transient).toBe(false);
      expect(err.message).toMatch(
        /^No Google credentials: Application Default Credentials were not found, so the gRPC call was not sent \(nothing reached the service\)\. /,
      );
      expect(err.message).not.toMatch(/refused/);
      expectFixNamed(err.message);
    }
  });

  it('missing ADC, transport unknown: nothing was applied, and the message says what each kind of client did', () => {
    const err = toPipelineError(new Error(NO_ADC));
    expect(err.message).not.toMatch(/refused unauthenticated/);
    expect(err.message).toContain(
      'Application Default Credentials were not found, so nothing was applied: a gRPC call was not sent, an HTTP request was sent without them and refused.',
    );
    expectFixNamed(err.message);
  });

  it('an HTTP request known to have gone without credentials and been refused (401) says so', () => {
    const err = refusedUnauthenticated(Object.assign(new Error('Unauthorized'), { code: 401 }));
    expect(err.message).toContain(
      'the request was sent without credentials and refused (401): nothing was applied',
    );
    expectFixNamed(err.message);
    expect(wasNotSent(err)).toBe(true);
  });

  it('the auth client failing otherwise, or a refused grant: not sent, nothing reached the service', () => {
    const detail = 'Getting metadata from plugin failed with error: metadata server timed out';
    const grpc = toPipelineError(
      Object.assign(new Error(`14 UNAVAILABLE: ${detail}`), { code: 14, details: detail }),
    );
    expect(grpc.message).toContain(
      '(metadata server timed out), so the gRPC call was not sent (nothing reached the service)',
    );
    const grant = toPipelineError(gaxiosHttpError(400, { error: 'invalid_grant' }));
    expect(grant.message).toContain('so the request was not sent (nothing reached the service)');
  });

  it('already typed: returned as is', () => {
    const typed = new CredentialsUnavailableError('no credentials');
    expect(toPipelineError(typed)).toBe(typed);
    expect(typed.transient).toBe(false);
    expect(new CredentialsUnavailableError('metadata server down', { transient: true }).transient).toBe(true);
  });
});

describe('wasNotSent: the one answer to "can a retry apply this request twice?"', () => {
  const system = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:9`), { code });

  it.each([
    'ECONNREFUSED',
    'ENOTFOUND',
    'EAI_AGAIN',
    'EHOSTUNREACH',
    'ENETUNREACH',
    'UND_ERR_CONNECT_TIMEOUT',
  ])('no connection was made (%s): not sent', (code) => {
    expect(wasNotSent(system(code))).toBe(true);
    expect(wasNotSent(toPipelineError(system(code)))).toBe(true);
  });

  it.each(['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'UND_ERR_SOCKET'])(
    'the connection broke once made (%s): may have been applied',
    (code) => {
      expect(wasNotSent(system(code))).toBe(false);
    },
  );

  it('no credentials: not sent, in each of its forms', () => {
    expect(wasNotSent(new Error(NO_ADC))).toBe(true);
    expect(wasNotSent(gaxiosHttpError(400, { error: 'invalid_grant' }))).toBe(true);
    expect(wasNotSent(new CredentialsUnavailableError('the auth client threw'))).toBe(true);
  });

  it('an answer from the service, a plain Error, a gaxios transport error without a code: not known as not sent', () => {
    expect(wasNotSent(gaxiosHttpError(503, { error: { code: 503, message: 'x' } }))).toBe(false);
    expect(wasNotSent(new Error('boom'))).toBe(false);
    expect(wasNotSent(gaxiosTransportError('request to x failed', new Error('?')))).toBe(false);
    expect(wasNotSent(undefined)).toBe(false);
  });
});
