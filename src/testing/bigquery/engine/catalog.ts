/**
 * The catalog: BigQuery metadata DuckDB cannot hold (datasets with locations, table schemas with
 * modes, partitioning, clustering, insert ids). No DuckDB here; the engine keeps both in step.
 * @module
 */
import { datasetNotFound, tableNotFound } from '../http-errors.js';
import type { BigQueryField } from '../schema.js';
import type { CreateTableInfo } from '../translate/types.js';
import type { DatasetMeta, TableMeta } from './types.js';

/** A table's place in the catalog. */
export interface TableAddress {
  projectId: string;
  datasetId: string;
  tableId: string;
}

/**
 * The catalog key of a dataset (`p:d`) or table (`p:d.t`), as BigQuery writes table ids.
 *
 * @internal
 */
export function catalogKey(projectId: string, datasetId: string, tableId?: string): string {
  return tableId === undefined ? `${projectId}:${datasetId}` : `${projectId}:${datasetId}.${tableId}`;
}

/**
 * Datasets and tables by catalog key.
 *
 * @internal
 */
export class Catalog {
  readonly datasets = new Map<string, DatasetMeta>();
  readonly tables = new Map<string, TableMeta>();
  readonly location: string;

  constructor(location: string) {
    this.location = location;
  }

  getDataset(projectId: string, datasetId: string): DatasetMeta {
    const ds = this.datasets.get(catalogKey(projectId, datasetId));
    if (!ds) throw datasetNotFound(projectId, datasetId);
    return ds;
  }

  hasDataset(projectId: string, datasetId: string): boolean {
    return this.datasets.has(catalogKey(projectId, datasetId));
  }

  getTable(projectId: string, datasetId: string, tableId: string): TableMeta {
    this.getDataset(projectId, datasetId);
    const t = this.tables.get(catalogKey(projectId, datasetId, tableId));
    if (!t) throw tableNotFound(projectId, datasetId, tableId);
    return t;
  }

  /** The table's metadata, or `undefined` (no dataset check). */
  findTable(t: TableAddress): TableMeta | undefined {
    return this.tables.get(catalogKey(t.projectId, t.datasetId, t.tableId));
  }

  hasTable(t: TableAddress): boolean {
    return this.tables.has(catalogKey(t.projectId, t.datasetId, t.tableId));
  }

  /** Catalog keys of the tables in a dataset. */
  tableKeysOf(projectId: string, datasetId: string): string[] {
    const prefix = `${catalogKey(projectId, datasetId)}.`;
    return [...this.tables.keys()].filter((k) => k.startsWith(prefix));
  }

  recordDataset(projectId: string, datasetId: string, resource: Record<string, unknown>): DatasetMeta {
    const now = Date.now();
    const meta: DatasetMeta = {
      projectId,
      datasetId,
      location: typeof resource.location === 'string' ? resource.location : this.location,
      creationTime: now,
      lastModifiedTime: now,
      resource,
    };
    this.datasets.set(catalogKey(projectId, datasetId), meta);
    return meta;
  }

  /** Forgets a dataset and its tables. */
  forgetDataset(projectId: string, datasetId: string): void {
    for (const k of this.tableKeysOf(projectId, datasetId)) this.tables.delete(k);
    this.datasets.delete(catalogKey(projectId, datasetId));
  }

  recordTable(t: TableAddress, schema: BigQueryField[], resource: Record<string, unknown>): TableMeta {
    const now = Date.now();
    const meta: TableMeta = {
      projectId: t.projectId,
      datasetId: t.datasetId,
      tableId: t.tableId,
      schema,
      creationTime: now,
      lastModifiedTime: now,
      resource: { ...resource },
      insertIds: new Map(),
      streamedRows: 0,
    };
    this.tables.set(catalogKey(t.projectId, t.datasetId, t.tableId), meta);
    return meta;
  }

  forgetTable(t: TableAddress): void {
    this.tables.delete(catalogKey(t.projectId, t.datasetId, t.tableId));
  }
}

/**
 * The table resource fields a `CREATE TABLE` statement declares (partitioning, clustering, options).
 *
 * @internal
 */
export function tableResourceFromDdl(info: CreateTableInfo | undefined): Record<string, unknown> {
  if (!info) return {};
  const out: Record<string, unknown> = {};
  if (info.timePartitioning) out.timePartitioning = { ...info.timePartitioning };
  if (info.rangePartitioning) out.rangePartitioning = info.rangePartitioning;
  if (info.clustering) out.clustering = info.clustering;
  const o = info.options;
  if (typeof o.description === 'string') out.description = o.description;
  if (typeof o.friendly_name === 'string') out.friendlyName = o.friendly_name;
  if (o.require_partition_filter === true) out.requirePartitionFilter = true;
  if (typeof o.partition_expiration_days === 'number' && out.timePartitioning) {
    (out.timePartitioning as Record<string, unknown>).expirationMs = String(
      o.partition_expiration_days * 86_400_000,
    );
  }
  if (Object.keys(o).length) out.options = o;
  return out;
}
