/**
 * String and bytes functions: almost all run on the stand-in's JavaScript library (BigQuery counts
 * code points and treats BYTES apart, DuckDB does neither the same way); REGEXP_CONTAINS and
 * REGEXP_REPLACE run on DuckDB's RE2, the engine BigQuery uses too.
 * @module
 */
import { type Call, type FunctionEntry, type FunctionTable, udf } from './call.js';

const NORMAL_FORMS = new Set(['NFC', 'NFKC', 'NFD', 'NFKD']);

function normalizeMode(c: Call): string {
  c.arity(1, 2);
  const mode = c.count > 1 ? c.word(1) : 'NFC';
  if (!mode || !NORMAL_FORMS.has(mode)) c.fail(`${c.name} expects NFC, NFKC, NFD or NFKD as its mode`);
  return `'${mode}'`;
}

/**
 * A function with STRING and BYTES forms whose result has its first argument's type: a bare NULL
 * there is a STRING, as in GoogleSQL (the first signature).
 */
function textual(name: string): FunctionEntry {
  return {
    rewrite: (c) =>
      `${name}(${c.args.map((_, k) => (k === 0 && c.isNull(0) ? 'CAST(NULL AS VARCHAR)' : c.arg(k))).join(', ')})`,
  };
}

/**
 * The string functions.
 *
 * @internal
 */
export const STRING_FUNCTIONS: FunctionTable = {
  ASCII: udf('bq_ascii'),
  BYTE_LENGTH: udf('bq_byte_length'),
  OCTET_LENGTH: udf('bq_byte_length'),
  CHAR_LENGTH: udf('bq_char_length'),
  CHARACTER_LENGTH: udf('bq_char_length'),
  LENGTH: udf('bq_length'),
  CHR: udf('bq_chr'),
  CODE_POINTS_TO_BYTES: udf('bq_code_points_to_bytes'),
  CODE_POINTS_TO_STRING: udf('bq_code_points_to_string'),
  CONCAT: udf('bq_concat', 'VARCHAR'),
  CONTAINS_SUBSTR: udf('bq_contains_substr', 'VARCHAR'),
  EDIT_DISTANCE: {
    rewrite: (c) => {
      c.arity(2, 3);
      const named = c.count === 3 ? c.named(2) : undefined;
      if (c.count === 3 && named?.name !== 'max_distance')
        c.fail('EDIT_DISTANCE takes max_distance => n as its third argument');
      const max = named ? `, ${c.tr.emit(named.value[0], named.value[1]).trim()}` : '';
      return `bq_edit_distance(${c.arg(0)}, ${c.arg(1)}${max})`;
    },
  },
  ENDS_WITH: udf('bq_ends_with'),
  STARTS_WITH: udf('bq_starts_with'),
  FORMAT: udf('bq_format', 'VARCHAR'),
  FROM_BASE32: udf('bq_from_base32'),
  FROM_BASE64: udf('bq_from_base64'),
  FROM_HEX: udf('bq_from_hex'),
  TO_BASE32: udf('bq_to_base32'),
  TO_BASE64: udf('bq_to_base64'),
  TO_HEX: udf('bq_to_hex'),
  INITCAP: udf('bq_initcap'),
  INSTR: udf('bq_instr'),
  LEFT: textual('bq_left'),
  RIGHT: textual('bq_right'),
  LOWER: textual('bq_lower'),
  UPPER: textual('bq_upper'),
  LPAD: textual('bq_lpad'),
  RPAD: textual('bq_rpad'),
  LTRIM: textual('bq_ltrim'),
  RTRIM: textual('bq_rtrim'),
  TRIM: textual('bq_trim'),
  NORMALIZE: { rewrite: (c) => `bq_normalize(${c.arg(0)}, ${normalizeMode(c)})` },
  NORMALIZE_AND_CASEFOLD: { rewrite: (c) => `bq_normalize_and_casefold(${c.arg(0)}, ${normalizeMode(c)})` },
  REGEXP_CONTAINS: {
    rewrite: (c) => {
      c.arity(2);
      return `regexp_matches(${c.arg(0)}, ${c.arg(1)})`;
    },
  },
  REGEXP_EXTRACT: textual('bq_regexp_extract'),
  REGEXP_SUBSTR: textual('bq_regexp_extract'),
  REGEXP_EXTRACT_ALL: textual('bq_regexp_extract_all'),
  REGEXP_INSTR: udf('bq_regexp_instr'),
  REGEXP_REPLACE: {
    rewrite: (c) => {
      c.arity(3);
      return `regexp_replace(${c.all()}, 'g')`;
    },
  },
  REPEAT: textual('bq_repeat'),
  REPLACE: textual('bq_replace'),
  REVERSE: textual('bq_reverse'),
  SAFE_CONVERT_BYTES_TO_STRING: udf('bq_safe_convert_bytes_to_string'),
  SOUNDEX: udf('bq_soundex'),
  SPLIT: textual('bq_split'),
  SPLIT_SUBSTR: udf('bq_split_substr'),
  STRPOS: udf('bq_strpos'),
  SUBSTR: textual('bq_substr'),
  SUBSTRING: textual('bq_substr'),
  TO_CODE_POINTS: udf('bq_to_code_points'),
  TRANSLATE: udf('bq_translate'),
  UNICODE: udf('bq_unicode'),
};
