import { redactSecrets } from '../errors/redact.js';
import { scrubCause } from '../errors/scrub.js';
import { messageOf } from '../shared/message-of.js';
import { INT64_MAX, INT64_MIN, unsafeIntegerAdvice } from './int64.js';

/**
 * A scalar GoogleSQL parameter type. Aliases (`INTEGER`, `INT`, `FLOAT`, `BOOLEAN`, `BIGINT`) are
 * accepted and normalized.
 *
 * @example
 * ```ts
 * import { BigQueryExecutor, type BigQueryScalarType } from 'gcp-pipeline-resilience';
 * const bq = new BigQueryExecutor();
 * // A null parameter carries no type of its own: name it.
 * const deletedAtType: BigQueryScalarType = 'TIMESTAMP';
 * await bq.update('UPDATE nba_raw.games SET deleted_at = @at WHERE game_id = @id', {
 *   params: { at: null, id: 'g1' },
 *   types: { at: deletedAtType },
 * });
 * ```
 */
export type BigQueryScalarType =
  | 'INT64'
  | 'FLOAT64'
  | 'NUMERIC'
  | 'BIGNUMERIC'
  | 'BOOL'
  | 'STRING'
  | 'BYTES'
  | 'TIMESTAMP'
  | 'DATE'
  | 'DATETIME'
  | 'TIME'
  | 'JSON'
  | 'GEOGRAPHY';

/**
 * An explicit parameter type: a scalar type, an array written as `['INT64']` (the client's own
 * convention) or as `'ARRAY<INT64>'`.
 *
 * @example
 * ```ts
 * import { BigQueryExecutor, type BigQueryParamType } from 'gcp-pipeline-resilience';
 * const bq = new BigQueryExecutor();
 * // An empty array has no element to infer from: ['INT64'] is ARRAY<INT64>.
 * const types: Record<string, BigQueryParamType> = { ids: ['INT64'], note: 'STRING' };
 * await bq.query('SELECT * FROM nba_raw.games WHERE game_id IN UNNEST(@ids) OR note = @note', {
 *   params: { ids: [], note: null },
 *   types,
 * });
 * ```
 */
export type BigQueryParamType =
  | BigQueryScalarType
  | BigQueryTypeAlias
  | `ARRAY<${BigQueryScalarType}>`
  | readonly [BigQueryScalarType | BigQueryTypeAlias];

/**
 * Other spellings of the scalar types that BigQuery (and the Node client) accept.
 *
 * @example
 * ```ts
 * import { BigQueryExecutor, type BigQueryTypeAlias } from 'gcp-pipeline-resilience';
 * const bq = new BigQueryExecutor();
 * const legacyType: BigQueryTypeAlias = 'INTEGER'; // the legacy-SQL name, sent as INT64
 * await bq.query('SELECT @n IS NULL AS missing', { params: { n: null }, types: { n: legacyType } });
 * ```
 */
export type BigQueryTypeAlias =
  | 'INTEGER'
  | 'INT'
  | 'BIGINT'
  | 'SMALLINT'
  | 'TINYINT'
  | 'BYTEINT'
  | 'FLOAT'
  | 'BOOLEAN'
  | 'DECIMAL'
  | 'BIGDECIMAL';

/**
 * Query parameters: named (`@name` in the SQL) as an object, positional (`?`) as an array.
 *
 * @example
 * ```ts
 * import { BigQueryExecutor, type QueryParams } from 'gcp-pipeline-resilience';
 * const bq = new BigQueryExecutor();
 * const gamesSince = (params: QueryParams) =>
 *   bq.query('SELECT game_id FROM nba_raw.games WHERE team = @team AND game_date >= @since', { params });
 * await gamesSince({ team: 'LAL', since: new Date('2024-01-01') });
 * ```
 */
export type QueryParams = Readonly<Record<string, unknown>> | readonly unknown[];

