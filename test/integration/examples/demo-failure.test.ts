import { describe, expect, it } from 'vitest';
import { failureLines } from '../../../examples/demo-report.js';
import { toPipelineError } from '../../../src/index.js';

describe('the demo failing on an error of the taxonomy (no network, no credentials, a refused call)', () => {
  it('says it in one line with the code and the message, not as a stack with its cause', () => {
    const offline = toPipelineError(
      Object.assign(new Error('getaddrinfo ENOTFOUND bigquery.googleapis.com'), { code: 'ENOTFOUND' }),
    );
    const lines = failureLines(offline);
    expect(lines).toHaveLength(1);
    expect(lines?.[0]).toMatch(/^demo failed: NETWORK_ERROR: .*ENOTFOUND/);
    expect(lines?.join('\n')).not.toMatch(/\n\s+at /);
  });

  it('leaves any other error (a bug) to be printed whole, stack included', () => {
    expect(failureLines(new TypeError('x is undefined'))).toBeUndefined();
    expect(failureLines('a string')).toBeUndefined();
  });
});
