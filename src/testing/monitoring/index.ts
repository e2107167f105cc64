export type { MonitoringStandIn, MonitoringStandInOptions } from './stand-in.js';
export { startMonitoringStandIn } from './stand-in.js';
export type { PubSubMetricsSource } from './time-series.js';
