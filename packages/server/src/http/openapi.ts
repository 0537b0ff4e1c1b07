import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { PersistedMessage } from '../routes/messages/schema.ts';
import { Project, StorageView } from '../routes/projects/schema.ts';
import { Session } from '../routes/sessions/schema.ts';
import { Workspace, WorkspaceStatus } from '../routes/workspaces/schema.ts';
import { ErrorBody } from './schemas.ts';

/** Shared schemas referenced with `$ref` by route schemas; registered once and emitted into the document. */
export const sharedSchemas = [
  ErrorBody,
  StorageView,
  Project,
  Workspace,
  WorkspaceStatus,
  Session,
  PersistedMessage,
];

export async function installOpenApi(app: FastifyInstance): Promise<void> {
  for (const s of sharedSchemas) app.addSchema(s);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'RFE Workbench API',
        version: '0.1.0',
        description: 'Generated from the route schemas. Errors are { error: { code, message, details? } }.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          session: { type: 'apiKey', in: 'cookie', name: 'rfe_session' },
          modelKey: { type: 'apiKey', in: 'header', name: 'x-api-key' },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) => (json.$id as string) ?? `def-${i}`,
    },
  });
}
