export {
  type CloudLoggingLoggerOptions,
  type CloudLoggingSeverity,
  cloudLoggingLogger,
} from './cloud-logging.js';
export { type LogFields, type Logger, silentLogger } from './logger.js';
export { type PinoLike, pinoLogger } from './pino.js';
export { REPORTED_ERROR_EVENT, type ServiceContext } from './reported-error.js';
export { type SerializedError, serializeError } from './serialize-error.js';
