/** Every case of the GoogleSQL conformance suite, page by page. */
import type { ConformanceCase } from '../case.js';
import {
  aggregateCases,
  approximateCases,
  conditionalCases,
  hashCases,
  navigationCases,
  numberingCases,
  statisticalCases,
} from './aggregate-functions.js';
import { arrayFunctionCases } from './array-functions.js';
import { conversionFunctionCases } from './conversion-functions.js';
import {
  dateFunctionCases,
  datetimeFunctionCases,
  formatElementCases,
  timeFunctionCases,
  timestampFunctionCases,
} from './datetime-functions.js';
import { jsonFunctionCases } from './json-functions.js';
import { mathFunctionCases } from './mathematical-functions.js';
import { querySyntaxCases } from './query-syntax.js';
import { stringFunctionCases } from './string-functions.js';

export const conformanceCases: ConformanceCase[] = [
  ...stringFunctionCases,
  ...dateFunctionCases,
  ...datetimeFunctionCases,
  ...timeFunctionCases,
  ...timestampFunctionCases,
  ...formatElementCases,
  ...mathFunctionCases,
  ...conditionalCases,
  ...aggregateCases,
  ...statisticalCases,
  ...approximateCases,
  ...navigationCases,
  ...numberingCases,
  ...hashCases,
  ...arrayFunctionCases,
  ...conversionFunctionCases,
  ...jsonFunctionCases,
  ...querySyntaxCases,
];
