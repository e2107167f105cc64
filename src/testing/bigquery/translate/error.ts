/**
 * The error the GoogleSQL translator throws for what it refuses.
 * @module
 */

/**
 * A statement the translator refuses, with BigQuery's `reason` and a message naming the construct.
 *
 * @example
 * ```ts
 * import { SqlTranslationError, translateSql } from 'gcp-pipeline-resilience/testing';
 * try { translateSql('SELECT @@row_count', { projectId: 'p' }); } catch (e) {
 *   (e as SqlTranslationError).reason; // 'invalidQuery'
 * }
 * ```
 */
export class SqlTranslationError extends Error {
  readonly reason: 'invalidQuery' | 'invalid';
  constructor(message: string, reason: 'invalidQuery' | 'invalid' = 'invalidQuery') {
    super(message);
    this.name = 'SqlTranslationError';
    this.reason = reason;
  }
}
