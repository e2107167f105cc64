import { brandClass } from './brand.js';
import { causeOf, PipelineError } from './pipeline-error.js';

/**
 * Why a Pub/Sub message could not be decoded.
 *
 * @example
 * ```ts
 * import { decodePubSubMessage, MessageDecodeError, Phase2CompletionMessage, type DecodeFailure } from 'gcp-pipeline-resilience';
 * declare const body: unknown;
 * const producerBug = (reason: DecodeFailure) => reason === 'invalid_json' || reason === 'invalid_utf8';
 * try {
 *   decodePubSubMessage(Phase2CompletionMessage, body);
 * } catch (err) {
 *   if (err instanceof MessageDecodeError && producerBug(err.reason)) console.error('fix the producer', err.reason);
 * }
 * ```
 */
export type DecodeFailure =
  | 'invalid_base64'
  | 'invalid_utf8'
  | 'invalid_json'
  | 'missing_data'
  | 'too_large'
  | 'unrecognized_input';

/**
 * Options of {@link MessageDecodeError}.
 *
 * @example
 * ```ts
 * import { MessageDecodeError, type MessageDecodeErrorOptions } from 'gcp-pipeline-resilience';
 * const raw = '{"game_date": ';
 * try {
 *   JSON.parse(raw);
 * } catch (cause) {
 *   const options: MessageDecodeErrorOptions = { reason: 'invalid_json', cause };
 *   throw new MessageDecodeError('the message body is not JSON', options);
 * }
 * ```
 */
export interface MessageDecodeErrorOptions {
  /** Which decoding step failed. */
  reason: DecodeFailure;
  /** The value that was thrown, if any, kept as `cause`. */
  cause?: unknown;
}

/**
 * A Pub/Sub message body could not be turned into JSON (bad base64, bad UTF-8, bad JSON, no data, too
 * large). Code `'MESSAGE_DECODE'`, never transient: redelivering the same bytes fails the same way.
 *
 * @example
 * ```ts
 * import { MessageDecodeError } from 'gcp-pipeline-resilience';
 *
 * const err = new MessageDecodeError('Message data is not valid JSON: Unexpected token }', { reason: 'invalid_json' });
 * err.reason; // 'invalid_json'
 * ```
 */
export class MessageDecodeError extends PipelineError {
  protected static override readonly brand: symbol = /* @__PURE__ */ brandClass(
    MessageDecodeError,
    'MessageDecodeError',
  );

  /** Which decoding step failed. */
  readonly reason: DecodeFailure;

  constructor(message: string, options: MessageDecodeErrorOptions) {
    super(message, {
      code: 'MESSAGE_DECODE',
      transient: false,
      ...causeOf(options),
    });
    this.reason = options.reason;
  }
}

/**
 * One problem found while validating a message (the shape of a zod issue, reduced to what is stable).
 *
 * @example
 * ```ts
 * import { MessageValidationError, parseMessage, Phase2CompletionMessage, type ValidationIssue } from 'gcp-pipeline-resilience';
 * declare const payload: unknown;
 * const describe = (issue: ValidationIssue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`;
 * try {
 *   parseMessage(Phase2CompletionMessage, payload);
 * } catch (err) {
 *   if (err instanceof MessageValidationError) console.error(err.issues.map(describe).join('; '));
 * }
 * ```
 */
export interface ValidationIssue {
  /** Where in the message the problem is. */
  path: PropertyKey[];
  /** What is wrong. */
  message: string;
  /** The validator's issue code, e.g. `'invalid_type'`. */
  code: string;
}

/**
 * Options of {@link MessageValidationError}.
 *
 * @example
 * ```ts
 * import { MessageValidationError, type MessageValidationErrorOptions } from 'gcp-pipeline-resilience';
 * // Your own check, reported the way the package reports a schema failure.
 * function requireSport(payload: { sport?: string }): void {
 *   if (payload.sport) return;
 *   const options: MessageValidationErrorOptions = { issues: [{ path: ['sport'], message: 'Required', code: 'invalid_type' }] };
 *   throw new MessageValidationError('sport: Required', options);
 * }
 * ```
 */
export interface MessageValidationErrorOptions {
  /** Every problem found. */
  issues: ValidationIssue[];
  /** The value that was thrown (e.g. the `ZodError`), kept as `cause`. */
  cause?: unknown;
}

/**
 * A decoded message does not match its schema. Code `'MESSAGE_VALIDATION'`, never transient.
 *
 * @example
 * ```ts
 * import { MessageValidationError } from 'gcp-pipeline-resilience';
 *
 * const err = new MessageValidationError('Phase2CompletionMessage is invalid: game_date: Required', {
 *   issues: [{ path: ['game_date'], message: 'Required', code: 'invalid_type' }],
 * });
 * err.issues.length; // 1
 * ```
 */
export class MessageValidationError extends PipelineError {
  protected static override readonly brand: symbol = /* @__PURE__ */ brandClass(
    MessageValidationError,
    'MessageValidationError',
  );

  /** Every problem found. */
  readonly issues: ValidationIssue[];

  constructor(message: string, options: MessageValidationErrorOptions) {
    super(message, {
      code: 'MESSAGE_VALIDATION',
      transient: false,
      ...causeOf(options),
    });
    this.issues = options.issues;
  }
}
