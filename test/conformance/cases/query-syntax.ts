/** Examples of the GoogleSQL reference page "Query syntax": PIVOT, UNPIVOT and join conditions. */
import { type ConformanceCase, page } from '../case.js';

const { c } = page('query_syntax');

const PIVOT_PRODUCE = `WITH Produce AS (
  SELECT 'Kale' as product, 51 as sales, 'Q1' as quarter, 2020 as year UNION ALL
  SELECT 'Kale', 23, 'Q2', 2020 UNION ALL
  SELECT 'Kale', 45, 'Q3', 2020 UNION ALL
  SELECT 'Kale', 3, 'Q4', 2020 UNION ALL
  SELECT 'Kale', 70, 'Q1', 2021 UNION ALL
  SELECT 'Kale', 85, 'Q2', 2021 UNION ALL
  SELECT 'Apple', 77, 'Q1', 2020 UNION ALL
  SELECT 'Apple', 0, 'Q2', 2020 UNION ALL
  SELECT 'Apple', 1, 'Q1', 2021)
`;

const UNPIVOT_PRODUCE = `WITH Produce AS (
  SELECT 'Kale' as product, 51 as Q1, 23 as Q2, 45 as Q3, 3 as Q4 UNION ALL
  SELECT 'Apple', 77, 0, 25, 2)
`;

const AB = (a: string, b: string) => `WITH
  A AS (${a}),
  B AS (${b})
`;
const A3 = 'SELECT 1 as x UNION ALL SELECT 2 UNION ALL SELECT 3';
const A4 = 'SELECT 1 as x UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT NULL';
const B3 = 'SELECT 2 as x UNION ALL SELECT 3 UNION ALL SELECT 4';
const B4 = 'SELECT 2 as x UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5';

