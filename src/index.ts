/**
 * gcp-pipeline-resilience: the single public entry point. Re-exports only.
 * @packageDocumentation
 */
export * from './errors/index.js';
export * from './logging/index.js';
export * from './retry/index.js';
export * from './validation/index.js';
