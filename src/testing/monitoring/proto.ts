import type { GrpcPeers } from '../shared/peers.js';
import { loadGrpcPeers, once } from '../shared/peers.js';

/** The optional peers of the Monitoring stand-in and its `MetricService` definition. */
export type MonitoringPeers = GrpcPeers<typeof import('@google-cloud/monitoring')>;

/** Loads the peers once per process. */
export const loadMonitoringPeers: () => Promise<MonitoringPeers> = once(() =>
  loadGrpcPeers({
    standIn: 'Cloud Monitoring',
    clientPackage: '@google-cloud/monitoring',
    importClient: () => import('@google-cloud/monitoring'),
    proto: 'google/monitoring/v3/metric_service.proto',
    services: ['google.monitoring.v3.MetricService'],
  }),
);
