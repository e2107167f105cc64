/**
 * The fault plan of the Storage Write stand-in: rules by RPC, built on the shared fault-plan core.
 * @module
 */
import { checkOptions, OPTION_ALIASES } from '../../../shared/check-options.js';
import {
  COUNTED_RULE_SPEC,
  type CountedFaultRule,
  createFaultPlanOf,
  type FaultHandle,
  type FaultPlanOf,
} from '../../shared/fault-plan.js';
import { type GrpcStatusName, statusName, toStatusCode } from '../../shared/grpc-status.js';

/**
 * The RPCs of `google.cloud.bigquery.storage.v1.BigQueryWrite`, in the order a write calls them.
 *
 * @example
 * ```ts
 * import { startBigQueryStandIn, STORAGE_WRITE_METHODS } from 'gcp-pipeline-resilience/testing';
 * const standIn = await startBigQueryStandIn({ storageWrite: true });
 * // ... write through new BigQueryExecutor({ client: standIn.client(), writeClient: standIn.writeClient() }), then:
 * for (const method of STORAGE_WRITE_METHODS) {
 *   console.log(method, standIn.storageWrite.requests.filter((r) => r.method === method).length);
 * }
 * ```
 */
export const STORAGE_WRITE_METHODS = [
  'CreateWriteStream',
  'AppendRows',
  'GetWriteStream',
  'FinalizeWriteStream',
  'BatchCommitWriteStreams',
  'FlushRows',
] as const;

/**
 * An RPC name of the Storage Write API.
 *
 * @example
 * ```ts
 * import { startBigQueryStandIn, type StorageWriteMethod } from 'gcp-pipeline-resilience/testing';
 * const standIn = await startBigQueryStandIn({ storageWrite: true });
 * const loseAnswer = (method: StorageWriteMethod) =>
 *   standIn.storageWrite.faults.add({ method, times: 1, code: 'UNAVAILABLE', served: true });
 * loseAnswer('BatchCommitWriteStreams'); // the commit is applied, its answer lost
 * ```
 */
export type StorageWriteMethod = (typeof STORAGE_WRITE_METHODS)[number];

/**
 * One fault rule of the Storage Write stand-in. For `AppendRows`, every request on a connection is
 * one call: a rule can act on the 3rd append of a stream while the connection is open.
 *
 * Actions (exactly one):
 * - `code`: answer with this gRPC status. On `AppendRows` the connection ends with it (a disconnect
 *   mid-stream: every later request on that connection is lost too); with `inBand: true` only this
 *   request is answered with an in-band error and the connection stays open.
 *   With `served: true` the call is carried out first (the append's rows are stored, the commit is
 *   applied) and only then answered with the status: the answer is lost, as when the network fails
 *   on the way back. With `storeFails: true` (`AppendRows` only) the
 *   append passes every check and takes its offset, then storing its rows fails: it is answered
 *   in-band with `code`, and the stream's end moves back to that offset.
 * - `delayMs`: answer after this long (latency; AppendRows answers still arrive in order, and
 *   pipelined requests overlap their delays as they would on a real network).
 * - `hang: true`: never answer. On `AppendRows` the connection is stuck from there: the requests
 *   after it are neither applied nor answered (the service answers a connection in order).
 *
 * @example
 * ```ts
 * import { startBigQueryStandIn } from 'gcp-pipeline-resilience/testing';
 * const standIn = await startBigQueryStandIn();
 * standIn.storageWrite.faults.add({ method: 'AppendRows', after: 2, times: 1, code: 'UNAVAILABLE' }); // disconnect on the 3rd append
 * standIn.storageWrite.faults.add({ method: 'BatchCommitWriteStreams', times: 1, code: 'UNAVAILABLE', served: true }); // commit applied, answer lost
 * standIn.storageWrite.faults.add({ method: 'AppendRows', delayMs: 30 }); // 30 ms latency on every append
 * ```
 */
export interface StorageWriteFaultRule extends CountedFaultRule {
  method: StorageWriteMethod;
  /** The status to answer with, as a number (`14`) or a name (`'UNAVAILABLE'`). */
  code?: number | GrpcStatusName;
  /** The status details; defaults to `"stand-in fault: <NAME>"`. */
  message?: string;
  /** Carry the call out before answering with `code`: the answer is lost. Default false. */
  served?: boolean;
  /** `AppendRows` only: answer this request with an in-band error instead of ending the connection. */
  inBand?: boolean;
  /** `AppendRows` only: the store of the checked rows fails (answered in-band with `code`). */
  storeFails?: boolean;
  /** Answer after this many milliseconds. */
  delayMs?: number;
  /** Never answer. */
  hang?: true;
}

/**
 * A rule in the Storage Write stand-in's plan, as `add` returns it.
 *
 * @example
 * ```ts
 * import { startBigQueryStandIn } from 'gcp-pipeline-resilience/testing';
 * const standIn = await startBigQueryStandIn({ storageWrite: true });
 * const h = standIn.storageWrite.faults.add({ method: 'AppendRows', rate: 0.3, seed: 7, code: 'ABORTED' });
 * h.hits; // appends it acted on
 * ```
 */
