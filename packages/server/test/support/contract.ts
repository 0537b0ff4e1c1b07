import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { FastifyInstance } from 'fastify';

export interface RecordedResponse {
  method: string;
  route: string;
  status: number;
  contentType: string;
  body: string;
}

/** Records every response the app sends so a test can check them against the OpenAPI document. */
export function recordResponses(app: FastifyInstance): RecordedResponse[] {
  const recorded: RecordedResponse[] = [];
  app.addHook('onSend', async (request, reply, payload) => {
    recorded.push({
      method: request.method.toLowerCase(),
      route: request.routeOptions.url ?? '',
      status: reply.statusCode,
      contentType: String(reply.getHeader('content-type') ?? ''),
      body: typeof payload === 'string' ? payload : '',
    });
    return payload;
  });
  return recorded;
}

type OpenApiDoc = {
  paths: Record<
    string,
    Record<string, { responses?: Record<string, { content?: Record<string, { schema: unknown }> }> }>
  >;
  components?: { schemas?: Record<string, unknown> };
};

/** Problems found when checking recorded responses against the document; empty when all conform. */
export function contractViolations(doc: OpenApiDoc, responses: RecordedResponse[]): string[] {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  // The document itself is the schema root, so its `#/components/schemas/...` references resolve.
  ajv.addSchema({ ...doc, $id: 'openapi.json' });
  const problems: string[] = [];
  for (const r of responses) {
    if (!r.route) continue;
    const openApiPath = r.route.replace(/:(\w+)/g, '{$1}');
    const op = doc.paths[openApiPath]?.[r.method];
    if (!op) {
      problems.push(`${r.method} ${openApiPath} is not in the document`);
      continue;
    }
    const response = op.responses?.[String(r.status)];
    if (!response) {
      problems.push(`${r.method} ${openApiPath} answered ${r.status}, which the document does not list`);
      continue;
    }
    const schema = response.content?.['application/json']?.schema;
    if (!schema || !r.contentType.includes('json') || r.body === '') continue;
    const pointer = [
      'paths',
      openApiPath,
      r.method,
      'responses',
      String(r.status),
      'content',
      'application/json',
      'schema',
    ]
      .map((s) => s.replaceAll('~', '~0').replaceAll('/', '~1'))
      .join('/');
    const validate = ajv.compile({ $ref: `openapi.json#/${pointer}` });
    if (!validate(JSON.parse(r.body))) {
      problems.push(`${r.method} ${openApiPath} ${r.status}: ${ajv.errorsText(validate.errors)}`);
    }
  }
  return problems;
}