/**
 * Explicit parameter types, in the same shape as the parameters. Needed for `null` values and empty
 * arrays; optional elsewhere (an explicit type wins over inference).
 *
 * @example
 * ```ts
 * import { BigQueryExecutor, type QueryParamTypes } from 'gcp-pipeline-resilience';
 * const bq = new BigQueryExecutor();
 * const types: QueryParamTypes = { deletedAt: 'TIMESTAMP', tags: ['STRING'] };
 * await bq.update('UPDATE nba_raw.games SET deleted_at = @deletedAt, tags = @tags WHERE game_id = @id', {
 *   params: { deletedAt: null, tags: [], id: 'g1' },
 *   types,
 * });
 * ```
 */
export type QueryParamTypes = Readonly<Record<string, BigQueryParamType>> | readonly BigQueryParamType[];

/**
 * A query parameter's type as the BigQuery REST API carries it (`queryParameters[].parameterType`):
 * what {@link inferParameterType} returns, nested for arrays.
 *
 * @example
 * ```ts
 * import { inferParameterType, type QueryParameterType } from 'gcp-pipeline-resilience';
 * const describe = (t: QueryParameterType): string =>
 *   t.arrayType ? `ARRAY<${describe(t.arrayType)}>` : t.type;
 * describe(inferParameterType([1, 2.5])); // 'ARRAY<FLOAT64>'
 * ```
 */
export interface QueryParameterType {
  type: string;
  arrayType?: QueryParameterType;
}

/**
 * The REST `QueryParameter` shape, as sent in `configuration.query.queryParameters`.
 *
 * @internal
 */
export interface QueryParameter {
  name?: string;
  parameterType: QueryParameterType;
  parameterValue: {
    value?: string | number | boolean | null;
    arrayValues?: Array<{ value: string | number | boolean | null }>;
  };
}

/**
 * The encoded parameters of one query.
 *
 * @internal
 */
export interface EncodedParameters {
  parameterMode: 'named' | 'positional';
  queryParameters: QueryParameter[];
}

const SCALAR_TYPES = new Set<string>([
  'INT64',
  'FLOAT64',
  'NUMERIC',
  'BIGNUMERIC',
  'BOOL',
  'STRING',
  'BYTES',
  'TIMESTAMP',
  'DATE',
  'DATETIME',
  'TIME',
  'JSON',
  'GEOGRAPHY',
]);
const ALIASES: Record<BigQueryTypeAlias, BigQueryScalarType> = {
  INTEGER: 'INT64',
  INT: 'INT64',
  BIGINT: 'INT64',
  SMALLINT: 'INT64',
  TINYINT: 'INT64',
  BYTEINT: 'INT64',
  FLOAT: 'FLOAT64',
  BOOLEAN: 'BOOL',
  DECIMAL: 'NUMERIC',
  BIGDECIMAL: 'BIGNUMERIC',
};

interface ResolvedType {
  scalar: BigQueryScalarType;
  array: boolean;
}

function normalizeScalar(raw: string, label: string): BigQueryScalarType {
  const upper = raw.trim().toUpperCase();
  const alias = Object.hasOwn(ALIASES, upper) ? ALIASES[upper as BigQueryTypeAlias] : undefined;
  if (alias) return alias;
  if (SCALAR_TYPES.has(upper)) return upper as BigQueryScalarType;
  throw new TypeError(`${label}: unknown BigQuery type '${raw}'`);
}

function resolveExplicitType(type: BigQueryParamType, label: string): ResolvedType {
  if (Array.isArray(type)) {
    if (type.length !== 1 || typeof type[0] !== 'string') {
      throw new TypeError(`${label}: an array type is written ['ELEMENT_TYPE'], got ${JSON.stringify(type)}`);
    }
    return { scalar: normalizeScalar(type[0], label), array: true };
  }
  if (typeof type !== 'string') throw new TypeError(`${label}: a type must be a string, got ${typeof type}`);
  const arrayMatch = /^\s*ARRAY\s*<\s*([A-Za-z0-9]+)\s*>\s*$/i.exec(type);
  if (arrayMatch) return { scalar: normalizeScalar(arrayMatch[1] as string, label), array: true };
  return { scalar: normalizeScalar(type, label), array: false };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') {
    const ctor = (value as { constructor?: { name?: string } }).constructor?.name;
    return ctor && ctor !== 'Object' ? `a ${ctor}` : 'an object';
  }
  return typeof value;
}

