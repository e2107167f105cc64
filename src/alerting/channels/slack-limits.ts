/**
 * Slack's published limits for a message with Block Kit blocks (Slack API reference, "Blocks" and
 * "Rate limits"), in one place for the channel that cuts to them and the stand-in that enforces them.
 *
 * @example
 * ```ts
 * import { SLACK_LIMITS } from 'gcp-pipeline-resilience';
 * SLACK_LIMITS.sectionFields; // 10
 * ```
 */
export const SLACK_LIMITS = /* @__PURE__ */ Object.freeze({
  /** Blocks in one message. */
  blocks: 50,
  /** A header block's plain text. */
  headerText: 150,
  /** A section block's text. */
  sectionText: 3000,
  /** Fields of one section block. */
  sectionFields: 10,
  /** One section field's text. */
  fieldText: 2000,
  /** Elements of one context block. */
  contextElements: 10,
  /** Top-level `text` that Slack shows in notifications; longer text is cut by Slack itself. */
  text: 40_000,
  /** Incoming webhooks: about one message a second, short bursts allowed. */
  messagesPerSecond: 1,
});
