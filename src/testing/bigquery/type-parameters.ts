/**
 * Parameterized types (`STRING(L)`, `BYTES(L)`, `NUMERIC(P[, S])`, `BIGNUMERIC(P[, S])`): the one
 * home of their rules, read by every write path of the stand-in (insertAll, load jobs, Storage Write,
 * DML and CAST).
 *
 * BigQuery's rules: a STRING longer than L Unicode characters or BYTES longer than L bytes is an
 * error; a NUMERIC / BIGNUMERIC value is rounded to S fractional digits (half away from zero, or half
 * to even when the field's `roundingMode` says so) and is an error when it then has more than P - S
 * integer digits. Parameters live on the schema field as the REST API carries them (`maxLength`,
 * `precision`, `scale` as int64 strings, `roundingMode`).
 * @module
 */
import type { BigQueryField } from './schema.js';

/**
 * The parameters of a field, as numbers.
 *
 * @internal
 */
export interface TypeParameters {
  maxLength?: number;
  precision?: number;
  scale?: number;
  roundingMode?: 'ROUND_HALF_AWAY_FROM_ZERO' | 'ROUND_HALF_EVEN';
}

/** Scale and integer-digit limits BigQuery allows for parameters of each decimal type. */
const DECIMAL_LIMITS = {
  NUMERIC: { maxScale: 9, integerDigits: 29 },
  BIGNUMERIC: { maxScale: 38, integerDigits: 38 },
} as const;

/**
 * Fractional digits the stand-in's storage keeps for BIGNUMERIC (DuckDB `DECIMAL(38, 18)`); a wider
 * declared scale would lose digits silently, so it is refused.
 */
const STORED_BIGNUMERIC_SCALE = 18;

function intParameter(field: BigQueryField, key: 'maxLength' | 'precision' | 'scale'): number | undefined {
  const raw = field[key];
  if (raw === undefined || raw === null) return undefined;
  const text = String(raw).trim();
  if (!/^[+-]?\d+$/.test(text)) {
    throw new Error(
      `Invalid value for ${key} of field ${field.name}: ${JSON.stringify(raw)} is not an integer`,
    );
  }
  return Number(text);
}

/**
 * Checks the parameters a schema field carries against BigQuery's rules and returns the field with
 * them as the REST API writes them (int64 strings). Throws a plain `Error` naming the field and the
 * rule for parameters BigQuery refuses (and for a BIGNUMERIC scale above 18, which the stand-in
 * cannot store exactly).
 *
 * @internal
 */
export function normalizeTypeParameters(field: BigQueryField, type: string): BigQueryField {
  const maxLength = intParameter(field, 'maxLength');
  const precision = intParameter(field, 'precision');
  const scale = intParameter(field, 'scale');
  const out: BigQueryField = { ...field };
  if (maxLength !== undefined) {
    if (type !== 'STRING' && type !== 'BYTES') {
      throw new Error(`Field ${field.name}: maxLength is only allowed for STRING and BYTES, not ${type}`);
    }
    if (maxLength < 1) throw new Error(`Field ${field.name}: maxLength must be positive, got ${maxLength}`);
    out.maxLength = String(maxLength);
  }
  if (precision !== undefined || scale !== undefined || field.roundingMode !== undefined) {
    if (type !== 'NUMERIC' && type !== 'BIGNUMERIC') {
      throw new Error(
        `Field ${field.name}: precision, scale and roundingMode are only allowed for NUMERIC and BIGNUMERIC, not ${type}`,
      );
    }
  }
  if (scale !== undefined && precision === undefined) {
    throw new Error(`Field ${field.name}: scale requires precision`);
  }
  if (precision !== undefined) {
    const limits = DECIMAL_LIMITS[type as 'NUMERIC' | 'BIGNUMERIC'];
    const s = scale ?? 0;
    if (s < 0 || s > limits.maxScale) {
      throw new Error(
        `Field ${field.name}: scale of ${type} must be between 0 and ${limits.maxScale}, got ${s}`,
      );
    }
    if (precision < Math.max(1, s) || precision > s + limits.integerDigits) {
      throw new Error(
        `Field ${field.name}: precision of ${type} with scale ${s} must be between ${Math.max(1, s)} and ${s + limits.integerDigits}, got ${precision}`,
      );
    }
    if (type === 'BIGNUMERIC' && s > STORED_BIGNUMERIC_SCALE) {
      throw new Error(
        `Unsupported by the BigQuery stand-in: BIGNUMERIC scale above ${STORED_BIGNUMERIC_SCALE} (field ${field.name})`,
      );
    }
    out.precision = String(precision);
    if (scale !== undefined) out.scale = String(scale);
  }
  if (field.roundingMode !== undefined) {
    const mode = String(field.roundingMode).toUpperCase();
    if (!['ROUNDING_MODE_UNSPECIFIED', 'ROUND_HALF_AWAY_FROM_ZERO', 'ROUND_HALF_EVEN'].includes(mode)) {
      throw new Error(`Invalid value for roundingMode: ${String(field.roundingMode)} is not a valid value`);
    }
    out.roundingMode = mode;
  }
  return out;
}

/**
 * The parameters of a field as numbers, or `undefined` when it has none (the usual case).
 *
 * @internal
 */
export function typeParameters(field: BigQueryField): TypeParameters | undefined {
  if (field.maxLength === undefined && field.precision === undefined) return undefined;
  const params: TypeParameters = {};
  if (field.maxLength !== undefined) params.maxLength = Number(field.maxLength);
  if (field.precision !== undefined) {
    params.precision = Number(field.precision);
    params.scale = field.scale === undefined ? 0 : Number(field.scale);
    params.roundingMode =
      field.roundingMode === 'ROUND_HALF_EVEN' ? 'ROUND_HALF_EVEN' : 'ROUND_HALF_AWAY_FROM_ZERO';
  }
  return params;
}

