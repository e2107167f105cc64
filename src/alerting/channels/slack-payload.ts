/**
 * The Slack message of an alert (color per level, title, text, up to 10 fields, footer with the
 * environment) written as Block Kit blocks inside a colored attachment, every
 * text cut to Slack's limits.
 * @module
 */
import { checkOptions, type OptionSpec } from '../../shared/check-options.js';
import { ALERT_LEVEL_STYLES } from '../levels.js';
import type { AlertMessage } from './channel.js';
import { cutEscaped, cutText } from './cut.js';
import { checkAlertMessage } from './message-check.js';
import { withoutSecrets } from './message-secrets.js';
import { SLACK_LIMITS } from './slack-limits.js';

/**
 * What a Slack channel adds to every message it posts: the `channel`, `username` and `iconEmoji`
 * overrides an incoming webhook accepts.
 *
 * @example
 * ```ts
 * import { type AlertMessage, slackPayload, type SlackPayloadOptions } from 'gcp-pipeline-resilience';
 * declare const message: AlertMessage;
 * const identity: SlackPayloadOptions = { username: 'Pipeline Alerts', iconEmoji: ':rotating_light:' };
 * await fetch(process.env.SLACK_WEBHOOK_URL!, {
 *   method: 'POST',
 *   headers: { 'content-type': 'application/json' },
 *   body: JSON.stringify(slackPayload(message, identity)),
 * });
 * ```
 */
export interface SlackPayloadOptions {
  channel?: string;
  username?: string;
  iconEmoji?: string;
}

/**
 * A Block Kit text object: plain text (the header) or mrkdwn (sections, fields, the footer).
 *
 * @example
 * ```ts
 * import { type AlertMessage, slackPayload, type SlackTextObject } from 'gcp-pipeline-resilience';
 * declare const message: AlertMessage;
 * const footer = slackPayload(message).attachments[0]?.blocks.at(-1);
 * const texts: SlackTextObject[] = footer?.type === 'context' ? footer.elements : [];
 * texts.map((t) => t.text); // the level, environment, key and time
 * ```
 */
export type SlackTextObject = { type: 'plain_text' | 'mrkdwn'; text: string; emoji?: boolean };

/**
 * One Block Kit block of an alert's attachment: the header (emoji and title), sections (text, fields,
 * recovery commands) and the context footer.
 *
 * @example
 * ```ts
 * import { type AlertMessage, type SlackBlock, slackPayload } from 'gcp-pipeline-resilience';
 * declare const message: AlertMessage;
 * const header = slackPayload(message).attachments[0]?.blocks.find(
 *   (b): b is Extract<SlackBlock, { type: 'header' }> => b.type === 'header',
 * );
 * header?.text.text; // e.g. '🚨 4 messages in dead-letter queue orders-dlq-sub'
 * ```
 */
export type SlackBlock =
  | { type: 'header'; text: SlackTextObject }
  | { type: 'section'; text?: SlackTextObject; fields?: SlackTextObject[] }
  | { type: 'context'; elements: SlackTextObject[] };

/**
 * The JSON body of an incoming-webhook POST, as {@link slackPayload} builds it.
 *
 * @example
 * ```ts
 * import { slackPayload, type AlertMessage, type SlackWebhookPayload } from 'gcp-pipeline-resilience';
 * declare const message: AlertMessage;
 * async function post(url: string, payload: SlackWebhookPayload): Promise<void> {
 *   await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) });
 * }
 * await post(process.env.SLACK_WEBHOOK_URL!, slackPayload(message, { username: 'Pipeline Alerts' }));
 * ```
 */
export interface SlackWebhookPayload {
  text: string;
  channel?: string;
  username?: string;
  icon_emoji?: string;
  attachments: Array<{ color: string; fallback: string; blocks: SlackBlock[] }>;
}

