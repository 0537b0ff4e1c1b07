import type { Static, TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { ValueError } from '@sinclair/typebox/errors';
import { Value } from '@sinclair/typebox/value';
import { registerFormats } from './formats.ts';

export interface Checker<T extends TSchema> {
  check(value: unknown): value is Static<T>;
  firstError(value: unknown): ValueError | undefined;
}

/**
 * A validator compiled on first use. Compiling needs `new Function`; where a Content-Security-Policy
 * forbids it (a browser without 'unsafe-eval') it falls back to TypeBox's interpreter.
 */
export function lazyChecker<T extends TSchema>(schema: T): Checker<T> {
  let compiled: Checker<T> | undefined;
  const get = (): Checker<T> => {
    if (compiled) return compiled;
    registerFormats();
    try {
      const c = TypeCompiler.Compile(schema);
      compiled = { check: (v): v is Static<T> => c.Check(v), firstError: (v) => c.Errors(v).First() };
    } catch {
      compiled = {
        check: (v): v is Static<T> => Value.Check(schema, v),
        firstError: (v) => Value.Errors(schema, v).First(),
      };
    }
    return compiled;
  };
  return { check: (v): v is Static<T> => get().check(v), firstError: (v) => get().firstError(v) };
}
