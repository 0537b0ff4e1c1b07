/** GitHub-shaped API errors: `{ message, documentation_url[, errors] }`, thrown from handlers, rendered in one place. */

export const DOCS = 'https://docs.github.com/rest';

export interface ValidationErrorItem {
  resource: string;
  code: string;
  field?: string;
  message?: string;
}

export class ForgeError extends Error {
  readonly status: number;
  readonly errors?: ValidationErrorItem[];
  readonly documentationUrl: string;
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    message: string,
    opts: {
      errors?: ValidationErrorItem[];
      documentationUrl?: string;
      headers?: Record<string, string>;
    } = {},
  ) {
    super(message);
    this.status = status;
    this.errors = opts.errors;
    this.documentationUrl = opts.documentationUrl ?? DOCS;
    this.headers = opts.headers ?? {};
  }

  body(): Record<string, unknown> {
    const body: Record<string, unknown> = { message: this.message };
    if (this.errors) body.errors = this.errors;
    body.documentation_url = this.documentationUrl;
    if (this.status >= 400) body.status = String(this.status);
    return body;
  }
}

export const notFound = (): ForgeError => new ForgeError(404, 'Not Found');
export const badCredentials = (): ForgeError => new ForgeError(401, 'Bad credentials');
export const requiresAuthentication = (): ForgeError => new ForgeError(401, 'Requires authentication');
export const notAccessibleByIntegration = (): ForgeError =>
  new ForgeError(403, 'Resource not accessible by integration');

export function validationFailed(errors: ValidationErrorItem[], message = 'Validation Failed'): ForgeError {
  return new ForgeError(422, message, { errors });
}

export function unprocessable(message: string): ForgeError {
  return new ForgeError(422, message);
}

/** Body validation helpers used by handlers: GitHub answers 422 with a field-level error. */
export function requireString(body: Record<string, unknown>, field: string, resource: string): string {
  const value = body[field];
  if (typeof value !== 'string' || value.length === 0) {
    throw validationFailed([{ resource, code: 'missing_field', field }]);
  }
  return value;
}

export function optionalString(
  body: Record<string, unknown>,
  field: string,
  resource: string,
): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw validationFailed([{ resource, code: 'invalid', field }]);
  return value;
}

export function optionalBoolean(
  body: Record<string, unknown>,
  field: string,
  resource: string,
): boolean | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw validationFailed([{ resource, code: 'invalid', field }]);
  return value;
}

export function bodyObject(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw new ForgeError(400, 'Problems parsing JSON');
  return body as Record<string, unknown>;
}
