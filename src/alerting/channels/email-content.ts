/**
 * The email of an alert: a one-line subject (no line breaks: nothing can be injected into the
 * headers), a plain-text body and an HTML body, each cut to the channel's size limit.
 * @module
 */
import { ALERT_LEVEL_STYLES } from '../levels.js';
import type { AlertMessage } from './channel.js';
import { cutEscaped, cutText, cutUtf8 } from './cut.js';
import { withoutSecrets } from './message-secrets.js';

/** Longest subject kept: well within RFC 5322's 998-character line and what mail clients show. */
const SUBJECT_MAX = 200;

/** Default size limit of each body, bytes: Gmail clips messages above about 102 KB. */
export const DEFAULT_EMAIL_BODY_BYTES = 100_000;

export interface EmailContent {
  subject: string;
  text: string;
  html: string;
}

function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** The subject, text and HTML of `message` without its credentials, each body at most `maxBodyBytes` of UTF-8. */
export function emailContent(message: AlertMessage, maxBodyBytes = DEFAULT_EMAIL_BODY_BYTES): EmailContent {
  message = withoutSecrets(message);
  const style = ALERT_LEVEL_STYLES[message.severity];
  const subject = cutText(
    `[${message.environment}] ${style.label}: ${message.title}`.replace(/[\r\n\t]+/g, ' '),
    SUBJECT_MAX,
  );
  const fields = Object.entries(message.fields);
  const footer = `Environment: ${message.environment} · key ${message.key} · ${message.at.toISOString()}`;

  const text = [
    `${style.emoji} ${style.label}: ${message.title}`,
    '',
    message.message,
    ...(fields.length > 0 ? ['', ...fields.map(([k, v]) => `${k}: ${String(v)}`)] : []),
    ...(message.recoveryCommands.length > 0
      ? ['', 'Recovery:', ...message.recoveryCommands.map((c) => `  ${c}`)]
      : []),
    '',
    footer,
  ].join('\n');

  const rows = fields
    .map(([k, v]) => `<tr><th align="left">${escapeHtml(k)}</th><td>${escapeHtml(String(v))}</td></tr>`)
    .join('');
  const html = [
    `<div style="border-left:6px solid ${style.color};padding-left:12px">`,
    `<h2>${style.emoji} ${escapeHtml(style.label)}: ${escapeHtml(message.title)}</h2>`,
    message.message ? `<p>${escapeHtml(message.message)}</p>` : '',
    rows ? `<table>${rows}</table>` : '',
    message.recoveryCommands.length > 0
      ? `<p><b>Recovery</b></p><pre>${message.recoveryCommands.map(escapeHtml).join('\n')}</pre>`
      : '',
    `<p style="color:#666">${escapeHtml(footer)}</p>`,
    '</div>',
  ].join('');

  // HTML is never cut inside a tag or an entity: when it is too large, it becomes the cut text, escaped.
  const fits = Buffer.byteLength(html, 'utf8') <= maxBodyBytes;
  const wrap = (t: string) => `<pre>${escapeHtml(t)}</pre>`;
  return {
    subject,
    text: cutUtf8(text, maxBodyBytes),
    html: fits ? html : cutEscaped(text, maxBodyBytes, wrap, true),
  };
}
