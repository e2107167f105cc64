/**
 * The HTTP stand-in: a loopback third-party API with routes, fault plans and a request log.
 * @packageDocumentation
 */
export type { HttpFaultAction, HttpFaultHandle, HttpFaultPlan, HttpFaultRule } from './faults.js';
export type {
  HttpStandIn,
  HttpStandInAnswer,
  HttpStandInOptions,
  HttpStandInRequest,
  HttpStandInRoute,
} from './stand-in.js';
export { startHttpStandIn } from './stand-in.js';
