import { describe, expect, it } from 'vitest';
import { runCli } from '../../../src/index.js';

/** `gpr <argv>` with `env`, and what it wrote to stderr. No client is given: none may be made. */
async function gpr(argv: string[], env: Record<string, string>) {
  const err: string[] = [];
  const code = await runCli(argv, {
    stdout: () => undefined,
    stderr: (line) => err.push(line),
    env: { GCP_PROJECT_ID: 'p', ...env },
  });
  return { code, err: err.join('\n') };
}

describe('gpr with a malformed emulator variable', () => {
  it.each([
    ['GPR_MONITORING_EMULATOR_HOST', 'localhost'],
    ['GPR_MONITORING_EMULATOR_HOST', '   '],
    ['GPR_LOGGING_EMULATOR_HOST', 'localhost:99999'],
    ['GPR_LOGGING_EMULATOR_HOST', 'localhost:0'],
    ['PUBSUB_EMULATOR_HOST', 'http://localhost:8085'],
    ['PUBSUB_EMULATOR_HOST', 'local host:8085'],
  ])('%s=%j is a usage error (exit 2) naming the variable, before any call', async (name, value) => {
    for (const argv of [
      ['dlq', 'status'],
      ['logging', 'errors'],
      ['check', '--dry-run'],
    ]) {
      const { code, err } = await gpr(argv, { [name]: value });
      expect(code).toBe(2);
      expect(err).toContain(`${name} must be host:port`);
      expect(err).toContain(JSON.stringify(value));
    }
  });
});