export type StorageWriteFaultHandle = FaultHandle<StorageWriteFaultRule>;

/**
 * The Storage Write stand-in's fault plan.
 *
 * @example
 * ```ts
 * import { startBigQueryStandIn } from 'gcp-pipeline-resilience/testing';
 * const standIn = await startBigQueryStandIn({ storageWrite: true });
 * standIn.storageWrite.faults.add({ method: 'CreateWriteStream', times: 2, code: 'UNAVAILABLE' });
 * standIn.storageWrite.faults.clear();
 * ```
 */
export type StorageWriteFaultPlan = FaultPlanOf<StorageWriteFaultRule>;

/**
 * What a fault did to one call, resolved from its rule; the request log records it as `fault`.
 *
 * @example
 * ```ts
 * import { startBigQueryStandIn, type StorageWriteFault } from 'gcp-pipeline-resilience/testing';
 * const standIn = await startBigQueryStandIn({ storageWrite: true });
 * standIn.storageWrite.faults.add({ method: 'AppendRows', after: 2, times: 1, code: 'UNAVAILABLE' });
 * // ... write rows, then:
 * const faults: StorageWriteFault[] = standIn.storageWrite.requests.flatMap((r) => (r.fault ? [r.fault] : []));
 * faults.filter((f) => f.served).length; // calls carried out whose answer was lost
 * ```
 */
export interface StorageWriteFault {
  id: string;
  code?: number;
  message?: string;
  served?: boolean;
  inBand?: boolean;
  storeFails?: boolean;
  delayMs?: number;
  hang?: boolean;
}

const STORAGE_WRITE_RULE_SPEC = {
  ...COUNTED_RULE_SPEC,
  method: 'string',
  code: ['number', 'string'],
  message: 'string',
  served: 'boolean',
  inBand: 'boolean',
  storeFails: 'boolean',
  delayMs: 'number',
  hang: 'boolean',
} as const;

/** The plan plus `take`, which the service asks once per call. */
export function createStorageWriteFaultPlan(): StorageWriteFaultPlan & {
  take(method: StorageWriteMethod): StorageWriteFault | undefined;
} {
  const known = new Set<string>(STORAGE_WRITE_METHODS);
  const plan = createFaultPlanOf<StorageWriteFaultRule, string>({
    actions: ['code', 'delayMs', 'hang'],
    validate(rule) {
      checkOptions('BigQuery Storage Write fault rule', rule, STORAGE_WRITE_RULE_SPEC, OPTION_ALIASES);
      if (!known.has(rule.method)) {
        throw new TypeError(
          `Unknown BigQuery Storage Write RPC '${rule.method}': expected one of ${STORAGE_WRITE_METHODS.join(', ')}`,
        );
      }
      if (rule.code !== undefined) toStatusCode(rule.code);
      if (rule.delayMs !== undefined && !(Number.isFinite(rule.delayMs) && rule.delayMs >= 0)) {
        throw new TypeError(`Fault 'delayMs' must be a non-negative number, got ${rule.delayMs}`);
      }
      if (rule.hang !== undefined && rule.hang !== true) {
        throw new TypeError(`Fault 'hang' must be true, got ${JSON.stringify(rule.hang)}`);
      }
      for (const key of ['served', 'inBand', 'storeFails'] as const) {
        if (rule[key] !== undefined && typeof rule[key] !== 'boolean') {
          throw new TypeError(`Fault '${key}' must be true or false, got ${JSON.stringify(rule[key])}`);
        }
        if (rule[key] && rule.code === undefined) throw new TypeError(`Fault '${key}' needs a 'code'`);
      }
      for (const key of ['inBand', 'storeFails'] as const) {
        if (rule[key] && rule.method !== 'AppendRows') {
          throw new TypeError(`Fault '${key}' applies to AppendRows only, not ${rule.method}`);
        }
      }
    },
    matches: (rule, method) => rule.method === method,
  });
  return {
    add: (rule) => plan.add({ ...rule }),
    clear: () => plan.clear(),
    get rules() {
      return plan.rules;
    },
    take(method) {
      const picked = plan.pick(method);
      if (!picked) return undefined;
      const { rule } = picked;
      const fault: StorageWriteFault = { id: picked.handle.id };
      if (rule.code !== undefined) {
        fault.code = toStatusCode(rule.code);
        fault.message = rule.message ?? `stand-in fault: ${statusName(fault.code)}`;
        if (rule.served) fault.served = true;
        if (rule.inBand) fault.inBand = true;
        if (rule.storeFails) fault.storeFails = true;
      }
      if (rule.delayMs !== undefined) fault.delayMs = rule.delayMs;
      if (rule.hang) fault.hang = true;
      return fault;
    },
  };
}
