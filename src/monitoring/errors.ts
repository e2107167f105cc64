import { brandClass } from '../errors/brand.js';
import { PipelineError } from '../errors/index.js';

/**
 * The monitor's configuration is wrong: an unknown option or subscription name, a malformed
 * subscription id, a bad regular expression or filter, a threshold that is not a number. Thrown when
 * the monitor (or a check or replay) is set up, before any call to Google. Code `'MONITOR_CONFIG'`,
 * never transient. `field` is the path of the offending option.
 *
 * @example
 * ```ts
 * import { createMonitor, MonitorConfigError } from 'gcp-pipeline-resilience';
 * try {
 *   createMonitor({ logging: { categories: [{ name: 'bq', description: 'BigQuery', severity: 'warning', patterns: ['('], recoveryCommand: 'bq ls' }] } });
 * } catch (err) {
 *   if (err instanceof MonitorConfigError) console.error(err.field, err.message);
 *   // logging.categories[0].patterns[0] ...: invalid regular expression
 * }
 * ```
 */
export class MonitorConfigError extends PipelineError {
  protected static override readonly brand: symbol = /* @__PURE__ */ brandClass(
    MonitorConfigError,
    'MonitorConfigError',
  );

  /** The path of the offending option, e.g. `'deadLetters.subscriptions[2].subscription'`. */
  readonly field: string;

  constructor(field: string, problem: string, options: { cause?: unknown } = {}) {
    super(`${field}: ${problem}`, { code: 'MONITOR_CONFIG', transient: false, ...options });
    this.field = field;
  }
}
