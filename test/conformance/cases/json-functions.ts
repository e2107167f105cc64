/**
 * Examples of the GoogleSQL reference page "JSON functions". GoogleSQL's `DOUBLE` / `LAX_DOUBLE` are
 * BigQuery's `FLOAT64` / `LAX_FLOAT64`; BigQuery returns a NULL array as `[]`, and an array with a
 * NULL element in a query result is an error.
 */
import { type ConformanceCase, F, J, page } from '../case.js';

const { c, err } = page('json_functions');

const classes = {
  jane: `'{"class": {"students": [{"name": "Jane"}]}}'`,
  empty: `'{"class": {"students": []}}'`,
  two: `'{"class": {"students": [{"name": "John"}, {"name": "Jamie"}]}}'`,
  nullName: `'{"class": {"students": [{"name": "John"}, {"name": null}]}}'`,
};

/** The examples JSON_EXTRACT and JSON_QUERY share, in their two JSONPath dialects. */
function extractCases(fn: 'json_extract' | 'json_query'): ConformanceCase[] {
  const F = fn.toUpperCase();
  const quoted = fn === 'json_extract' ? `"$.class['students']"` : `'$.class."students"'`;
  const one = (doc: string, path: string, alias: string, value: string | null) =>
    c(fn, `SELECT ${F}(${doc}, ${path}) AS ${alias}`, [{ [alias]: value }]);
  return [
    c(fn, `SELECT ${F}(JSON '{"class": {"students": [{"id": 5}, {"id": 12}]}}', '$.class') AS json_data`, [
      { json_data: J('{"students":[{"id":5},{"id":12}]}') },
    ]),
    one(classes.jane, "'$'", 'json_text_string', '{"class":{"students":[{"name":"Jane"}]}}'),
    one(classes.empty, "'$'", 'json_text_string', '{"class":{"students":[]}}'),
    one(classes.two, "'$'", 'json_text_string', '{"class":{"students":[{"name":"John"},{"name":"Jamie"}]}}'),
    one(classes.jane, "'$.class.students[0]'", 'first_student', '{"name":"Jane"}'),
    one(classes.empty, "'$.class.students[0]'", 'first_student', null),
    one(classes.two, "'$.class.students[0]'", 'first_student', '{"name":"John"}'),
    one(classes.jane, "'$.class.students[1].name'", 'second_student', null),
    one(classes.empty, "'$.class.students[1].name'", 'second_student', null),
    one(classes.nullName, "'$.class.students[1].name'", 'second_student', null),
    one(classes.two, "'$.class.students[1].name'", 'second_student', '"Jamie"'),
    one(classes.jane, quoted, 'student_names', '[{"name":"Jane"}]'),
    one(classes.empty, quoted, 'student_names', '[]'),
    one(classes.two, quoted, 'student_names', '[{"name":"John"},{"name":"Jamie"}]'),
    c(fn, `SELECT ${F}('{"a": null}', "$.a") AS r`, [{ r: null }]),
    c(fn, `SELECT ${F}('{"a": null}', "$.b") AS r`, [{ r: null }]),
    c(fn, `SELECT ${F}(JSON '{"a": null}', "$.a") AS r`, [{ r: J('null') }]),
    c(fn, `SELECT ${F}(JSON '{"a": null}', "$.b") AS r`, [{ r: null }]),
    c(fn, `SELECT ${F}("null", "$") AS r`, [{ r: null }]),
    c(fn, `SELECT ${F}(JSON 'null', "$") AS r`, [{ r: J('null') }]),
  ];
}

