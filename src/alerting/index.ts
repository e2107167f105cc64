/**
 * Alerting: the shape of a finding and of the sinks that deliver findings.
 * @packageDocumentation
 */
export type { AlertDelivery, AlertSeverity, AlertSink, Finding } from './finding.js';
