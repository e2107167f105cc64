/**
 * PARSE_NUMERIC / PARSE_BIGNUMERIC: GoogleSQL's lenient decimal text (a sign before or after the
 * number, spaces around the sign, commas in the integer part, an exponent), rounded half away from
 * zero to the type's scale. The stand-in's BIGNUMERIC holds 38 digits with 18 after the point
 * (BigQuery's holds 76.76 with 38): a value it cannot hold is refused, never rounded further.
 * @module
 */
import type { DuckDBType } from '@duckdb/node-api';
import type { DuckModule } from '../../values.js';
import { type ScalarSpec, SqlFunctionError } from './udf.js';

const TEXT = /^\s*([+-])?\s*(\d[\d,]*)?(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*([+-])?\s*$/;

/**
 * The value of a decimal text scaled to `scale` digits (half away from zero), as a bigint.
 *
 * @internal
 */
export function parseDecimalText(text: string, scale: number): bigint {
  const m = TEXT.exec(text);
  const [, lead, int = '', frac = '', exp = '0', trail] = m ?? [];
  if (!m || (int === '' && frac === '') || (lead && trail) || text.trim() === '') {
    throw new SqlFunctionError(`Invalid NUMERIC value: ${text}`);
  }
  const digits = int.replace(/,/g, '') + frac;
  const shift = Number(exp) - frac.length + scale;
  let value: bigint;
  if (shift >= 0) value = BigInt(digits || '0') * 10n ** BigInt(shift);
  else {
    const unit = 10n ** BigInt(-shift);
    const raw = BigInt(digits || '0');
    value = raw / unit + ((raw % unit) * 2n >= unit ? 1n : 0n);
  }
  return (lead ?? trail) === '-' ? -value : value;
}

function parser(
  name: string,
  scale: number,
  type: (d: DuckModule) => DuckDBType,
  maxDigits: number,
): ScalarSpec {
  return {
    name,
    params: [(d) => d.VARCHAR],
    returns: type,
    fn: ([s]) => {
      const value = parseDecimalText(s!.value as string, scale);
      // BigQuery's BIGNUMERIC keeps 38 fractional digits: a value that needs more than this type's
      // scale would be rounded here and not there.
      if (scale === 18 && parseDecimalText(s!.value as string, 38) !== value * 10n ** 20n) {
        throw new SqlFunctionError(
          `Unsupported by the BigQuery stand-in: BIGNUMERIC value with more than 18 fractional digits (${s!.value})`,
        );
      }
      if ((value < 0n ? -value : value) >= 10n ** BigInt(maxDigits)) {
        throw new SqlFunctionError(
          scale === 9
            ? `NUMERIC overflow: ${s!.value}`
            : `Unsupported by the BigQuery stand-in: BIGNUMERIC value beyond 38 digits (${s!.value})`,
        );
      }
      return { value, scale };
    },
  };
}

/**
 * PARSE_NUMERIC and PARSE_BIGNUMERIC.
 *
 * @internal
 */
export const numericFunctions: ScalarSpec[] = [
  parser('bq_parse_numeric', 9, (d) => d.DECIMAL(38, 9), 38),
  parser('bq_parse_bignumeric', 18, (d) => d.DECIMAL(38, 18), 38),
];
