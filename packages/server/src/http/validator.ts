import type { TSchema } from '@sinclair/typebox';
import { Ajv, type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyInstance } from 'fastify';

/**
 * Request validation. Query strings, path parameters and headers are text, so they are coerced to the
 * schema's types; JSON bodies are not — `{"name": 42}` must be refused, not quietly turned into "42".
 * Unknown fields are refused (never silently removed).
 */
export function installValidator(app: FastifyInstance, sharedSchemas: TSchema[]): void {
  const base: Options = { strict: false, allErrors: false, removeAdditional: false, useDefaults: true };
  const forText = withFormats(new Ajv({ ...base, coerceTypes: 'array' }), sharedSchemas);
  const forBody = withFormats(new Ajv({ ...base, coerceTypes: false }), sharedSchemas);
  app.setValidatorCompiler(({ schema, httpPart }) =>
    (httpPart === 'body' ? forBody : forText).compile(schema),
  );
}

function withFormats(ajv: Ajv, shared: TSchema[]): Ajv {
  addFormats(ajv);
  for (const s of shared) ajv.addSchema(s);
  return ajv;
}