function inferScalar(value: unknown, label: string): BigQueryScalarType {
  // Boolean before integer, so `true` is never sent as 1.
  if (typeof value === 'boolean') return 'BOOL';
  if (typeof value === 'bigint') return 'INT64';
  if (typeof value === 'number') return Number.isInteger(value) ? 'INT64' : 'FLOAT64';
  if (typeof value === 'string') return 'STRING';
  if (value instanceof Date) return 'TIMESTAMP';
  if (value === null) {
    throw new TypeError(`${label} is null: give its type in \`types\` (e.g. { types: { x: 'STRING' } })`);
  }
  if (value === undefined) {
    throw new TypeError(`${label} is undefined: pass null with an explicit type for a NULL parameter`);
  }
  throw new TypeError(
    `${label} is ${describe(value)}, which cannot be typed as a query parameter (supported: boolean, number, bigint, string, Date, arrays of those)`,
  );
}

function inferType(value: unknown, label: string): ResolvedType {
  if (!Array.isArray(value)) return { scalar: inferScalar(value, label), array: false };
  if (value.length === 0) {
    throw new TypeError(`${label} is an empty array: give its element type in \`types\` (e.g. ['STRING'])`);
  }
  let scalar: BigQueryScalarType | undefined;
  for (let i = 0; i < value.length; i++) {
    const item: unknown = value[i];
    if (Array.isArray(item))
      throw new TypeError(`${label}[${i}] is an array: BigQuery has no arrays of arrays`);
    if (item === null || item === undefined) {
      throw new TypeError(
        `${label}[${i}] is ${item === null ? 'null' : 'undefined'}: BigQuery arrays cannot hold NULL`,
      );
    }
    const t = inferScalar(item, `${label}[${i}]`);
    if (scalar === undefined || scalar === t) scalar = t;
    // A number array mixing integers and fractions is a FLOAT64 array, not a mistake.
    else if ((scalar === 'INT64' && t === 'FLOAT64') || (scalar === 'FLOAT64' && t === 'INT64'))
      scalar = 'FLOAT64';
    else
      throw new TypeError(
        `${label} mixes ${scalar} and ${t} elements: an array parameter has one element type`,
      );
  }
  return { scalar: scalar as BigQueryScalarType, array: true };
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/**
 * An INT64 value's decimal text; one outside BigQuery's range is a `TypeError` naming the parameter
 * before anything is sent (BigQuery would refuse the whole query with a 400 that names neither).
 */
function int64InRange(value: bigint, label: string): string {
  if (value < INT64_MIN || value > INT64_MAX) {
    const text = value.toString();
    throw new TypeError(
      `${label} is ${text.length > 40 ? `${text.slice(0, 37)}...` : text}, outside INT64's range (-2^63 to 2^63 - 1): send it as NUMERIC or BIGNUMERIC (types), or as a STRING`,
    );
  }
  return value.toString();
}

function encodeScalar(
  value: unknown,
  type: BigQueryScalarType,
  label: string,
): string | number | boolean | null {
  if (value === null) return null;
  const mismatch = (): never => {
    throw new TypeError(`${label} is ${describe(value)}, which cannot be sent as ${type}`);
  };
  switch (type) {
    case 'BOOL':
      return typeof value === 'boolean' ? value : mismatch();
    case 'INT64':
      if (typeof value === 'bigint') return int64InRange(value, label);
      if (typeof value === 'number') {
        if (!Number.isInteger(value)) mismatch();
        // Past 2^53 a JS number may already be rounded (9007199254740993 is 9007199254740992):
        // whatever is sent, it may not be the value the caller meant.
        if (!Number.isSafeInteger(value)) {
          // Past INT64 itself, a bigint would not help: that message, which names the types that hold it.
          int64InRange(BigInt(value), label);
          throw new TypeError(`${label}: ${unsafeIntegerAdvice(value)}`);
        }
        return value;
      }
      if (typeof value === 'string' && /^[+-]?\d+$/.test(value.trim())) {
        int64InRange(BigInt(value.trim()), label);
        return value.trim();
      }
      return mismatch();
    case 'FLOAT64':
      // JSON has no -0 (JSON.stringify(-0) is "0") nor NaN / Infinity: those go as the strings
      // BigQuery reads for FLOAT64 ("-0", "NaN", "Infinity", "-Infinity"), so the value arrives as it was.
      if (typeof value === 'number') {
        if (Object.is(value, -0)) return '-0';
        return Number.isFinite(value) ? value : String(value);
      }
      if (typeof value === 'bigint') return Number(value);
      if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value)))
        return value.trim();
      return mismatch();
    case 'NUMERIC':
    case 'BIGNUMERIC':
      if (typeof value === 'number') return Number.isFinite(value) ? String(value) : mismatch();
      if (typeof value === 'bigint') return value.toString();
      if (typeof value === 'string') return value;
      return mismatch();
    case 'STRING':
    case 'GEOGRAPHY':
    case 'DATETIME':
    case 'TIME':
      return typeof value === 'string' ? value : mismatch();
    case 'TIMESTAMP':
      if (value instanceof Date) {
        if (Number.isNaN(value.getTime())) throw new TypeError(`${label} is an invalid Date`);
        return value.toISOString();
      }
      return typeof value === 'string' ? value : mismatch();
    case 'DATE':
      if (value instanceof Date) {
        if (Number.isNaN(value.getTime())) throw new TypeError(`${label} is an invalid Date`);
        return `${pad(value.getUTCFullYear(), 4)}-${pad(value.getUTCMonth() + 1)}-${pad(value.getUTCDate())}`;
      }
      return typeof value === 'string' ? value : mismatch();
    case 'BYTES':
      if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
      return typeof value === 'string' ? value : mismatch();
    case 'JSON':
      return typeof value === 'string' ? value : JSON.stringify(value);
  }
}

