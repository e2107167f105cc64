import { expect } from 'vitest';
import type { z } from 'zod';
import { MessageValidationError } from '../../../src/errors/index.js';
import { parseMessage } from '../../../src/validation/index.js';

/** Runs parseMessage and returns the MessageValidationError it must throw. */
export function validationErrorOf(schema: z.ZodType, value: unknown): MessageValidationError {
  try {
    parseMessage(schema, value);
  } catch (error) {
    expect(error).toBeInstanceOf(MessageValidationError);
    return error as MessageValidationError;
  }
  throw new Error(`expected ${JSON.stringify(value)} to fail validation`);
}

/** The issue paths of a failed parse, dotted. */
export function issuePaths(schema: z.ZodType, value: unknown): string[] {
  return validationErrorOf(schema, value).issues.map((issue) => issue.path.join('.'));
}