/** The examples JSON_EXTRACT_ARRAY and JSON_QUERY_ARRAY share. */
function extractArrayCases(fn: 'json_extract_array' | 'json_query_array'): ConformanceCase[] {
  const F = fn.toUpperCase();
  const std = fn === 'json_query_array';
  const scalar = std ? 'JSON_VALUE' : 'JSON_EXTRACT_SCALAR';
  return [
    c(fn, `SELECT ${F}(JSON '{"fruits":["apples","oranges","grapes"]}','$.fruits') AS json_array`, [
      { json_array: [J('"apples"'), J('"oranges"'), J('"grapes"')] },
    ]),
    c(fn, `SELECT ${F}('[1,2,3]') AS string_array`, [{ string_array: ['1', '2', '3'] }]),
    c(
      fn,
      `SELECT ARRAY(
  SELECT CAST(integer_element AS INT64)
  FROM UNNEST(${F}('[1,2,3]','$')) AS integer_element
) AS integer_array`,
      [{ integer_array: [1, 2, 3] }],
    ),
    c(fn, `SELECT ${F}('["apples", "oranges", "grapes"]', '$') AS string_array`, [
      { string_array: ['"apples"', '"oranges"', '"grapes"'] },
    ]),
    c(
      fn,
      `SELECT ARRAY(
  SELECT ${scalar}(string_element, '$')
  FROM UNNEST(${F}('["apples","oranges","grapes"]','$')) AS string_element
) AS string_array`,
      [{ string_array: ['apples', 'oranges', 'grapes'] }],
    ),
    c(
      fn,
      `SELECT ${F}(
  '{"fruit": [{"apples": 5, "oranges": 10}, {"apples": 2, "oranges": 4}], "vegetables": [{"lettuce": 7, "kale": 8}]}',
  '$.fruit'
) AS string_array`,
      [{ string_array: ['{"apples":5,"oranges":10}', '{"apples":2,"oranges":4}'] }],
    ),
    c(fn, `SELECT ${F}('{"fruits": ["apples", "oranges", "grapes"]}', '$.fruits') AS string_array`, [
      { string_array: ['"apples"', '"oranges"', '"grapes"'] },
    ]),
    c(
      fn,
      `SELECT ${F}('{"fruits": ["apples", "oranges", "grapes"]}', ${std ? `'$."fruits"'` : `'$[fruits]'`}) AS string_array`,
      [{ string_array: ['"apples"', '"oranges"', '"grapes"'] }],
    ),
    c(fn, `SELECT ${F}('{"a.b": {"c": ["world"]}}', ${std ? `'$."a.b".c'` : `"$['a.b'].c"`}) AS hello`, [
      { hello: ['"world"'] },
    ]),
    err(fn, `SELECT ${F}('["foo", "bar", "baz"]', 'INVALID_JSONPath') AS result`),
    c(fn, `SELECT ${F}('{"a": "foo"}', '$.a') AS result`, [{ result: [] }]),
    c(fn, `SELECT ${F}('{"a": "foo"}', '$.b') AS result`, [{ result: [] }]),
    c(fn, `SELECT ${F}('{"a": "foo", "b": []}', '$.b') AS result`, [{ result: [] }]),
  ];
}