/**
 * Whether a field or any field inside it has type parameters.
 *
 * @internal
 */
export function hasTypeParameters(field: BigQueryField): boolean {
  return typeParameters(field) !== undefined || (field.fields ?? []).some(hasTypeParameters);
}

/**
 * Whether a schema has a parameterized field or a REQUIRED field inside a STRUCT at any depth: the
 * constraints DML must check after it writes (top-level REQUIRED columns are DuckDB `NOT NULL`).
 *
 * @internal
 */
export function hasWriteConstraints(fields: readonly BigQueryField[], nested = false): boolean {
  return fields.some(
    (f) =>
      typeParameters(f) !== undefined ||
      (nested && f.mode === 'REQUIRED') ||
      (f.fields !== undefined && hasWriteConstraints(f.fields, true)),
  );
}

/**
 * The type of a field as GoogleSQL writes it with its parameters (`STRING(3)`, `NUMERIC(5, 2)`).
 *
 * @internal
 */
export function parameterizedTypeName(type: string, params: TypeParameters): string {
  if (params.maxLength !== undefined) return `${type}(${params.maxLength})`;
  return `${type}(${params.precision}, ${params.scale ?? 0})`;
}

/**
 * BigQuery's message for a STRING or BYTES value longer than its field allows.
 *
 * @internal
 */
export function tooLongMessage(
  path: string,
  typeName: string,
  maxLength: number,
  length: number | string,
): string {
  return `Field ${path}: ${typeName} has maximum length ${maxLength} but got a value with length ${length}`;
}

/**
 * BigQuery's message for a NUMERIC or BIGNUMERIC value with more integer digits than its field allows.
 *
 * @internal
 */
export function outOfRangeMessage(path: string, typeName: string, value?: string): string {
  return `Field ${path}: ${typeName} does not fit ${value === undefined ? 'a value' : `value ${value}`}: it has more integer digits than its precision minus its scale allows`;
}

/**
 * Rounds a decimal text (`-1.25e3` forms included) to `scale` fractional digits with the field's
 * rounding mode, exactly (BigInt), and returns its plain text with its integer-digit count.
 *
 * @internal
 */
export function roundDecimalText(
  text: string,
  scale: number,
  mode: TypeParameters['roundingMode'],
): { text: string; integerDigits: number } {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text.trim());
  if (!m) throw new Error(`Not a decimal: ${text}`);
  const negative = m[1] === '-';
  const fraction = m[3] ?? '';
  let unscaled = BigInt(`${m[2] || '0'}${fraction}` || '0');
  // unscaled × 10^shift is the value × 10^scale.
  const shift = Number(m[4] ?? 0) - fraction.length + scale;
  if (shift >= 0) unscaled *= 10n ** BigInt(shift);
  else {
    const divisor = 10n ** BigInt(-shift);
    const quotient = unscaled / divisor;
    const twiceRemainder = (unscaled % divisor) * 2n;
    const roundUp =
      twiceRemainder > divisor ||
      (twiceRemainder === divisor && (mode !== 'ROUND_HALF_EVEN' || quotient % 2n === 1n));
    unscaled = roundUp ? quotient + 1n : quotient;
  }
  const digits = unscaled.toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const frac = digits.slice(digits.length - scale);
  const sign = negative && unscaled !== 0n ? '-' : '';
  return {
    text: `${sign}${whole}${frac ? `.${frac}` : ''}`,
    integerDigits: whole === '0' ? 0 : whole.length,
  };
}

/**
 * Applies a field's parameters to a value already checked for its type (text forms: decimal text
 * for NUMERIC / BIGNUMERIC, base64 for BYTES). Returns the value to store (NUMERIC rounded) or the
 * message of the error BigQuery gives for it.
 *
 * @internal
 */
export function applyTypeParameters(
  type: string,
  params: TypeParameters,
  value: string,
  path: string,
): { value: string } | { problem: string } {
  const typeName = parameterizedTypeName(type, params);
  if (type === 'STRING' && params.maxLength !== undefined) {
    const length = [...value].length;
    return length > params.maxLength
      ? { problem: tooLongMessage(path, typeName, params.maxLength, length) }
      : { value };
  }
  if (type === 'BYTES' && params.maxLength !== undefined) {
    const length = Buffer.from(value, 'base64').length;
    return length > params.maxLength
      ? { problem: tooLongMessage(path, typeName, params.maxLength, length) }
      : { value };
  }
  if ((type === 'NUMERIC' || type === 'BIGNUMERIC') && params.precision !== undefined) {
    const scale = params.scale ?? 0;
    const rounded = roundDecimalText(value, scale, params.roundingMode);
    return rounded.integerDigits > params.precision - scale
      ? { problem: outOfRangeMessage(path, typeName, value) }
      : { value: rounded.text };
  }
  return { value };
}

/**
 * Whether `next` holds every value `current` holds, parameters considered: STRING(L) / BYTES(L) to a
 * larger L or none; NUMERIC(P, S) / BIGNUMERIC(P, S) to a scale and an integer-digit count no
 * smaller, or none.
 *
 * @internal
 */
export function widensParameters(current: BigQueryField, next: BigQueryField): boolean {
  const from = typeParameters(current);
  const to = typeParameters(next);
  if (!to) return true;
  if (!from) return false;
  if (to.maxLength !== undefined) return from.maxLength !== undefined && to.maxLength >= from.maxLength;
  const scale = (p: TypeParameters) => p.scale ?? 0;
  return scale(to) >= scale(from) && to.precision! - scale(to) >= from.precision! - scale(from);
}
