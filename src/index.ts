/**
 * gcp-pipeline-resilience: the single public entry point. Re-exports only.
 *
 * Layers, in dependency order: errors <- retry <- (validation, bigquery, http) <- (registry, alerting)
 * <- monitoring; logging, config, telemetry and shutdown are leaves. The loopback stand-ins live in the separate
 * `gcp-pipeline-resilience/testing` subpath.
 * @packageDocumentation
 */
export * from './alerting/index.js';
export * from './bigquery/index.js';
export * from './config/index.js';
export * from './errors/index.js';
export * from './http/index.js';
export * from './logging/index.js';
export * from './monitoring/index.js';
export * from './registry/index.js';
export * from './retry/index.js';
export type { NodeBuffer, NodeSignal } from './shared/node-types.js';
export * from './shutdown/index.js';
export * from './telemetry/index.js';
export * from './validation/index.js';
