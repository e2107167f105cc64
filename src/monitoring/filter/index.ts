/**
 * The Logging query language: parsed once, evaluated by the Logging and Monitoring stand-ins,
 * checked by the monitor when it is configured. Internal: not part of the public API.
 * @module
 */
export type {
  FilterDialect,
  FilterNode,
  FilterOperator,
  FilterValue,
  PatternCompiler,
  TextPattern,
} from './ast.js';
export { evaluateFilter } from './evaluate.js';
export {
  MAX_FILTER_DEPTH,
  MAX_LOGGING_FILTER_CHARS,
  type ParseFilterOptions,
  parseFilter,
} from './parse.js';
export { quoteFilterString } from './quote.js';
export { compileRe2, Re2PatternError } from './re2.js';
export { LOG_SEVERITY_LEVELS, type LogSeverityName, severityLevel } from './severity.js';
export { FilterSyntaxError } from './tokenize.js';
