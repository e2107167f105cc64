import { moduleRequire } from '../shared/module-require.js';

/**
 * The OpenTelemetry API, loaded only when an application has registered an SDK. Internal: not
 * exported from the package.
 *
 * `@opentelemetry/api` is an optional peer: the library must load and run without it. It is never
 * imported at module load; `otel()` requires it the first time a tracer or meter provider is found
 * registered, and caches the module (or its absence) after that.
 *
 * Deciding whether anything is registered must cost nothing on the hot path (a `retry(fn)` costs
 * about 150 ns in all), so it reads the API's own global registration slot,
 * `globalThis[Symbol.for('opentelemetry.js.api.1')]`, which every copy of the 1.x API shares and
 * which holds `trace` / `metrics` only once `setGlobalTracerProvider` / `setGlobalMeterProvider` ran
 * (an SDK's `register()`). One property read, no call into the API: with the API installed but no
 * SDK, the library behaves exactly as without the API.
 */
export type OtelApi = typeof import('@opentelemetry/api');

/** The 1.x API's global slot (see `@opentelemetry/api/build/src/internal/global-utils.js`). */
const GLOBAL_KEY = Symbol.for('opentelemetry.js.api.1');

interface GlobalSlot {
  trace?: unknown;
  metrics?: unknown;
}

const root = globalThis as unknown as Record<symbol, GlobalSlot | undefined>;

/** True when an SDK registered a tracer provider: spans are worth creating. */
export function tracingEnabled(): boolean {
  return root[GLOBAL_KEY]?.trace !== undefined;
}

/** True when an SDK registered a meter provider: measurements are worth recording. */
export function metricsEnabled(): boolean {
  return root[GLOBAL_KEY]?.metrics !== undefined;
}

/** The registered meter provider object (its identity tells when instruments must be rebuilt). */
export function registeredMeterProvider(): unknown {
  return root[GLOBAL_KEY]?.metrics;
}

let loaded: OtelApi | null | undefined;

/**
 * The API module, or undefined when it is not installed. Loaded with `require` (a shim in the ESM
 * build), so that spans can be started synchronously; the CommonJS and ESM copies of the API share
 * the global slot above, so either sees the SDK the application registered.
 */
export function otel(): OtelApi | undefined {
  if (loaded === undefined) {
    try {
      loaded = moduleRequire()('@opentelemetry/api') as OtelApi;
    } catch {
      loaded = null;
    }
  }
  return loaded ?? undefined;
}
