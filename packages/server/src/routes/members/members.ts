import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.ts';
import { appendAudit } from '../../db/audit.ts';
import { countAdmins, deleteMember, listMembers, putMember } from '../../db/projects.ts';
import type { ProjectMembersTable } from '../../db/schema.ts';
import { findUserBySubject } from '../../db/users.ts';
import { ConflictError, NotFoundError } from '../../errors.ts';
import { signedInUser } from '../../http/current-user.ts';
import { errorResponses, ProjectParams } from '../../http/schemas.ts';
import { Member, MemberList, MemberParams, PutMemberBody } from './schema.ts';

function parseSubject(raw: string): { kind: 'user' | 'group'; subject: string } {
  const [kind, ...rest] = raw.includes(':') ? raw.split(':') : ['user', raw];
  return { kind: kind as 'user' | 'group', subject: rest.join(':') };
}

const present = (m: ProjectMembersTable) => ({
  subject: m.subject,
  kind: m.subject_kind,
  role: m.role,
  createdAt: m.created_at,
});

export async function memberRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.get(
    '/api/projects/:p/members',
    {
      config: { access: 'project.view' },
      schema: {
        tags: ['members'],
        params: ProjectParams,
        response: { 200: MemberList, ...errorResponses(404) },
      },
    },
    async (request) => ({ items: (await listMembers(ctx.db, request.project!.id)).map(present) }),
  );

  r.put(
    '/api/projects/:p/members/:subject',
    {
      config: { access: 'members.manage' },
      schema: {
        tags: ['members'],
        params: MemberParams,
        body: PutMemberBody,
        response: { 200: Member, 201: Member, ...errorResponses(403, 404, 409) },
      },
    },
    async (request, reply) => {
      const project = request.project!;
      const readOnly = ctx.roles.membersReadOnly(project);
      if (readOnly) throw new ConflictError(readOnly, { rbacMode: 'kubernetes' }, 'members_from_cluster');
      const { kind, subject } = parseSubject(request.params.subject);
      if (kind === 'user' && !(await findUserBySubject(ctx.db, subject))) {
        throw new NotFoundError(
          `No user "${subject}" is known to the platform (users appear after their first sign-in). For a group, name it group:${subject}.`,
          { subject },
        );
      }
      const members = await listMembers(ctx.db, project.id);
      const current = members.find((m) => m.subject_kind === kind && m.subject === subject);
      if (
        current?.role === 'admin' &&
        request.body.role !== 'admin' &&
        (await countAdmins(ctx.db, project.id)) <= 1
      ) {
        throw new ConflictError(
          "This is the project's last admin; make someone else admin first.",
          undefined,
          'last_admin',
        );
      }
      const outcome = await putMember(ctx.db, {
        project_id: project.id,
        subject_kind: kind,
        subject,
        role: request.body.role,
      });
      await appendAudit(ctx.db, {
        actor: signedInUser(request).subject,
        action: 'member.put',
        projectId: project.id,
        target: `${kind}:${subject}`,
        details: { role: request.body.role, previousRole: current?.role ?? null },
      });
      const saved = (await listMembers(ctx.db, project.id)).find(
        (m) => m.subject_kind === kind && m.subject === subject,
      )!;
      return reply.status(outcome === 'created' ? 201 : 200).send(present(saved));
    },
  );

  r.delete(
    '/api/projects/:p/members/:subject',
    {
      config: { access: 'members.manage' },
      schema: {
        tags: ['members'],
        params: MemberParams,
        response: { 204: Type.Null(), ...errorResponses(403, 404, 409) },
      },
    },
    async (request, reply) => {
      const project = request.project!;
      const readOnly = ctx.roles.membersReadOnly(project);
      if (readOnly) throw new ConflictError(readOnly, { rbacMode: 'kubernetes' }, 'members_from_cluster');
      const { kind, subject } = parseSubject(request.params.subject);
      const members = await listMembers(ctx.db, project.id);
      const current = members.find((m) => m.subject_kind === kind && m.subject === subject);
      if (!current) throw new NotFoundError(`${kind} "${subject}" is not a member of this project.`);
      if (current.role === 'admin' && (await countAdmins(ctx.db, project.id)) <= 1) {
        throw new ConflictError(
          "This is the project's last admin; make someone else admin first.",
          undefined,
          'last_admin',
        );
      }
      await deleteMember(ctx.db, project.id, kind, subject);
      await appendAudit(ctx.db, {
        actor: signedInUser(request).subject,
        action: 'member.delete',
        projectId: project.id,
        target: `${kind}:${subject}`,
        details: { previousRole: current.role },
      });
      return reply.status(204).send(null);
    },
  );
}
