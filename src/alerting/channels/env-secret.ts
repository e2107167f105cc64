/**
 * A channel's secret (a webhook URL, an API key) given in the options or read from an environment
 * variable, and the name its errors use for it: the variable when one is known, so that a message
 * can say which setting to fix without ever showing the value.
 * @module
 */
import type { ConfigEnv } from '../../config/index.js';
import { AlertConfigError } from '../errors.js';

/** An environment variable's name, as POSIX shells and Cloud Run accept it. */
export const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

/** Where a channel's secret comes from. */
export interface SecretSource<T> {
  /** The secret, or `undefined` when it is read from `variable` and the variable is unset. */
  value: T;
  /** The path errors name: `'env.SLACK_WEBHOOK_URL'` when a variable is known, else the option's key. */
  field: string;
  /** The variable that holds it, when one is known. */
  variable?: string;
}

/**
 * The secret of option `key`: its value when the key is given (errors name `variable` when the
 * caller says where the value came from, else `key`), otherwise the value of `variable` (default
 * `defaultVariable`) in `env` (default `process.env`), read now. A key given as `undefined` (an
 * unset `process.env.X!`) is an error, not a silent fall back to another variable: the alert would
 * go to another channel than the one meant.
 */
export function secretSource<T>(
  options: object,
  key: string,
  given: T | undefined,
  variable: string | undefined,
  defaultVariable: string,
  env: ConfigEnv | undefined,
): SecretSource<T | string> {
  if (Object.hasOwn(options, key)) {
    if (given === undefined) {
      throw new AlertConfigError(
        key,
        `is undefined: pass the value, or leave ${key} out to read it from the environment variable ${variable ?? defaultVariable}`,
      );
    }
    return variable === undefined
      ? { value: given, field: key }
      : { value: given, field: `env.${variable}`, variable };
  }
  const name = variable ?? defaultVariable;
  const text = (env ?? processEnv())[name]?.trim();
  if (!text) {
    throw new AlertConfigError(
      `env.${name}`,
      `the environment variable ${name} is not set (or is empty): it is read when ${key} is not given`,
    );
  }
  return { value: text, field: `env.${name}`, variable: name };
}

function processEnv(): ConfigEnv {
  // `globalThis.process`: the alerting layer also runs where `process` does not exist (an edge runtime).
  return (globalThis as { process?: { env?: ConfigEnv } }).process?.env ?? {};
}