function encodeOne(value: unknown, explicit: BigQueryParamType | undefined, label: string): QueryParameter {
  const resolved = explicit !== undefined ? resolveExplicitType(explicit, label) : inferType(value, label);
  if (value === undefined) {
    throw new TypeError(`${label} is undefined: pass null with an explicit type for a NULL parameter`);
  }
  if (!resolved.array) {
    if (Array.isArray(value)) throw new TypeError(`${label} is an array but its type is ${resolved.scalar}`);
    return {
      parameterType: { type: resolved.scalar },
      parameterValue: { value: encodeScalar(value, resolved.scalar, label) },
    };
  }
  if (value !== null && !Array.isArray(value)) {
    throw new TypeError(`${label} is ${describe(value)} but its type is ARRAY<${resolved.scalar}>`);
  }
  const items = (value ?? []) as unknown[];
  return {
    parameterType: { type: 'ARRAY', arrayType: { type: resolved.scalar } },
    // BigQuery has no NULL arrays (a NULL array reads back as []), so a typed null is sent as empty.
    parameterValue: {
      // Array.from visits holes (map skips them, and a hole went out as a null element).
      arrayValues: Array.from(items, (item, i) => {
        if (item === null || item === undefined) {
          throw new TypeError(
            `${label}[${i}] is ${item === null ? 'null' : 'undefined'}: BigQuery arrays cannot hold NULL`,
          );
        }
        return { value: encodeScalar(item, resolved.scalar, `${label}[${i}]`) };
      }),
    },
  };
}

