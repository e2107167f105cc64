/**
 * Rows as the Storage Write API carries them: a proto2 message per row, described by the writer's
 * `DescriptorProto`. This module builds a decoder from that descriptor and turns decoded messages
 * into the JSON rows insertAll takes (so the same `checkRow` checks them against the table schema).
 * @module
 */

import { messageOf } from '../../../shared/message-of.js';
import type { BigQueryField } from '../schema.js';
import { legacyTypeName } from '../schema.js';
import { microsToText } from '../time.js';
import type { ProtobufType, StorageWritePeers } from './proto.js';

/** The option that carries a column name that is not a valid proto field name. */
const COLUMN_NAME_OPTION = '.google.cloud.bigquery.storage.v1.columnName';

/** A raw `DescriptorProto` as proto-loader decodes it (camelCase, `defaults: false`). */
interface RawDescriptor {
  name?: string;
  field?: Array<{ name?: string; options?: Record<string, unknown> }>;
  nestedType?: RawDescriptor[];
}

/** Decodes the serialized rows of one connection with the writer's descriptor. */
export interface RowDecoder {
  /** A decoded row as a JSON object keyed by column name, or the reason it could not be decoded. */
  decode(bytes: Uint8Array): { row: Record<string, unknown> } | { problem: string };
}

/** Proto field name → column name, per message name (placeholders carry the real name in an option). */
function columnNames(descriptor: RawDescriptor, into = new Map<string, Map<string, string>>()) {
  const names = new Map<string, string>();
  for (const field of descriptor.field ?? []) {
    if (field.name === undefined) continue;
    const option = field.options?.[COLUMN_NAME_OPTION];
    names.set(field.name, typeof option === 'string' ? option : field.name);
  }
  into.set(descriptor.name ?? '', names);
  for (const nested of descriptor.nestedType ?? []) columnNames(nested, into);
  return into;
}

/**
 * Builds a decoder from the writer schema of an AppendRows request. Throws when the descriptor is not
 * a usable proto2 message (the caller answers INVALID_ARGUMENT).
 */
export function rowDecoder(peers: StorageWritePeers, rawDescriptor: unknown): RowDecoder {
  const descriptor = rawDescriptor as RawDescriptor;
  const type: ProtobufType = peers.protobuf.Type.fromDescriptor(
    peers.descriptorFromObject(descriptor),
    'proto2',
  );
  // Without resolveAll, proto2 `required` is not enforced and nested types are not linked.
  new peers.protobuf.Root().add(type).resolveAll();
  const names = columnNames(descriptor);
  // Only placeholder field names (a column name that is not a proto identifier) need renaming.
  const renamed = [...names.values()].some((map) => [...map].some(([field, column]) => field !== column));
  const rename = (value: unknown, messageName: string): unknown => {
    if (Array.isArray(value)) return value.map((v) => rename(v, messageName));
    if (value === null || typeof value !== 'object') return value;
    const map = names.get(messageName);
    if (!map) return value;
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      const nested = findNested(descriptor, messageName, key);
      out[map.get(key) ?? key] = nested === undefined ? v : rename(v, nested);
    }
    return out;
  };
  return {
    decode(bytes) {
      try {
        const message = type.decode(bytes);
        const object = type.toObject(message, { longs: String, bytes: String, enums: String });
        return { row: (renamed ? rename(object, descriptor.name ?? '') : object) as Record<string, unknown> };
      } catch (error) {
        return { problem: messageOf(error) };
      }
    },
  };
}

/** The nested message name a field of `messageName` refers to, if it is a message field. */
function findNested(root: RawDescriptor, messageName: string, fieldName: string): string | undefined {
  const message = findMessage(root, messageName);
  const field = message?.field?.find((f) => f.name === fieldName) as { typeName?: string } | undefined;
  if (!field?.typeName) return undefined;
  const parts = field.typeName.split('.');
  return parts[parts.length - 1];
}

function findMessage(root: RawDescriptor, name: string): RawDescriptor | undefined {
  if ((root.name ?? '') === name) return root;
  for (const nested of root.nestedType ?? []) {
    const found = findMessage(nested, name);
    if (found) return found;
  }
  return undefined;
}

/**
 * A decoded Storage Write row in insertAll's JSON form, by the table schema: TIMESTAMP from
 * microseconds, DATE from days since the epoch; everything else is already in the JSON form.
 * Columns the table does not have are kept, so `checkRow` reports them.
 *
 * @internal
 */
export function toInsertJson(
  row: Record<string, unknown>,
  fields: readonly BigQueryField[],
): Record<string, unknown> {
  const byName = new Map(fields.map((f) => [f.name.toLowerCase(), f]));
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    const field = byName.get(key.toLowerCase());
    out[key] = field ? convertValue(value, field) : value;
  }
  return out;
}

function convertValue(value: unknown, field: BigQueryField): unknown {
  if (value === null || value === undefined) return value;
  if (Array.isArray(value)) return value.map((v) => convertScalar(v, field));
  return convertScalar(value, field);
}

function convertScalar(value: unknown, field: BigQueryField): unknown {
  switch (legacyTypeName(field.type)) {
    case 'TIMESTAMP':
      return typeof value === 'string' && /^-?\d+$/.test(value) ? microsToText(BigInt(value), '+00') : value;
    case 'DATE':
      return typeof value === 'number' ? new Date(value * 86_400_000).toISOString().slice(0, 10) : value;
    case 'RECORD':
      return typeof value === 'object' && value !== null
        ? toInsertJson(value as Record<string, unknown>, field.fields ?? [])
        : value;
    default:
      return value;
  }
}

/**
 * The Storage API `TableSchema` of a table (type names as the Storage API spells them: INT64,
 * DOUBLE, BOOL, STRUCT).
 *
 * @internal
 */
export function storageTableSchema(fields: readonly BigQueryField[]): { fields: unknown[] } {
  return { fields: fields.map(storageField) };
}

const STORAGE_TYPES: Record<string, string> = {
  INTEGER: 'INT64',
  FLOAT: 'DOUBLE',
  BOOLEAN: 'BOOL',
  RECORD: 'STRUCT',
};

function storageField(field: BigQueryField): Record<string, unknown> {
  const legacy = legacyTypeName(field.type) ?? field.type.toUpperCase();
  const out: Record<string, unknown> = {
    name: field.name,
    type: STORAGE_TYPES[legacy] ?? legacy,
    mode: field.mode ?? 'NULLABLE',
  };
  if (field.fields?.length) out.fields = field.fields.map(storageField);
  return out;
}
