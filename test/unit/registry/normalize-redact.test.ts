import { describe, expect, it } from 'vitest';
import { normalizePlayerLookup } from '../../../src/registry/index.js';

// The too-long message quotes the name's start; it was cut to 64 characters before credentials were
// looked for, so a token the cut ran through was no longer recognized and its start was shown.
const GITHUB = 'ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8S9t0';
const GOOGLE = 'AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q';
const SLACK = 'xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy';

describe('normalizePlayerLookup: a too-long name shows no part of a credential', () => {
  it.each([
    ['a GitHub token', `Lionel Messi scraped from page ${GITHUB}`, 'ghp_A1b2'],
    ['a Google API key', `${'x'.repeat(40)}${GOOGLE}`, 'AIzaSy'],
    ['a Slack token', `${'x'.repeat(50)}${SLACK}`, 'xoxb-'],
  ])('%s across the cut', (_, start, secretStart) => {
    const name = start + ' '.repeat(1100);
    let message = '';
    try {
      normalizePlayerLookup(name);
    } catch (e) {
      expect((e as { code?: string }).code).toBe('PLAYER_NAME_TOO_LONG');
      message = (e as Error).message;
    }
    expect(message).toMatch(/characters long/);
    expect(message).not.toContain(secretStart);
  });
});
