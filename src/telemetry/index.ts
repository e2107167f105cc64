export { currentTraceParent } from './current-trace.js';
export { TELEMETRY_METRICS } from './metrics.js';
export {
  formatTraceparent,
  PUBSUB_TRACEPARENT_ATTRIBUTE,
  parseCloudTraceContext,
  parseTraceparent,
  type RequestHeaders,
  type TraceParent,
  traceParentFromHeaders,
} from './trace-context.js';
