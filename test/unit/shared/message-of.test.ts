import { describe, expect, it } from 'vitest';
import { describeSafely, messageOf } from '../../../src/shared/message-of.js';

describe('messageOf: the text of anything thrown, never a new throw', () => {
  it("an Error's message, and a message-shaped object's (another realm, a library's plain object)", () => {
    expect(messageOf(new TypeError('bad row'))).toBe('bad row');
    expect(messageOf({ message: 'from a plain object' })).toBe('from a plain object');
  });

  it('values without a message: their text', () => {
    expect(messageOf('a string')).toBe('a string');
    expect(messageOf(42)).toBe('42');
    expect(messageOf(undefined)).toBe('undefined');
    expect(messageOf(null)).toBe('null');
    expect(messageOf({ message: 7 })).toBe('[object Object]');
  });

  it('a Symbol', () => {
    expect(messageOf(Symbol('boom'))).toBe('Symbol(boom)');
  });

  it('a null-prototype object (String() of it throws)', () => {
    const bare = Object.create(null) as object;
    expect(() => String(bare)).toThrow(TypeError);
    expect(messageOf(bare)).toBe('[object Object]');
    expect(messageOf(Object.assign(Object.create(null) as object, { message: 'kept' }))).toBe('kept');
  });

  it('a throwing message getter, on an Error and on a plain object', () => {
    const error = new Error('hidden');
    Object.defineProperty(error, 'message', {
      get() {
        throw new Error('getter');
      },
    });
    expect(messageOf(error)).toBe('[object Error]');
    const plain = {
      get message(): string {
        throw new Error('getter');
      },
    };
    expect(messageOf(plain)).toBe('[object Object]');
  });

  it('a revoked Proxy (every operation on it throws)', () => {
    const { proxy, revoke } = Proxy.revocable({ message: 'gone' }, {});
    revoke();
    expect(messageOf(proxy)).toBe('[object]');
    expect(describeSafely(proxy)).toBe('[object]');
  });

  it('an object whose toString throws', () => {
    const hostile = {
      toString(): string {
        throw new Error('no');
      },
    };
    expect(messageOf(hostile)).toBe('[object Object]');
  });
});
