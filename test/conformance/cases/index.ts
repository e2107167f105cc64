/** Every case of the GoogleSQL conformance suite, page by page. */
import type { ConformanceCase } from '../case.js';
import {
  dateFunctionCases,
  datetimeFunctionCases,
  formatElementCases,
  timeFunctionCases,
  timestampFunctionCases,
} from './datetime-functions.js';
import { mathFunctionCases } from './mathematical-functions.js';
import { stringFunctionCases } from './string-functions.js';

export const conformanceCases: ConformanceCase[] = [
  ...stringFunctionCases,
  ...dateFunctionCases,
  ...datetimeFunctionCases,
  ...timeFunctionCases,
  ...timestampFunctionCases,
  ...formatElementCases,
  ...mathFunctionCases,
];
