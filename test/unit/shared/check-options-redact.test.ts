import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { checkOptions, readOptions } from '../../../src/shared/check-options.js';

// An option value of the wrong kind is quoted, and an option getter that throws has its message
// quoted: both were cut before credentials were looked for (a token the cut ran through showed in
// part), and the thrown error was attached whole as `cause`.
const TOKEN = 'ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8S9t0';

function thrown(run: () => unknown): Error {
  try {
    run();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a throw');
}

describe('option checks show no credential', () => {
  it('a string given where a number goes: quoted with the token removed, even across the cut', () => {
    const error = thrown(() => checkOptions('f', { n: `${'x'.repeat(30)} ${TOKEN}` }, { n: 'number' }, []));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toContain('option n must be a number');
    expect(error.message).not.toContain('ghp_');
  });

  it('a getter that throws: its message redacted, its cause scrubbed', () => {
    const options = {
      get n(): number {
        throw new Error(`${'y'.repeat(80)} password=SEKRET123 ${TOKEN}`);
      },
    };
    const error = thrown(() => readOptions('f', options));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toContain('option n could not be read');
    expect(error.message).not.toContain('ghp_');
    expect(inspect(error, { depth: 10 })).not.toContain('SEKRET');
    expect(inspect(error, { depth: 10 })).not.toContain(TOKEN);
  });
});