/**
 * Infers the BigQuery type of one value: boolean -> `BOOL` (checked
 * before integers), integer number or bigint -> `INT64`, other numbers -> `FLOAT64`, string ->
 * `STRING`, `Date` -> `TIMESTAMP`, arrays -> `ARRAY<element type>` (integers and fractions together
 * make `FLOAT64`). Anything else (objects, `undefined`, `null`, empty or mixed arrays) is a
 * `TypeError` naming the parameter.
 *
 * @example
 * ```ts
 * import { inferParameterType } from 'gcp-pipeline-resilience';
 * inferParameterType(true);        // { type: 'BOOL' }
 * inferParameterType(3);           // { type: 'INT64' }
 * inferParameterType([1.5, 2]);    // { type: 'ARRAY', arrayType: { type: 'FLOAT64' } }
 * ```
 */
export function inferParameterType(value: unknown, name = 'value'): QueryParameterType {
  const t = inferType(value, `Query parameter '${name}'`);
  return t.array ? { type: 'ARRAY', arrayType: { type: t.scalar } } : { type: t.scalar };
}

/**
 * Encodes named or positional parameters into the REST `queryParameters` and `parameterMode`. Each
 * value is typed by `types` when given there, else inferred (see `inferParameterType`). Every problem
 * is a `TypeError` that names the parameter, raised before any request is made. Returns `undefined`
 * when there are no parameters.
 *
 * @internal
 */
export function buildQueryParameters(
  params?: QueryParams,
  types?: QueryParamTypes,
): EncodedParameters | undefined {
  try {
    return encodeParameters(params, types);
  } catch (err) {
    if (err instanceof TypeError || err instanceof RangeError) throw err;
    // The caller's object threw while it was read (a Proxy's trap, a getter): say so, typed.
    throw new TypeError(`Query parameters could not be read: ${redactSecrets(messageOf(err))}`, {
      cause: scrubCause(err),
    });
  }
}

/** Reads one parameter's value; a getter or Proxy that throws is a TypeError naming the parameter. */
function readParameter(read: () => unknown, label: string): unknown {
  try {
    return read();
  } catch (err) {
    throw new TypeError(`${label} could not be read: ${redactSecrets(messageOf(err))}`, {
      cause: scrubCause(err),
    });
  }
}

function encodeParameters(params?: QueryParams, types?: QueryParamTypes): EncodedParameters | undefined {
  if (params === undefined || params === null) return undefined;
  if (Array.isArray(params)) {
    if (types !== undefined && !Array.isArray(types)) {
      throw new TypeError('Positional parameters need positional types (an array), got an object');
    }
    const positionalTypes = types as readonly BigQueryParamType[] | undefined;
    if (positionalTypes && positionalTypes.length > params.length) {
      throw new TypeError(
        `${positionalTypes.length} types were given for ${params.length} positional parameters`,
      );
    }
    if (params.length === 0) return undefined;
    return {
      parameterMode: 'positional',
      queryParameters: Array.from({ length: params.length }, (_, i) => {
        const label = `Query parameter #${i + 1}`;
        return encodeOne(
          readParameter(() => params[i], label),
          positionalTypes?.[i],
          label,
        );
      }),
    };
  }
  if (typeof params !== 'object')
    throw new TypeError(`Query parameters must be an object or an array, got ${typeof params}`);
  if (types !== undefined && Array.isArray(types)) {
    throw new TypeError('Named parameters need named types (an object), got an array');
  }
  const namedTypes = types as Readonly<Record<string, BigQueryParamType>> | undefined;
  const names = Object.keys(params);
  for (const name of Object.keys(namedTypes ?? {})) {
    if (!names.includes(name))
      throw new TypeError(`A type was given for '${name}', which is not a parameter`);
  }
  if (names.length === 0) return undefined;
  return {
    parameterMode: 'named',
    queryParameters: names.map((name) => {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
        throw new TypeError(`Query parameter name '${name}' is not a valid identifier`);
      }
      const explicit = namedTypes && Object.hasOwn(namedTypes, name) ? namedTypes[name] : undefined;
      return {
        name,
        ...encodeOne(
          readParameter(() => (params as Record<string, unknown>)[name], `Query parameter '${name}'`),
          explicit,
          `Query parameter '${name}'`,
        ),
      };
    }),
  };
}
