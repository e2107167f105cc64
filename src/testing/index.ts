/**
 * `gcp-pipeline-resilience/testing`: loopback stand-ins of BigQuery and Pub/Sub with fault plans.
 * @packageDocumentation
 */
export * from './bigquery/index.js';
export * from './pubsub/index.js';
