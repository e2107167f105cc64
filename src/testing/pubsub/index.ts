export type {
  PubSubStandInMessage,
  PubSubSubscriptionMetrics,
  PubSubSubscriptionStats,
} from './broker.js';
export { DEAD_LETTER_ATTRIBUTES } from './broker.js';
export type { PubSubFaultHandle, PubSubFaultPlan, PubSubFaultRule, PubSubInjectedFault } from './faults.js';
export type { PubSubRequestLogEntry } from './services.js';
export type {
  PubSubStandIn,
  PubSubStandInOptions,
  PubSubWaitOptions,
} from './stand-in.js';
export { startPubSubStandIn } from './stand-in.js';
export type { PubSubStatusName } from './status.js';
