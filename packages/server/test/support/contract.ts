import fs from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { FastifyInstance } from 'fastify';

export interface RecordedResponse {
  method: string;
  /** The route template as registered (`/api/projects/:project`); empty when no route matched. */
  route: string;
  /** The route is kept out of the document on purpose (`schema.hide`: the web UI, WebSockets, openapi.json). */
  hidden: boolean;
  status: number;
  contentType: string;
  /** The body as sent, when it was text (JSON, YAML); empty for streams and files. */
  body: string;
}

/**
 * Records every response the app sends so a test can check them against the OpenAPI document. Installed
 * by the test harness (startTestApp) on every test app, so every route suite's responses are checked.
 */
export function recordResponses(app: FastifyInstance): RecordedResponse[] {
  const recorded: RecordedResponse[] = [];
  app.addHook('onSend', async (request, reply, payload) => {
    recorded.push({
      method: request.method.toLowerCase(),
      route: request.routeOptions.url ?? '',
      hidden: Boolean((request.routeOptions.schema as { hide?: boolean } | undefined)?.hide),
      status: reply.statusCode,
      contentType: String(reply.getHeader('content-type') ?? ''),
      body: typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : '',
    });
    return payload;
  });
  return recorded;
}

export type OpenApiDoc = {
  paths: Record<
    string,
    Record<string, { responses?: Record<string, { content?: Record<string, { schema: unknown }> }> }>
  >;
  components?: { schemas?: Record<string, unknown> };
};

/** `/api/projects/:project` → `/api/projects/{project}`, the document's spelling. */
export const openApiPath = (route: string): string => route.replace(/:(\w+)/g, '{$1}');

/**
 * Problems found when checking recorded responses against the document; empty when all conform. A route
 * the document does not have, a status its operation does not list, or a JSON body that does not match the
 * schema of that status is a problem. Responses no route answered (unknown URLs) and those of routes hidden
 * from the document on purpose are not the document's.
 */
export function contractViolations(doc: OpenApiDoc, responses: RecordedResponse[]): string[] {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  // The document itself is the schema root, so its `#/components/schemas/...` references resolve.
  ajv.addSchema({ ...doc, $id: 'openapi.json' });
  const problems = new Set<string>();
  const validators = new Map<string, ReturnType<typeof ajv.compile>>();
  for (const r of responses) {
    if (!r.route || r.hidden) continue;
    const pathName = openApiPath(r.route);
    const op = doc.paths[pathName]?.[r.method];
    if (!op) {
      problems.add(`${r.method} ${pathName} is not in the document`);
      continue;
    }
    const response = op.responses?.[String(r.status)];
    if (!response) {
      problems.add(`${r.method} ${pathName} answered ${r.status}, which the document does not list`);
      continue;
    }
    const schema = response.content?.['application/json']?.schema;
    if (!schema || !r.contentType.includes('json') || r.body === '') continue;
    const pointer = [
      'paths',
      pathName,
      r.method,
      'responses',
      String(r.status),
      'content',
      'application/json',
      'schema',
    ]
      .map((s) => s.replaceAll('~', '~0').replaceAll('/', '~1'))
      .join('/');
    let validate = validators.get(pointer);
    if (!validate) {
      validate = ajv.compile({ $ref: `openapi.json#/${pointer}` });
      validators.set(pointer, validate);
    }
    let body: unknown;
    try {
      body = JSON.parse(r.body);
    } catch {
      problems.add(
        `${r.method} ${pathName} ${r.status}: the body is not JSON though it says ${r.contentType}`,
      );
      continue;
    }
    if (!validate(body))
      problems.add(`${r.method} ${pathName} ${r.status}: ${ajv.errorsText(validate.errors)}`);
  }
  return [...problems];
}

/**
 * When RFE_CONTRACT_COVERAGE_DIR is set, appends the (method, route, status) of each checked response to a
 * file there, one per test app: which routes and statuses the suites covered, for a report.
 */
export function writeCoverage(responses: RecordedResponse[], name: string): void {
  const dir = process.env.RFE_CONTRACT_COVERAGE_DIR;
  if (!dir) return;
  fs.mkdirSync(dir, { recursive: true });
  const lines = responses
    .filter((r) => r.route)
    .map((r) => `${r.method} ${openApiPath(r.route)} ${r.status}`);
  fs.appendFileSync(path.join(dir, `${name}.txt`), lines.length ? `${lines.join('\n')}\n` : '');
}
