import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.ts';
import { signedInUser } from '../../http/current-user.ts';
import { errorResponses, ProjectParams } from '../../http/schemas.ts';
import { createProject } from '../../operations/create-project.ts';
import { presentProject } from '../../presenters/project.ts';
import { CreateProjectBody, ProjectList } from './schema.ts';

export async function projectRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.post(
    '/api/projects',
    {
      config: { access: 'signed-in' },
      schema: {
        tags: ['projects'],
        summary: 'Create a project; its creator becomes admin',
        body: CreateProjectBody,
        response: { 201: { $ref: 'Project#' }, ...errorResponses(409, 422, 503) },
      },
    },
    async (request, reply) => {
      const row = await createProject(ctx, signedInUser(request), request.body);
      return reply.status(201).send(presentProject(row));
    },
  );

  r.get(
    '/api/projects',
    {
      config: { access: 'signed-in' },
      schema: {
        tags: ['projects'],
        summary: 'Projects I am a member of',
        response: { 200: ProjectList, ...errorResponses() },
      },
    },
    async (request) => ({
      items: (await ctx.roles.projectsFor(signedInUser(request))).map(presentProject),
    }),
  );

  r.get(
    '/api/projects/:p',
    {
      config: { access: 'project.view' },
      schema: {
        tags: ['projects'],
        params: ProjectParams,
        response: { 200: { $ref: 'Project#' }, ...errorResponses(404) },
      },
    },
    async (request) => presentProject(request.project!),
  );
}
