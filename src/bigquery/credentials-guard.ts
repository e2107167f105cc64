import { authClientFailure, isNoDefaultCredentials } from '../errors/credentials.js';
import { toPipelineError } from '../errors/index.js';

type Method = (...args: unknown[]) => unknown;

/**
 * The client's auth (a google-auth-library `GoogleAuth`) seen through a Proxy whose
 * `authorizeRequest` turns what it throws into a `CredentialsUnavailableError`. Why: @google-cloud/common
 * hands an auth failure to the request's callback as the bare value the auth client threw (any
 * `Error`), indistinguishable from a failure of the request itself; only here is it known that the
 * request was not sent, which is what lets the executor retry a write without fearing a duplicate.
 *
 * Every other member is the auth's own, bound to it (it keeps private fields and its token cache), so
 * the user's client and ours share one token cache. `instanceof GoogleAuth` still holds (a Proxy
 * answers with its target's prototype), so @google-cloud/common uses it as is.
 *
 * Missing Application Default Credentials pass through untouched: @google-cloud/common recognises that
 * error by its message and sends the request without credentials (what an emulator needs); when the
 * service refuses it, the client rejects with that error and `toPipelineError` types it.
 */
export function guardCredentials<A>(auth: A): A {
  if ((typeof auth !== 'object' && typeof auth !== 'function') || auth === null) return auth;
  const target = auth as unknown as Record<PropertyKey, unknown>;
  if (typeof target.authorizeRequest !== 'function') return auth;
  const bound = new Map<Method, Method>();
  const authorizeRequest = async (...args: unknown[]): Promise<unknown> => {
    try {
      return await (target.authorizeRequest as Method).apply(target, args);
    } catch (thrown) {
      if (isNoDefaultCredentials(thrown)) throw thrown;
      throw authClientFailure(thrown, toPipelineError(thrown));
    }
  };
  return new Proxy(target, {
    get(object, key) {
      if (key === 'authorizeRequest') return authorizeRequest;
      const value = Reflect.get(object, key, object);
      if (typeof value !== 'function' || key === 'constructor') return value;
      let method = bound.get(value as Method);
      if (method === undefined) {
        method = (value as Method).bind(object);
        bound.set(value as Method, method);
      }
      return method;
    },
  }) as unknown as A;
}