/** Slack's mrkdwn needs `&`, `<` and `>` escaped; nothing else. */
export function escapeMrkdwn(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

function mrkdwn(text: string, max: number): SlackTextObject {
  return { type: 'mrkdwn', text: cutEscaped(text, max, escapeMrkdwn) };
}

function fieldBlocks(fields: AlertMessage['fields']): SlackTextObject[] {
  const entries = Object.entries(fields);
  const shown =
    entries.length > SLACK_LIMITS.sectionFields ? entries.slice(0, SLACK_LIMITS.sectionFields - 1) : entries;
  const out: SlackTextObject[] = shown.map(([name, value]) => {
    const title = `*${escapeMrkdwn(cutText(name, 100))}*\n`;
    return {
      type: 'mrkdwn' as const,
      text: title + cutEscaped(String(value), SLACK_LIMITS.fieldText - title.length, escapeMrkdwn),
    };
  });
  if (shown.length < entries.length) {
    const rest = entries.slice(shown.length).map(([name]) => name);
    out.push(mrkdwn(`+${rest.length} more fields: ${rest.join(', ')}`, SLACK_LIMITS.fieldText));
  }
  return out;
}

const OPTION_SPEC: OptionSpec = { channel: 'string', username: 'string', iconEmoji: 'string' };

/**
 * The webhook payload `slackChannel` posts for `message`: to preview a message, or to post it with your
 * own client. A `message` that is not a complete {@link AlertMessage} (an unknown severity, a missing
 * title, `at` not a Date, ...) or options that are not {@link SlackPayloadOptions} are a `TypeError`
 * naming the field.
 *
 * @example
 * ```ts
 * import { slackPayload } from 'gcp-pipeline-resilience';
 * const payload = slackPayload(
 *   {
 *     key: 'dlq:orders-dlq-sub', source: 'dead_letters', severity: 'critical', title: '4 dead letters',
 *     message: '', fields: { messages: 4 }, recoveryCommands: [], environment: 'staging', at: new Date(),
 *   },
 *   { username: 'Pipeline Alerts', iconEmoji: ':rotating_light:' },
 * );
 * payload.attachments[0]?.color; // '#FF0000'
 * ```
 */
export function slackPayload(message: AlertMessage, options: SlackPayloadOptions = {}): SlackWebhookPayload {
  checkAlertMessage('slackPayload', message);
  checkOptions('slackPayload', options, OPTION_SPEC, []);
  message = withoutSecrets(message);
  const style = ALERT_LEVEL_STYLES[message.severity];
  const summary = cutEscaped(
    `${style.emoji} [${message.environment}] ${style.label}: ${message.title}`,
    SLACK_LIMITS.sectionText,
    escapeMrkdwn,
  );
  const blocks: SlackBlock[] = [
    {
      type: 'header',
      text: {
        type: 'plain_text',
        text: cutText(`${style.emoji} ${message.title}`, SLACK_LIMITS.headerText),
        emoji: true,
      },
    },
  ];
  if (message.message.trim() !== '')
    blocks.push({ type: 'section', text: mrkdwn(message.message, SLACK_LIMITS.sectionText) });
  if (Object.keys(message.fields).length > 0)
    blocks.push({ type: 'section', fields: fieldBlocks(message.fields) });
  if (message.recoveryCommands.length > 0) {
    // Code spans keep commands copyable; a backtick inside one would end it, so it is replaced.
    const commands = message.recoveryCommands.map((c) => `\`${c.replaceAll('`', "'")}\``).join('\n');
    blocks.push({ type: 'section', text: mrkdwn(`*Recovery*\n${commands}`, SLACK_LIMITS.sectionText) });
  }
  const footer = `${style.label} · Environment: ${message.environment} · key ${message.key} · ${message.at.toISOString()}`;
  blocks.push({ type: 'context', elements: [mrkdwn(footer, SLACK_LIMITS.fieldText)] });

  const payload: SlackWebhookPayload = {
    text: summary,
    attachments: [{ color: style.color, fallback: summary, blocks }],
  };
  if (options.channel !== undefined) payload.channel = options.channel;
  if (options.username !== undefined) payload.username = options.username;
  if (options.iconEmoji !== undefined) payload.icon_emoji = options.iconEmoji;
  return payload;
}
