/**
 * A table's Storage API schema as the writer uses it: the proto2 descriptor sent as the writer
 * schema, and the protobufjs type built from that same descriptor (one source for both sides).
 * @module
 */
import type { ProtoType, StorageModule } from './client.js';

/** A column as the Storage API describes it (`TableFieldSchema`, as the client decodes it). */
export interface StorageField {
  name: string;
  /** `INT64`, `DOUBLE`, `BOOL`, `STRING`, `BYTES`, `TIMESTAMP`, `DATE`, `STRUCT`, ... */
  type: string;
  /** `NULLABLE` (or absent), `REQUIRED`, `REPEATED`. */
  mode?: string | null;
  fields?: StorageField[] | null;
  defaultValueExpression?: string | null;
}

/** A table schema compiled for writing. */
export interface WriteSchema {
  readonly fields: readonly StorageField[];
  /** The `DescriptorProto` sent on the first request of a connection. */
  readonly descriptor: Record<string, unknown>;
  readonly type: ProtoType;
}

const PROTO_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const PROTO_TYPES: Record<string, string> = {
  INT64: 'TYPE_INT64',
  DOUBLE: 'TYPE_DOUBLE',
  BOOL: 'TYPE_BOOL',
  STRING: 'TYPE_STRING',
  BYTES: 'TYPE_BYTES',
  TIMESTAMP: 'TYPE_INT64',
  DATE: 'TYPE_INT32',
  DATETIME: 'TYPE_STRING',
  TIME: 'TYPE_STRING',
  NUMERIC: 'TYPE_STRING',
  BIGNUMERIC: 'TYPE_STRING',
  GEOGRAPHY: 'TYPE_STRING',
  JSON: 'TYPE_STRING',
};

/** Thrown for a table the writer cannot describe (a column type or name it does not support). */
export class UnwritableSchemaError extends TypeError {}

function messageOf(name: string, fields: readonly StorageField[]): Record<string, unknown> {
  const nestedType: Record<string, unknown>[] = [];
  const field = fields.map((f, i) => {
    if (!PROTO_NAME.test(f.name)) {
      throw new UnwritableSchemaError(
        `Column '${f.name}' is not a valid proto field name; writeRows supports column names of letters, digits and '_'`,
      );
    }
    // protobufjs sets a message's fields by assignment, and assigning `__proto__` sets the prototype:
    // the value would be dropped and the column written NULL without a word.
    if (f.name === '__proto__') {
      throw new UnwritableSchemaError(
        `Column '__proto__' cannot be written through protobufjs; use insertRows or loadRows`,
      );
    }
    const mode = f.mode ?? 'NULLABLE';
    const label =
      mode === 'REPEATED'
        ? 'LABEL_REPEATED'
        : mode === 'REQUIRED' && !f.defaultValueExpression
          ? 'LABEL_REQUIRED'
          : 'LABEL_OPTIONAL';
    const out: Record<string, unknown> = { name: f.name, number: i + 1, label };
    if (f.type === 'STRUCT') {
      const nestedName = `${name}_${f.name}`;
      nestedType.push(messageOf(nestedName, f.fields ?? []));
      out.type = 'TYPE_MESSAGE';
      out.typeName = nestedName;
    } else {
      const type = PROTO_TYPES[f.type];
      if (!type)
        throw new UnwritableSchemaError(
          `Column '${f.name}' has type ${f.type}, which writeRows does not support`,
        );
      out.type = type;
    }
    return out;
  });
  // Nested types live inside the root message: the descriptor must be self-contained.
  return nestedType.length ? { name, field, nestedType } : { name, field };
}

/**
 * Compiles a Storage API table schema. Throws `UnwritableSchemaError` for RANGE, INTERVAL, a
 * column name that is not a proto identifier, or `__proto__`.
 */
export function compileSchema(mod: StorageModule, fields: readonly StorageField[]): WriteSchema {
  const descriptor = messageOf('root', fields);
  const type = mod.protobuf.Type.fromDescriptor(mod.descriptorFromObject(descriptor), 'proto2');
  new mod.protobuf.Root().add(type).resolveAll();
  return { fields, descriptor, type };
}
