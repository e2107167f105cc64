export { ConcurrencyLimit } from './concurrency-limit.js';
export {
  type HttpHost,
  type HttpHostPolicy,
  HttpHostRegistry,
  type HttpHostRegistryOptions,
  type HttpHostState,
} from './host-registry.js';
export type { FetchFunction, ResilientFetchOptions } from './options.js';
export { RateLimit, type RateLimitOptions } from './rate-limit.js';
export { createResilientFetch, defaultHttpHosts, resilientFetch } from './resilient-fetch.js';
