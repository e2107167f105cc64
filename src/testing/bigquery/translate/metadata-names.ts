/**
 * Names of BigQuery's metadata views: `[project.]dataset.INFORMATION_SCHEMA.VIEW`,
 * `[project.]region-xx.INFORMATION_SCHEMA.VIEW` and `[project.]dataset.__TABLES__`.
 * @module
 */

import { quoteIdent } from './duck-text.js';
import { SqlTranslationError } from './error.js';
import type { MetadataReference, TranslateOptions } from './types.js';

/** The INFORMATION_SCHEMA views the stand-in serves (see engine/information-schema.ts). */
export const INFORMATION_SCHEMA_VIEWS = new Set([
  'SCHEMATA',
  'TABLES',
  'COLUMNS',
  'COLUMN_FIELD_PATHS',
  'VIEWS',
  'PARTITIONS',
]);

/** Views that exist only per dataset, not per region. */
const DATASET_ONLY = new Set(['PARTITIONS']);

/**
 * The metadata view a table path names, or `undefined` for an ordinary table.
 *
 * @internal
 */
export function metadataReference(parts: string[], options: TranslateOptions): MetadataReference | undefined {
  const upperParts = parts.map((p) => p.toUpperCase());
  const last = upperParts[upperParts.length - 1]!;
  const dd = options.defaultDataset;
  const project = (explicit: string | undefined) => explicit ?? dd?.projectId ?? options.projectId;
  const ref = (projectId: string, scope: { datasetId?: string; region?: string }, view: string) => ({
    projectId,
    ...scope,
    view,
    duckName: `temp.main.${quoteIdent(`bq_meta:${projectId}.${scope.datasetId ?? scope.region ?? '*'}.${view}`)}`,
  });
  if (last === '__TABLES__' || last === '__TABLES_SUMMARY__') {
    if (parts.length === 3) return ref(parts[0]!, { datasetId: parts[1]! }, last);
    if (parts.length === 2) return ref(options.projectId, { datasetId: parts[0]! }, last);
    return undefined;
  }
  const at = upperParts.indexOf('INFORMATION_SCHEMA');
  if (at < 0) return undefined;
  if (at !== parts.length - 2)
    throw new SqlTranslationError(`Invalid INFORMATION_SCHEMA name: ${parts.join('.')}`, 'invalidQuery');
  if (!INFORMATION_SCHEMA_VIEWS.has(last)) {
    throw new SqlTranslationError(
      `Unsupported by the BigQuery stand-in: INFORMATION_SCHEMA.${last}`,
      'invalidQuery',
    );
  }
  const qualifier = parts.slice(0, at);
  if (qualifier.length > 2)
    throw new SqlTranslationError(`Invalid INFORMATION_SCHEMA name: ${parts.join('.')}`, 'invalidQuery');
  const scope = qualifier[qualifier.length - 1];
  const explicitProject = qualifier.length === 2 ? qualifier[0] : undefined;
  if (scope === undefined) {
    if (!dd) {
      throw new SqlTranslationError('INFORMATION_SCHEMA needs a dataset or region qualifier', 'invalidQuery');
    }
    return ref(project(undefined), { datasetId: dd.datasetId }, last);
  }
  if (/^region-/i.test(scope)) {
    if (DATASET_ONLY.has(last)) {
      throw new SqlTranslationError(
        `INFORMATION_SCHEMA.${last} is only available per dataset`,
        'invalidQuery',
      );
    }
    return ref(
      explicitProject ?? options.projectId,
      { region: scope.slice('region-'.length).toLowerCase() },
      last,
    );
  }
  // `project.INFORMATION_SCHEMA.SCHEMATA`: the project's datasets.
  if (last === 'SCHEMATA') return ref(qualifier.length === 1 ? scope : (explicitProject ?? scope), {}, last);
  return ref(explicitProject ?? options.projectId, { datasetId: scope }, last);
}
