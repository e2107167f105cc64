import { describe, expect, it } from 'vitest';
import { HttpHostRegistry } from '../../../src/index.js';

describe('HttpHostRegistry clock', () => {
  // The registry handed such a clock to its breakers, whose check then named `new CircuitBreaker`,
  // an object the caller never made.
  it('a clock without sleep() is refused naming the registry and its option', () => {
    expect(() => new HttpHostRegistry({ clock: { now: () => 0 } as never })).toThrow(
      /^HttpHostRegistry: option clock must be a Clock \(now\(\) and sleep\(\)\)/,
    );
  });
});
