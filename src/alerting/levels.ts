import type { AlertSeverity } from './finding.js';

/**
 * How each severity looks in Slack and email, colors and emoji
 * (error 🚨 #FF0000, warning ⚠️ #FFA500, info ℹ️ #0000FF, success ✅ #00FF00); `critical` is shown
 * like `error` with its own label.
 *
 * @example
 * ```ts
 * import { ALERT_LEVEL_STYLES } from 'gcp-pipeline-resilience';
 * ALERT_LEVEL_STYLES.warning.color; // '#FFA500'
 * ```
 */
export const ALERT_LEVEL_STYLES: Readonly<
  Record<AlertSeverity, { readonly color: string; readonly emoji: string; readonly label: string }>
> = Object.freeze({
  critical: Object.freeze({ color: '#FF0000', emoji: '🚨', label: 'CRITICAL' }),
  error: Object.freeze({ color: '#FF0000', emoji: '🚨', label: 'ERROR' }),
  warning: Object.freeze({ color: '#FFA500', emoji: '⚠️', label: 'WARNING' }),
  info: Object.freeze({ color: '#0000FF', emoji: 'ℹ️', label: 'INFO' }),
  success: Object.freeze({ color: '#00FF00', emoji: '✅', label: 'SUCCESS' }),
});

/**
 * Every severity, most urgent first.
 *
 * @example
 * ```ts
 * import { ALERT_SEVERITIES } from 'gcp-pipeline-resilience';
 * ALERT_SEVERITIES.indexOf('warning') < ALERT_SEVERITIES.indexOf('info'); // true
 * ```
 */
export const ALERT_SEVERITIES: readonly AlertSeverity[] = /* @__PURE__ */ Object.freeze([
  'critical',
  'error',
  'warning',
  'info',
  'success',
]);