export const querySyntaxCases: ConformanceCase[] = [
  c('pivot_operator', `${PIVOT_PRODUCE}SELECT * FROM Produce`, [
    { product: 'Kale', sales: 51, quarter: 'Q1', year: 2020 },
    { product: 'Kale', sales: 23, quarter: 'Q2', year: 2020 },
    { product: 'Kale', sales: 45, quarter: 'Q3', year: 2020 },
    { product: 'Kale', sales: 3, quarter: 'Q4', year: 2020 },
    { product: 'Kale', sales: 70, quarter: 'Q1', year: 2021 },
    { product: 'Kale', sales: 85, quarter: 'Q2', year: 2021 },
    { product: 'Apple', sales: 77, quarter: 'Q1', year: 2020 },
    { product: 'Apple', sales: 0, quarter: 'Q2', year: 2020 },
    { product: 'Apple', sales: 1, quarter: 'Q1', year: 2021 },
  ]),
  c(
    'pivot_operator',
    `${PIVOT_PRODUCE}SELECT * FROM
  Produce
  PIVOT(SUM(sales) FOR quarter IN ('Q1', 'Q2', 'Q3', 'Q4'))`,
    [
      { product: 'Apple', year: 2020, Q1: 77, Q2: 0, Q3: null, Q4: null },
      { product: 'Apple', year: 2021, Q1: 1, Q2: null, Q3: null, Q4: null },
      { product: 'Kale', year: 2020, Q1: 51, Q2: 23, Q3: 45, Q4: 3 },
      { product: 'Kale', year: 2021, Q1: 70, Q2: 85, Q3: null, Q4: null },
    ],
  ),
  c(
    'pivot_operator',
    `${PIVOT_PRODUCE}SELECT * FROM
  (SELECT product, sales, quarter FROM Produce)
  PIVOT(SUM(sales) FOR quarter IN ('Q1', 'Q2', 'Q3', 'Q4'))`,
    [
      { product: 'Apple', Q1: 78, Q2: 0, Q3: null, Q4: null },
      { product: 'Kale', Q1: 121, Q2: 108, Q3: 45, Q4: 3 },
    ],
  ),
  c(
    'pivot_operator',
    `${PIVOT_PRODUCE}SELECT * FROM
  (SELECT product, sales, quarter FROM Produce)
  PIVOT(SUM(sales) FOR quarter IN ('Q1', 'Q2', 'Q3'))`,
    [
      { product: 'Apple', Q1: 78, Q2: 0, Q3: null },
      { product: 'Kale', Q1: 121, Q2: 108, Q3: 45 },
    ],
  ),
  c(
    'pivot_operator',
    `${PIVOT_PRODUCE}SELECT * FROM
  (SELECT sales, quarter FROM Produce)
  PIVOT(SUM(sales) FOR quarter IN ('Q1', 'Q2', 'Q3'))`,
    [{ Q1: 199, Q2: 108, Q3: 45 }],
  ),
  c(
    'pivot_operator',
    `${PIVOT_PRODUCE}SELECT * FROM
  (SELECT product, sales, quarter FROM Produce)
  PIVOT(SUM(sales) AS total_sales, COUNT(*) AS num_records FOR quarter IN ('Q1', 'Q2'))`,
    [
      { product: 'Kale', total_sales_Q1: 121, num_records_Q1: 2, total_sales_Q2: 108, num_records_Q2: 2 },
      { product: 'Apple', total_sales_Q1: 78, num_records_Q1: 2, total_sales_Q2: 0, num_records_Q2: 1 },
    ],
  ),
  c('unpivot_operator', `${UNPIVOT_PRODUCE}SELECT * FROM Produce`, [
    { product: 'Kale', Q1: 51, Q2: 23, Q3: 45, Q4: 3 },
    { product: 'Apple', Q1: 77, Q2: 0, Q3: 25, Q4: 2 },
  ]),
  c(
    'unpivot_operator',
    `${UNPIVOT_PRODUCE}SELECT * FROM Produce
UNPIVOT(sales FOR quarter IN (Q1, Q2, Q3, Q4))`,
    [
      { product: 'Kale', sales: 51, quarter: 'Q1' },
      { product: 'Kale', sales: 23, quarter: 'Q2' },
      { product: 'Kale', sales: 45, quarter: 'Q3' },
      { product: 'Kale', sales: 3, quarter: 'Q4' },
      { product: 'Apple', sales: 77, quarter: 'Q1' },
      { product: 'Apple', sales: 0, quarter: 'Q2' },
      { product: 'Apple', sales: 25, quarter: 'Q3' },
      { product: 'Apple', sales: 2, quarter: 'Q4' },
    ],
  ),
  c(
    'unpivot_operator',
    `${UNPIVOT_PRODUCE}SELECT * FROM Produce
UNPIVOT(
  (first_half_sales, second_half_sales)
  FOR semesters
  IN ((Q1, Q2) AS 'semester_1', (Q3, Q4) AS 'semester_2'))`,
    [
      { product: 'Kale', first_half_sales: 51, second_half_sales: 23, semesters: 'semester_1' },
      { product: 'Kale', first_half_sales: 45, second_half_sales: 3, semesters: 'semester_2' },
      { product: 'Apple', first_half_sales: 77, second_half_sales: 0, semesters: 'semester_1' },
      { product: 'Apple', first_half_sales: 25, second_half_sales: 2, semesters: 'semester_2' },
    ],
  ),
  c(
    'using_clause',
    `${AB('SELECT 1 as x UNION ALL SELECT 2 UNION ALL SELECT 9 UNION ALL SELECT NULL', 'SELECT 2 as x UNION ALL SELECT 9 UNION ALL SELECT 9 UNION ALL SELECT 5')}SELECT * FROM A INNER JOIN B USING (x)`,
    [{ x: 2 }, { x: 9 }, { x: 9 }],
  ),
  c('using_clause', `${AB(A4, B4)}SELECT * FROM A LEFT OUTER JOIN B USING (x)`, [
    { x: 1 },
    { x: 2 },
    { x: 3 },
    { x: null },
  ]),
  c('using_clause', `${AB(A3, B3)}SELECT * FROM A FULL OUTER JOIN B USING (x)`, [
    { x: 1 },
    { x: 2 },
    { x: 3 },
    { x: 4 },
  ]),
  c('using_clause', `${AB(A4, B4)}SELECT A.x FROM A INNER JOIN B ON A.x = B.x`, [{ x: 2 }, { x: 3 }]),
  c('using_clause', `${AB(A4, B4)}SELECT x FROM A INNER JOIN B USING (x)`, [{ x: 2 }, { x: 3 }]),
  c(
    'using_clause',
    `WITH A AS (SELECT 'a' AS v, 1 AS x), B AS (SELECT 'b' AS w, 1 AS x)
SELECT * FROM A INNER JOIN B USING (x)`,
    [{ x: 1, v: 'a', w: 'b' }],
  ),
];
