import { toPipelineError } from '../errors/index.js';
import { ATTR, type Attributes } from '../telemetry/attributes.js';
import { endSpan, inSpanAsync, type Span, startSpan } from '../telemetry/spans.js';

/**
 * Runs one attempt of an operation inside a child span `<operation span name> attempt` of
 * `operation`, with `resilience.attempt.number`; a failure ends it with the typed error's code as
 * `error.type`. Without an operation span (no SDK) it is just `fn()`. Internal: used by the layers
 * that make spans (executor, resilientFetch).
 */
export function inAttemptSpan<T>(
  operation: Span | undefined,
  name: string,
  attempt: number,
  attributes: Attributes | undefined,
  fn: () => Promise<T>,
  onValue?: (span: Span, value: T) => void,
): Promise<T> {
  if (operation === undefined) return fn();
  const span = startSpan(`${name} attempt`, {
    parentSpan: operation,
    kind: 'client',
    attributes: { [ATTR.attempt]: attempt, ...attributes },
  });
  return inSpanAsync(span, fn).then(
    (value) => {
      if (span !== undefined && onValue !== undefined) {
        try {
          onValue(span, value);
        } catch {
          // Attributes are best effort.
        }
      }
      endSpan(span);
      return value;
    },
    (err: unknown) => {
      endSpan(span, toPipelineError(err));
      throw err;
    },
  );
}
