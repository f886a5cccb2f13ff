import { expect } from '@jest/globals';
import { Ajv, type ValidateFunction } from 'ajv';
import { OIP_SCHEMA_BASE, OIP_SCHEMAS } from '../fixtures/oip-schemas.js';

const ajv = new Ajv({ strict: true, allErrors: true });
for (const [name, schema] of Object.entries(OIP_SCHEMAS)) ajv.addSchema({ ...schema, $id: OIP_SCHEMA_BASE + name });
const compiled = new Map<string, ValidateFunction>();

/** Fails unless `body` matches the protocol's published schema `name` (test/fixtures/oip-schemas.ts). */
export function expectOipSchema(name: string, body: unknown): void {
  let validate = compiled.get(name);
  if (!validate) {
    validate = ajv.getSchema(OIP_SCHEMA_BASE + name);
    if (!validate) throw new Error(`no OIP schema ${name}`);
    compiled.set(name, validate);
  }
  const ok = validate(body);
  if (!ok)
    throw new Error(
      `not a valid OIP ${name}: ${ajv.errorsText(validate.errors)}\n  body: ${JSON.stringify(body).slice(0, 500)}`,
    );
}

/**
 * A protocol error answer: the published error schema, and `error` a non-empty string (the protocol's text
 * requires it).
 */
export function expectOipError(body: unknown, schema = 'inference_error_response'): string {
  expectOipSchema(schema, body);
  expect(body).toEqual({ error: expect.any(String) });
  const { error } = body as { error: string };
  expect(error.length).toBeGreaterThan(0);
  expect(error).not.toMatch(/at .+\.js:\d+|SELECT |INSERT /);
  return error;
}
