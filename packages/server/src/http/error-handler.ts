import type { FastifyError, FastifyInstance } from 'fastify';
import { AppError } from '../errors.ts';

export interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

/** The one place where thrown errors become `{ error: { code, message, details? } }` responses. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (err instanceof AppError) {
      return reply.status(err.status).send(body(err.code, err.message, err.details));
    }
    if (err.validation) {
      const first = err.validation[0];
      const where = err.validationContext ?? 'body';
      const field = fieldOf(first?.instancePath ?? '', first?.params as Record<string, unknown>);
      const message = `${where}${field ? `.${field}` : ''}: ${describe(first?.keyword, first?.message, first?.params)}`;
      return reply
        .status(400)
        .send(body('invalid_request', message, { in: where, field: field || undefined }));
    }
    if (isGitHubHttpError(err)) {
      // An upstream answer the operation did not handle: say what GitHub said, never the request (it has the token).
      const status = (err as unknown as { status: number }).status;
      const message =
        (err as unknown as { response?: { data?: { message?: string } } }).response?.data?.message ??
        'no message';
      request.log.warn({ status, route: request.routeOptions.url }, 'unhandled GitHub error');
      return reply
        .status(502)
        .send(
          body(
            'github_error',
            `The Git host answered ${status}: ${message}. Try again; if it persists, check the repository settings and your GitHub access.`,
            { status },
          ),
        );
    }
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply
        .status(413)
        .send(
          body('payload_too_large', 'The request body is larger than the server accepts (MAX_BODY_BYTES).'),
        );
    }
    if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return reply
        .status(415)
        .send(body('unsupported_media_type', 'Send the request body as application/json.'));
    }
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      const code = ['FST_ERR_CTP_EMPTY_JSON_BODY', 'FST_ERR_CTP_INVALID_JSON_BODY'].includes(err.code)
        ? 'malformed_json'
        : 'invalid_request';
      return reply.status(err.statusCode).send(body(code, err.message));
    }
    request.log.error({ err }, 'unhandled error');
    return reply.status(500).send(body('internal', 'Something went wrong on our side; the error is logged.'));
  });

  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send(body('not_found', `No route ${request.method} ${request.url.split('?')[0]}.`));
  });
}

function isGitHubHttpError(err: unknown): boolean {
  return (
    err instanceof Error &&
    err.name === 'HttpError' &&
    typeof (err as { status?: unknown }).status === 'number'
  );
}

function body(code: string, message: string, details?: Record<string, unknown>): ErrorBody {
  return details ? { error: { code, message, details } } : { error: { code, message } };
}

function fieldOf(instancePath: string, params: Record<string, unknown> | undefined): string {
  const base = instancePath.replace(/^\//, '').replaceAll('/', '.');
  const extra = (params?.additionalProperty ?? params?.missingProperty) as string | undefined;
  return [base, extra].filter(Boolean).join('.');
}

function describe(keyword: string | undefined, message: string | undefined, _params: unknown): string {
  if (keyword === 'additionalProperties') return 'unknown field; remove it';
  if (keyword === 'required') return 'is required';
  return message ?? 'is invalid';
}