/** The examples JSON_EXTRACT_STRING_ARRAY and JSON_VALUE_ARRAY share. */
function valueArrayCases(fn: 'json_extract_string_array' | 'json_value_array'): ConformanceCase[] {
  const F = fn.toUpperCase();
  const std = fn === 'json_value_array';
  const query = std ? 'JSON_QUERY_ARRAY' : 'JSON_EXTRACT_ARRAY';
  return [
    c(fn, `SELECT ${F}(JSON '{"fruits": ["apples", "oranges", "grapes"]}', '$.fruits') AS string_array`, [
      { string_array: ['apples', 'oranges', 'grapes'] },
    ]),
    c(
      fn,
      `SELECT ${query}('["apples", "oranges"]') AS json_array, ${F}('["apples", "oranges"]') AS string_array`,
      [{ json_array: ['"apples"', '"oranges"'], string_array: ['apples', 'oranges'] }],
    ),
    c(fn, `SELECT ${F}('["foo", "bar", "baz"]', '$') AS string_array`, [
      { string_array: ['foo', 'bar', 'baz'] },
    ]),
    c(
      fn,
      `SELECT ARRAY(
  SELECT CAST(integer_element AS INT64)
  FROM UNNEST(${F}('[1, 2, 3]', '$')) AS integer_element
) AS integer_array`,
      [{ integer_array: [1, 2, 3] }],
    ),
    c(fn, `SELECT ${F}('{"fruits": ["apples", "oranges", "grapes"]}', '$.fruits') AS string_array`, [
      { string_array: ['apples', 'oranges', 'grapes'] },
    ]),
    c(
      fn,
      `SELECT ${F}('{"fruits": ["apples", "oranges", "grapes"]}', ${std ? `'$."fruits"'` : `'$[fruits]'`}) AS string_array`,
      [{ string_array: ['apples', 'oranges', 'grapes'] }],
    ),
    c(fn, `SELECT ${F}('{"a.b": {"c": ["world"]}}', ${std ? `'$."a.b".c'` : `"$['a.b'].c"`}) AS hello`, [
      { hello: ['world'] },
    ]),
    err(fn, `SELECT ${F}('["foo", "bar", "baz"]', 'INVALID_JSONPath') AS result`),
    c(fn, `SELECT ${F}('}}', '$') AS result`, [{ result: [] }]),
    c(fn, `SELECT ${F}(NULL, '$') AS result`, [{ result: [] }]),
    c(fn, `SELECT ${F}('{"a": ["foo", "bar", "baz"]}', '$.b') AS result`, [{ result: [] }]),
    c(fn, `SELECT ${F}('{"a": "foo"}', '$') AS result`, [{ result: [] }]),
    c(fn, `SELECT ${F}('{"a": [{"b": "foo", "c": 1}, {"b": "bar", "c": 2}], "d": "baz"}', '$.a') AS result`, [
      { result: [] },
    ]),
    c(fn, `SELECT ${F}('{"a": [10, {"b": 20}]', '$.a') AS result`, [{ result: [] }]),
    c(fn, `SELECT ${F}('{"a": "foo", "b": []}', '$.b') AS result`, [{ result: [] }]),
    // A NULL element in an array of a query result is an error in BigQuery.
    err(fn, `SELECT ${F}('["world", null, 1]') AS result`),
  ];
}

/** The examples JSON_EXTRACT_SCALAR and JSON_VALUE share. */
function valueCases(fn: 'json_extract_scalar' | 'json_value'): ConformanceCase[] {
  const F = fn.toUpperCase();
  const std = fn === 'json_value';
  const query = std ? 'JSON_QUERY' : 'JSON_EXTRACT';
  return [
    c(fn, `SELECT ${F}(JSON '{"name": "Jakob", "age": "6" }', '$.age') AS scalar_age`, [{ scalar_age: '6' }]),
    c(
      fn,
      `SELECT ${query}('{"name": "Jakob", "age": "6" }', '$.name') AS json_name,
  ${F}('{"name": "Jakob", "age": "6" }', '$.name') AS scalar_name,
  ${query}('{"name": "Jakob", "age": "6" }', '$.age') AS json_age,
  ${F}('{"name": "Jakob", "age": "6" }', '$.age') AS scalar_age`,
      [{ json_name: '"Jakob"', scalar_name: 'Jakob', json_age: '"6"', scalar_age: '6' }],
    ),
    c(
      fn,
      `SELECT ${query}('{"fruits": ["apple", "banana"]}', '$.fruits') AS json_query,
  ${F}('{"fruits": ["apple", "banana"]}', '$.fruits') AS json_value`,
      [{ json_query: '["apple","banana"]', json_value: null }],
    ),
    c(fn, `SELECT ${F}('{"a.b": {"c": "world"}}', ${std ? `'$."a.b".c'` : `"$['a.b'].c"`}) AS hello`, [
      { hello: 'world' },
    ]),
  ];
}

const lax = (fn: string, input: string, result: null | boolean | number | string | ReturnType<typeof F>) =>
  c(fn, `SELECT ${fn.toUpperCase()}(JSON '${input}') AS result`, [{ result }]);

