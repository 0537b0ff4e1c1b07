import { randomUUID } from 'node:crypto';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { type Envelope, validateEnvelope } from '@rfe/protocol';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.ts';
import { AppError, BadRequestError, ConflictError, ForbiddenError } from '../../errors.ts';
import { errorResponses } from '../../http/schemas.ts';
import type { SessionUser } from '../../messaging/live-session.ts';
import { StorageUnavailableError } from '../../messaging/messaging-hub.ts';
import { SessionParams } from '../sessions/schema.ts';
import { InputMessageBody, MessagePage, MessagePageQuery } from './schema.ts';
import { admitInput, sessionOfProject } from './session-access.ts';

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * Fastify sends a string as it is (no schema serialisation), so stored lines go out unparsed; the cast
 * only tells the type provider that this text is the declared response, already serialised.
 */
const alreadyJson = <T>(json: string): T => json as unknown as T;

export async function messageRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.get(
    '/api/projects/:p/sessions/:s/messages',
    {
      config: { access: 'project.view' },
      schema: {
        tags: ['messages'],
        summary: 'A page of the session log: messages with seq > after, in seq order',
        params: SessionParams,
        querystring: MessagePageQuery,
        response: { 200: MessagePage, ...errorResponses(404, 503) },
      },
    },
    async (request, reply) => {
      const session = await sessionOfProject(ctx, request);
      const live = await ctx.messaging.open(session, request.project!);
      const after = request.query.after ?? 0;
      const user: SessionUser = { close: () => {} };
      live.retain(user);
      try {
        const page = await live.readPage(after, request.query.limit ?? 100).catch((error: unknown) => {
          throw new StorageUnavailableError(error);
        });
        const nextAfter = page.length ? page[page.length - 1].seq : after;
        // The stored lines are the JSON of each item already: no parse and re-serialise.
        const items = page.map((l) => l.line).join(',');
        return reply
          .type(JSON_TYPE)
          .send(alreadyJson(`{"items":[${items}],"nextAfter":${nextAfter},"lastSeq":${live.lastSeq}}`));
      } finally {
        live.release(user);
      }
    },
  );

  r.post(
    '/api/projects/:p/sessions/:s/messages',
    {
      config: { access: 'session.input' },
      schema: {
        tags: ['messages'],
        summary:
          'Input for the runner (prompt, cancel): stored, then delivered until the runner acknowledges it',
        params: SessionParams,
        body: InputMessageBody,
        response: {
          200: {
            $ref: 'PersistedMessage#',
            description: 'Already stored under this id (a repeated request)',
          },
          201: { $ref: 'PersistedMessage#' },
          ...errorResponses(403, 404, 409, 503),
        },
      },
    },
    async (request, reply) => {
      const session = await sessionOfProject(ctx, request);
      const body = request.body;
      const id = body.id ?? randomUUID();
      const admitted = await admitInput(ctx, request, session.id, { id, type: body.type });
      if ('refusal' in admitted) {
        const { refusal } = admitted;
        if (refusal.code === 'forbidden')
          throw new ForbiddenError(refusal.message, { capability: refusal.capability });
        throw new ConflictError(refusal.message, undefined, refusal.code);
      }
      const candidate = {
        id,
        sessionId: session.id,
        ts: new Date().toISOString(),
        type: body.type,
        level: body.level ?? 'info',
        origin: 'ui',
        ...(body.step === undefined ? {} : { step: body.step }),
        payload: body.payload,
        sender: admitted.sender,
      };
      const valid = validateEnvelope(candidate);
      if (!valid.ok) throw new BadRequestError(`body.${valid.error.message}`, undefined, 'invalid_message');
      const message: Envelope = valid.value;
      const live = await ctx.messaging.forWriting(session, request.project!);
      const user: SessionUser = { close: () => {} };
      live.retain(user);
      try {
        const { seq, duplicate } = await live.sequencer.submitAsync(message).catch(() => {
          throw new AppError(
            503,
            'storage_unavailable',
            'The message could not be stored; send it again with the same id.',
          );
        });
        if (!duplicate)
          return reply
            .status(201)
            .type(JSON_TYPE)
            .send(JSON.stringify({ seq, ...message }));
        const [stored] = await live.readPage(seq - 1, 1);
        return reply.status(200).type(JSON_TYPE).send(stored.line);
      } finally {
        live.release(user);
      }
    },
  );
}
