/**
 * Query parameters met while translating: `@name` becomes `$name`, each `?` becomes `$__posN`, and
 * the names and count are kept so the engine can bind them with their BigQuery types.
 * @module
 */

/**
 * Collects the parameters of one statement in order of first use.
 *
 * @internal
 */
export class ParameterCollector {
  /** Named parameters (without `@`), in order of first use. */
  readonly names: string[] = [];
  /** Number of `?` placeholders. */
  count = 0;

  named(name: string): string {
    if (!this.names.includes(name)) this.names.push(name);
    return `$${name}`;
  }

  positional(): string {
    this.count++;
    return `$__pos${this.count}`;
  }
}
