/**
 * The TypeError for an argument of the registry's calls that is not what it must be (a lookup,
 * player type or source that is not a string; a batch that is not an array), naming the argument:
 * without it, the first string method called on the value throws `x.toLowerCase is not a function`.
 */
export function notAString(what: string, value: unknown, expected = 'a string'): TypeError {
  return new TypeError(`${what} must be ${expected}, got ${value === null ? 'null' : typeof value}`);
}
