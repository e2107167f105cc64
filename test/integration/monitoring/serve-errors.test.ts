import { describe, expect, it } from 'vitest';
import type { Monitor } from '../../../src/index.js';
import { serve } from '../../../src/monitoring/cli/serve.js';
import { post } from './helpers.js';

const WEBHOOK_SECRET = 'xoxSecretPart0123456789abcdef';
const TOKEN = 'ya29.a0AfB_byC-secret-token-value';

/** A monitor whose run fails unexpectedly with credentials in its message and in its cause. */
function failingMonitor(): Monitor {
  const cause = new Error(`POST https://hooks.slack.com/services/T0AAA/B0BBB/${WEBHOOK_SECRET} refused`);
  return {
    projectId: 'serve-errors',
    deadLetterSubscriptions: [],
    run: async () => {
      throw new Error(`sink exploded (Authorization: Bearer ${TOKEN})`, { cause });
    },
  } as unknown as Monitor;
}

describe('gpr serve: its own 500 answers', () => {
  it('logs each 500 at ERROR, as a Cloud Logging line with the path, and with no credential', async () => {
    const lines: string[] = [];
    let announce: (line: string) => void = () => undefined;
    const listening = new Promise<string>((resolve) => {
      announce = resolve;
    });
    const served = serve(failingMonitor(), 0, (line) => {
      lines.push(line);
      if (line.includes('listening')) announce(line);
    });
    const port = Number(/:(\d+)/.exec(await listening)?.[1]);
    try {
      const answer = await post(port, `/check?dry_run=1`, '');
      expect(answer.status).toBe(500);
      const entries = lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
      const failed = entries.filter((e) => e.severity === 'ERROR');
      expect(failed).toHaveLength(1);
      expect(failed[0].message).toMatch(/monitor run failed/);
      expect(JSON.stringify(failed[0])).toMatch(/\/check/);
      expect(JSON.stringify(failed[0])).toMatch(/sink exploded/);
      const all = lines.join('\n') + JSON.stringify(answer.json);
      expect(all).not.toContain(TOKEN);
      expect(all).not.toContain(WEBHOOK_SECRET);
    } finally {
      process.emit('SIGTERM', 'SIGTERM');
      await served;
    }
  });

  it('still answers 500 when its log stream throws (a closed stderr)', async () => {
    let announce: (line: string) => void = () => undefined;
    const listening = new Promise<string>((resolve) => {
      announce = resolve;
    });
    const served = serve(failingMonitor(), 0, (line) => {
      if (line.includes('listening')) announce(line);
      if (line.startsWith('{')) throw Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
    });
    const port = Number(/:(\d+)/.exec(await listening)?.[1]);
    try {
      const answer = await post(port, '/check', '');
      expect(answer.status).toBe(500);
      expect(answer.json.error.message).toMatch(/sink exploded/);
    } finally {
      process.emit('SIGTERM', 'SIGTERM');
      await served;
    }
  });
});
