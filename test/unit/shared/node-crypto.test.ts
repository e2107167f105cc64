import { describe, expect, it } from 'vitest';
import { nodeCrypto, randomUUID } from '../../../src/shared/node-crypto.js';

describe('nodeCrypto', () => {
  it('is node:crypto itself, the same module object on every call', async () => {
    expect(nodeCrypto()).toBe(nodeCrypto());
    expect(nodeCrypto().createHash).toBe((await import('node:crypto')).createHash);
  });

  it('gives random version-4 UUIDs', () => {
    const a = randomUUID();
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(randomUUID()).not.toBe(a);
  });
});