export const jsonFunctionCases: ConformanceCase[] = [
  c('bool', "SELECT BOOL(JSON 'true') AS vacancy", [{ vacancy: true }]),
  c(
    'bool',
    `SELECT BOOL(JSON_QUERY(JSON '{"hotel class": "5-star", "vacancy": true}', "$.vacancy")) AS vacancy`,
    [{ vacancy: true }],
  ),
  err('bool', "SELECT BOOL(JSON '123') AS result"),
  err('bool', "SELECT BOOL(JSON 'null') AS result"),
  c('bool', "SELECT SAFE.BOOL(JSON '123') AS result", [{ result: null }]),
  c('float64', "SELECT FLOAT64(JSON '9.8') AS velocity", [{ velocity: 9.8 }]),
  c('float64', `SELECT FLOAT64(JSON_QUERY(JSON '{"vo2_max": 39.1, "age": 18}', "$.vo2_max")) AS vo2_max`, [
    { vo2_max: 39.1 },
  ]),
  c('float64', "SELECT FLOAT64(JSON '18446744073709551615', wide_number_mode=>'round') as result", [
    { result: F(18446744073709552000) },
  ]),
  c('float64', "SELECT FLOAT64(JSON '18446744073709551615') as result", [
    { result: F(18446744073709552000) },
  ]),
  err('float64', `SELECT FLOAT64(JSON '"strawberry"') AS result`),
  err('float64', "SELECT FLOAT64(JSON 'null') AS result"),
  err('float64', "SELECT FLOAT64(JSON '123.4', wide_number_mode=>'EXACT') as result"),
  err('float64', "SELECT FLOAT64(JSON '123.4', wide_number_mode=>'exac') as result"),
  err('float64', "SELECT FLOAT64(JSON '18446744073709551615', wide_number_mode=>'exact') as result"),
  c('float64', `SELECT SAFE.FLOAT64(JSON '"strawberry"') AS result`, [{ result: null }]),
  c('int64', "SELECT INT64(JSON '2005') AS flight_number", [{ flight_number: 2005 }]),
  c(
    'int64',
    `SELECT INT64(JSON_QUERY(JSON '{"gate": "A4", "flight_number": 2005}', "$.flight_number")) AS flight_number`,
    [{ flight_number: 2005 }],
  ),
  c('int64', "SELECT INT64(JSON '10.0') AS score", [{ score: 10 }]),
  err('int64', "SELECT INT64(JSON '10.1') AS result"),
  err('int64', `SELECT INT64(JSON '"strawberry"') AS result`),
  err('int64', "SELECT INT64(JSON 'null') AS result"),
  c('int64', `SELECT SAFE.INT64(JSON '"strawberry"') AS result`, [{ result: null }]),
  c('json_array', 'SELECT JSON_ARRAY(10) AS json_data', [{ json_data: J('[10]') }]),
  c('json_array', 'SELECT JSON_ARRAY([]) AS json_data', [{ json_data: J('[[]]') }]),
  c('json_array', "SELECT JSON_ARRAY(10, 'foo', NULL) AS json_data", [{ json_data: J('[10,"foo",null]') }]),
  c('json_array', "SELECT JSON_ARRAY(STRUCT(10 AS a, 'foo' AS b)) AS json_data", [
    { json_data: J('[{"a":10,"b":"foo"}]') },
  ]),
  c('json_array', "SELECT JSON_ARRAY(10, ['foo', 'bar'], [20, 30]) AS json_data", [
    { json_data: J('[10,["foo","bar"],[20,30]]') },
  ]),
  c('json_array', `SELECT JSON_ARRAY(10, [JSON '20', JSON '"foo"']) AS json_data`, [
    { json_data: J('[10,[20,"foo"]]') },
  ]),
  c('json_array', 'SELECT JSON_ARRAY() AS json_data', [{ json_data: J('[]') }]),
  ...extractCases('json_extract'),
  ...extractArrayCases('json_extract_array'),
  c(
    'json_extract_scalar',
    `SELECT JSON_EXTRACT_SCALAR(JSON '{"name": "Jakob", "age": "6" }', '$.age') AS scalar_age`,
    [{ scalar_age: '6' }],
  ),
  ...valueCases('json_extract_scalar'),
  ...valueArrayCases('json_extract_string_array'),
  c('json_object', 'SELECT JSON_OBJECT() AS json_data', [{ json_data: J('{}') }]),
  c('json_object', "SELECT JSON_OBJECT('foo', 10, 'bar', TRUE) AS json_data", [
    { json_data: J('{"bar":true,"foo":10}') },
  ]),
  c('json_object', "SELECT JSON_OBJECT('foo', 10, 'bar', ['a', 'b']) AS json_data", [
    { json_data: J('{"bar":["a","b"],"foo":10}') },
  ]),
  c('json_object', "SELECT JSON_OBJECT('a', NULL, 'b', JSON 'null') AS json_data", [
    { json_data: J('{"a":null,"b":null}') },
  ]),
  c('json_object', "SELECT JSON_OBJECT('a', 10, 'a', 'foo') AS json_data", [{ json_data: J('{"a":10}') }]),
  c(
    'json_object',
    "WITH Items AS (SELECT 'hello' AS key, 'world' AS value)\nSELECT JSON_OBJECT(key, value) AS json_data FROM Items",
    [{ json_data: J('{"hello":"world"}') }],
  ),
  err('json_object', 'SELECT JSON_OBJECT(NULL, 1) AS json_data'),
  err('json_object', "SELECT JSON_OBJECT('a', 1, 'b') AS json_data"),
  c('json_object', 'SELECT JSON_OBJECT(CAST([] AS ARRAY<STRING>), []) AS json_data', [
    { json_data: J('{}') },
  ]),
  c('json_object', "SELECT JSON_OBJECT(['a', 'b'], [10, NULL]) AS json_data", [
    { json_data: J('{"a":10,"b":null}') },
  ]),
  c('json_object', `SELECT JSON_OBJECT(['a', 'b'], [JSON '10', JSON '"foo"']) AS json_data`, [
    { json_data: J('{"a":10,"b":"foo"}') },
  ]),
  c(
    'json_object',
    `SELECT
  JSON_OBJECT(
    ['a', 'b'],
    [STRUCT(10 AS id, 'Red' AS color), STRUCT(20 AS id, 'Blue' AS color)])
    AS json_data`,
    [{ json_data: J('{"a":{"color":"Red","id":10},"b":{"color":"Blue","id":20}}') }],
  ),
  c('json_object', "SELECT JSON_OBJECT(['a', 'b'], [TO_JSON(10), TO_JSON(['foo', 'bar'])]) AS json_data", [
    { json_data: J('{"a":10,"b":["foo","bar"]}') },
  ]),
  c(
    'json_object',
    `WITH
  Fruits AS (
    SELECT 0 AS id, 'color' AS json_key, 'red' AS json_value UNION ALL
    SELECT 0, 'fruit', 'apple' UNION ALL
    SELECT 1, 'fruit', 'banana' UNION ALL
    SELECT 1, 'ripe', 'true'
  )
SELECT JSON_OBJECT(ARRAY_AGG(json_key), ARRAY_AGG(json_value)) AS json_data
FROM Fruits
GROUP BY id`,
    [
      { json_data: J('{"color":"red","fruit":"apple"}') },
      { json_data: J('{"fruit":"banana","ripe":"true"}') },
    ],
  ),
  err('json_object', "SELECT JSON_OBJECT(['a', 'b'], [10]) AS json_data"),
  err('json_object', 'SELECT JSON_OBJECT(CAST(NULL AS ARRAY<STRING>), [10, 20]) AS json_data'),
  err('json_object', "SELECT JSON_OBJECT(['a', 'b'], CAST(NULL AS ARRAY<INT64>)) AS json_data"),
  ...extractCases('json_query'),
  ...extractArrayCases('json_query_array'),
  c(
    'json_type',
    `SELECT json_val, JSON_TYPE(json_val) AS type
FROM
  UNNEST(
    [
      JSON '"apple"',
      JSON '10',
      JSON '3.14',
      JSON 'null',
      JSON '{"city": "New York", "State": "NY"}',
      JSON '["apple", "banana"]',
      JSON 'false'
    ]
  ) AS json_val`,
    [
      { json_val: J('"apple"'), type: 'string' },
      { json_val: J('10'), type: 'number' },
      { json_val: J('3.14'), type: 'number' },
      { json_val: J('null'), type: 'null' },
      { json_val: J('{"State":"NY","city":"New York"}'), type: 'object' },
      { json_val: J('["apple","banana"]'), type: 'array' },
      { json_val: J('false'), type: 'boolean' },
    ],
  ),
  ...valueCases('json_value'),
  ...valueArrayCases('json_value_array'),
  lax('lax_bool', 'true', true),
  lax('lax_bool', '"true"', true),
  lax('lax_bool', '"true "', null),
  lax('lax_bool', '"foo"', null),
  lax('lax_bool', '10', true),
  lax('lax_bool', '0', false),
  lax('lax_bool', '0.0', false),
  lax('lax_bool', '-1.1', true),
  lax('lax_float64', '9.8', 9.8),
  lax('lax_float64', '9', F(9)),
  lax('lax_float64', '9007199254740993', F(9007199254740992)),
  lax('lax_float64', '1e100', F(1e100)),
  lax('lax_float64', 'true', null),
  lax('lax_float64', 'false', null),
  lax('lax_float64', '"10"', F(10)),
  lax('lax_float64', '"1.1"', 1.1),
  lax('lax_float64', '"1.1e2"', F(110)),
  lax('lax_float64', '"9007199254740993"', F(9007199254740992)),
  lax('lax_float64', '"+1.5"', 1.5),
  lax('lax_float64', '"NaN"', F('NaN')),
  lax('lax_float64', '"Inf"', F('Infinity')),
  lax('lax_float64', '"-InfiNiTY"', F('-Infinity')),
  lax('lax_float64', '"foo"', null),
  lax('lax_int64', '10', 10),
  lax('lax_int64', '10.0', 10),
  lax('lax_int64', '1.1', 1),
  lax('lax_int64', '3.5', 4),
  lax('lax_int64', '1.1e2', 110),
  lax('lax_int64', '1e100', null),
  lax('lax_int64', 'true', 1),
  lax('lax_int64', 'false', 0),
  lax('lax_int64', '"10"', 10),
  lax('lax_int64', '"1.1"', 1),
  lax('lax_int64', '"1.1e2"', 110),
  lax('lax_int64', '"+1.5"', 2),
  lax('lax_int64', '"1e100"', null),
  lax('lax_int64', '"foo"', null),
  lax('lax_string', '"purple"', 'purple'),
  lax('lax_string', '"10"', '10'),
  lax('lax_string', 'true', 'true'),
  lax('lax_string', 'false', 'false'),
  lax('lax_string', '10.0', '10'),
  lax('lax_string', '10', '10'),
  lax('lax_string', '1e100', '1e+100'),
  c('parse_json', `SELECT PARSE_JSON('{"coordinates": [10, 20], "id": 1}') AS json_data`, [
    { json_data: J('{"coordinates":[10,20],"id":1}') },
  ]),
  err('parse_json', `SELECT PARSE_JSON('{"id": 922337203685477580701}') AS json_data`),
  err(
    'parse_json',
    `SELECT PARSE_JSON('{"id": 922337203685477580701}', wide_number_mode=>'exact') AS json_data`,
  ),
  c(
    'parse_json',
    `SELECT PARSE_JSON('{"id": 922337203685477580701}', wide_number_mode=>'round') AS json_data`,
    [{ json_data: J('{"id":9.223372036854776e+20}') }],
  ),
  c('parse_json', "SELECT PARSE_JSON('6') AS json_data", [{ json_data: J('6') }]),
  c('parse_json', `SELECT PARSE_JSON('"red"') AS json_data`, [{ json_data: J('"red"') }]),
  c('string', `SELECT STRING(JSON '"purple"') AS color`, [{ color: 'purple' }]),
  c('string', `SELECT STRING(JSON_QUERY(JSON '{"name": "sky", "color": "blue"}', "$.color")) AS color`, [
    { color: 'blue' },
  ]),
  err('string', "SELECT STRING(JSON '123') AS result"),
  err('string', "SELECT STRING(JSON 'null') AS result"),
  c('string', "SELECT SAFE.STRING(JSON '123') AS result", [{ result: null }]),
  c(
    'to_json',
    `With CoordinatesTable AS (
    (SELECT 1 AS id, [10, 20] AS coordinates) UNION ALL
    (SELECT 2 AS id, [30, 40] AS coordinates) UNION ALL
    (SELECT 3 AS id, [50, 60] AS coordinates))
SELECT TO_JSON(t) AS json_objects
FROM CoordinatesTable AS t`,
    [
      { json_objects: J('{"coordinates":[10,20],"id":1}') },
      { json_objects: J('{"coordinates":[30,40],"id":2}') },
      { json_objects: J('{"coordinates":[50,60],"id":3}') },
    ],
  ),
  c('to_json', 'SELECT TO_JSON(9007199254740993, stringify_wide_numbers=>TRUE) as stringify_on', [
    { stringify_on: J('"9007199254740993"') },
  ]),
  c('to_json', 'SELECT TO_JSON(9007199254740993, stringify_wide_numbers=>FALSE) as stringify_off', [
    { stringify_off: J('9007199254740993') },
  ]),
  c('to_json', 'SELECT TO_JSON(9007199254740993) as stringify_off', [
    { stringify_off: J('9007199254740993') },
  ]),
  c(
    'to_json',
    `With T1 AS (
  (SELECT 9007199254740993 AS id) UNION ALL
  (SELECT 2 AS id))
SELECT TO_JSON(t, stringify_wide_numbers=>TRUE) AS json_objects
FROM T1 AS t`,
    [{ json_objects: J('{"id":"9007199254740993"}') }, { json_objects: J('{"id":2}') }],
  ),
  c(
    'to_json',
    `With T1 AS (
  (SELECT 9007199254740993 AS id) UNION ALL
  (SELECT 2.1 AS id))
SELECT TO_JSON(t, stringify_wide_numbers=>TRUE) AS json_objects
FROM T1 AS t`,
    [{ json_objects: J('{"id":9.007199254740992e+15}') }, { json_objects: J('{"id":2.1}') }],
  ),
  c('to_json_string', 'SELECT TO_JSON_STRING(STRUCT(1 AS id, [10,20] AS coordinates)) AS json_data', [
    { json_data: '{"id":1,"coordinates":[10,20]}' },
  ]),
  c('to_json_string', 'SELECT TO_JSON_STRING(STRUCT(1 AS id, [10,20] AS coordinates), true) AS json_data', [
    { json_data: '{\n  "id": 1,\n  "coordinates": [\n    10,\n    20\n  ]\n}' },
  ]),
  // The JSON encodings table (TO_JSON_STRING and TO_JSON of each type).
  ...(
    [
      ['NULL', 'null'],
      ['TRUE', 'true'],
      ['-1', '-1'],
      ['9007199254740992', '9007199254740992'],
      ['9007199254740993', '"9007199254740993"'],
      ["NUMERIC '9007199254740993'", '"9007199254740993"'],
      ["NUMERIC '123.56'", '"123.56"'],
      ["CAST('+inf' AS FLOAT64)", '"Infinity"'],
      ["CAST('NaN' AS FLOAT64)", '"NaN"'],
      ['"\\"abc\\""', '"\\"abc\\""'],
      ['b"Google"', '"R29vZ2xl"'],
      ["DATE '2017-03-06'", '"2017-03-06"'],
      ["TIMESTAMP '2017-03-06 12:34:56.789012'", '"2017-03-06T12:34:56.789012Z"'],
      ["DATETIME '2017-03-06 12:34:56.789012'", '"2017-03-06T12:34:56.789012"'],
      ["TIME '12:34:56.789012'", '"12:34:56.789012"'],
      ['JSON \'{"item": "pen", "price": 10}\'', '{"item":"pen","price":10}'],
      ['["red", "blue", "green"]', '["red","blue","green"]'],
      ['STRUCT(12 AS purchases, TRUE AS inStock)', '{"purchases":12,"inStock":true}'],
    ] as const
  ).map(([input, output]) =>
    c('json_encodings', `SELECT TO_JSON_STRING(${input}) AS json_string`, [{ json_string: output }]),
  ),
  ...(
    [
      ['9007199254740993', '9007199254740993'],
      ["NUMERIC '123.56'", '123.56'],
      ["NUMERIC '9007199254740993'", '9007199254740993'],
      ["CAST('-inf' AS FLOAT64)", '"-Infinity"'],
      ['STRUCT(12 AS purchases, TRUE AS inStock)', '{"inStock":true,"purchases":12}'],
      ['JSON \'{"item": "pen", "price": 10}\'', '{"item":"pen","price":10}'],
    ] as const
  ).map(([input, output]) =>
    c('json_encodings', `SELECT TO_JSON(${input}) AS json_value`, [{ json_value: J(output) }]),
  ),
];
