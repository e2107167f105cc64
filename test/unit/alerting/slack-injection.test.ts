import { describe, expect, it } from 'vitest';
import { slackPayload } from '../../../src/index.js';

const hostile =
  '<!channel> <!here|here> <@U123> <https://evil.example|click me> &amp; *bold* \u0000\u001b[31m';

describe('slackPayload with hostile finding text', () => {
  it('no mention, broadcast or link survives from the title, message, fields, field names, commands or key', () => {
    const fields = Object.fromEntries(Array.from({ length: 14 }, (_, i) => [`${hostile}${i}`, hostile]));
    const payload = slackPayload({
      key: `k:${hostile}`,
      source: hostile,
      severity: 'critical',
      title: hostile,
      message: hostile,
      fields,
      recoveryCommands: [hostile, `echo \`${hostile}\``],
      environment: 'production',
      at: new Date('2026-12-01T00:00:00Z'),
    });
    const texts: string[] = [payload.text];
    const walk = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(walk);
      else if (value !== null && typeof value === 'object') {
        const o = value as Record<string, unknown>;
        // plain_text is never parsed for mentions or links by Slack.
        if (o.type === 'mrkdwn' && typeof o.text === 'string') texts.push(o.text);
        if (typeof o.fallback === 'string') texts.push(o.fallback);
        Object.values(o).forEach(walk);
      }
    };
    walk(payload.attachments);
    expect(texts.length).toBeGreaterThan(10);
    for (const text of texts) {
      expect(text).not.toMatch(/<[!@#]/);
      expect(text).not.toMatch(/<https?:/);
    }
  });
});
