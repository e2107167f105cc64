import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as errors from '../../../src/errors/index.js';
import { GRPC_STATUS_NAMES, grpcRule, statusFacts } from '../../../src/errors/status-table.js';

const googleClasses = [
  errors.BadRequestError,
  errors.UnauthorizedError,
  errors.ForbiddenError,
  errors.NotFoundError,
  errors.ConflictError,
  errors.PreconditionFailedError,
  errors.TooManyRequestsError,
  errors.CancelledError,
  errors.InternalServerError,
  errors.NotImplementedError,
  errors.BadGatewayError,
  errors.ServiceUnavailableError,
  errors.GatewayTimeoutError,
];
const httpClasses = [
  errors.HttpBadRequestError,
  errors.HttpUnauthorizedError,
  errors.HttpForbiddenError,
  errors.HttpNotFoundError,
  errors.HttpRequestTimeoutError,
  errors.HttpConflictError,
  errors.HttpGoneError,
  errors.HttpTooManyRequestsError,
  errors.HttpInternalServerError,
  errors.HttpBadGatewayError,
  errors.HttpServiceUnavailableError,
  errors.HttpGatewayTimeoutError,
];

describe('the status table is the one source of each status fact', () => {
  it('each Google API error class takes its code and retry default from its status row', () => {
    for (const Class of googleClasses) {
      const row = statusFacts(Class.httpStatus);
      const error = new Class('x');
      expect({
        name: Class.name,
        code: error.code,
        transient: error.transient,
        status: error.httpStatus,
      }).toEqual({
        name: Class.name,
        code: row?.code,
        transient: row?.transient,
        status: Class.httpStatus,
      });
    }
  });

  it('each third-party HTTP error class takes its code, phrase and retry default from its status row', () => {
    for (const Class of httpClasses) {
      const row = statusFacts(Class.status);
      const error = new Class('x');
      expect({
        name: Class.name,
        code: error.code,
        text: error.statusText,
        transient: error.transient,
      }).toEqual({
        name: Class.name,
        code: row?.code,
        text: row?.text,
        transient: row?.transient,
      });
    }
  });

  it('a Google error is classified to the class of its status, and a gRPC code to the class of its status', () => {
    for (const Class of googleClasses) {
      const classified = errors.toPipelineError({
        code: Class.httpStatus,
        message: 'm',
        errors: [{ message: 'm' }],
      });
      expect([Class.name, classified instanceof Class]).toEqual([Class.name, true]);
    }
    for (let code = 1; code < GRPC_STATUS_NAMES.length; code++) {
      const rule = grpcRule(code);
      expect(rule, GRPC_STATUS_NAMES[code]).toBeDefined();
      expect(statusFacts(rule?.httpStatus ?? 0), GRPC_STATUS_NAMES[code]).toBeDefined();
    }
    expect(grpcRule(0)).toBeUndefined();
    expect(grpcRule(17)).toBeUndefined();
  });

  it('the TSDoc of each class states the facts of its row', () => {
    const sources = ['http-errors.ts', 'http-status-errors.ts']
      .map((file) => readFileSync(new URL(`../../../src/errors/${file}`, import.meta.url), 'utf8'))
      .join('\n');
    for (const Class of [...googleClasses, ...httpClasses]) {
      const status = 'httpStatus' in Class ? Class.httpStatus : Class.status;
      const row = statusFacts(status);
      const doc = new RegExp(
        `Code \`'${row?.code}'\`, \`(?:httpStatus|status)\` ${status}, transient by default: ${row?.transient}\\.(?:(?!export const)[\\s\\S])*export const ${Class.name}: `,
      );
      expect([Class.name, doc.test(sources)]).toEqual([Class.name, true]);
    }
  });
});
