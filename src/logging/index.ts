export {
  type CloudLoggingLoggerOptions,
  type CloudLoggingSeverity,
  cloudLoggingLogger,
} from './cloud-logging.js';
export { type LogFields, type Logger, silentLogger } from './logger.js';
export { type SerializedError, serializeError } from './serialize-error.js';
