export type { LoggingStandInEntry } from './entry-view.js';
export type { LoggingLineWriter, LoggingLineWriterOptions } from './line-writer.js';
export type { LoggingStandIn, LoggingStandInOptions } from './stand-in.js';
export { startLoggingStandIn } from './stand-in.js';
