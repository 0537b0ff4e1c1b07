import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.ts';
import { sealForRunner } from '../../crypto/seal-for-runner.ts';
import { TERMINAL_STATUSES } from '../../db/sessions.ts';
import { BadRequestError, ConflictError } from '../../errors.ts';
import { requireGithub } from '../../github/github-services.ts';
import { sessionTokensOf } from '../../github/session-tokens.ts';
import { errorResponses } from '../../http/schemas.ts';
import { RunnerSessionParams } from './schema.ts';
import { sessionOfRunner } from './session-access.ts';

const GitCredentialsBody = Type.Object(
  {
    step: Type.Union([Type.Literal('clone'), Type.Literal('push')], {
      description: 'clone: read the upstream and submodules; push: write the branches',
    }),
    pushing: Type.Optional(
      Type.Array(Type.String({ pattern: '^[^/\\s]+/[^/\\s]+$' }), {
        maxItems: 500,
        description: 'Upstreams (owner/name) whose change is pushed (push only; required for it)',
      }),
    ),
    workflows: Type.Optional(
      Type.Array(Type.String({ pattern: '^[^/\\s]+/[^/\\s]+$' }), {
        maxItems: 500,
        description: 'Upstreams (owner/name) whose change touches .github/workflows/ (push only)',
      }),
    ),
    publicKey: Type.String({
      minLength: 40,
      maxLength: 200,
      description: "The runner's ephemeral X25519 public key (SPKI DER, base64); the answer is sealed to it",
    }),
  },
  { additionalProperties: false },
);

/** `{ git: [{ url, username, token }] }`, sealed to the runner's key: no token in plain text on the wire. */
const SealedGitCredentials = Type.Object({
  publicKey: Type.String(),
  iv: Type.String(),
  ciphertext: Type.String(),
  tag: Type.String(),
});

/**
 * The runner asks for git credentials for one step, right before it needs them (no adapter runs then):
 * installation tokens narrowed to the session's repositories and the step's permissions, sealed to the
 * runner's ephemeral key.
 */
export async function runnerCredentialRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  r.post(
    '/api/runner/sessions/:s/git-credentials',
    {
      config: { access: 'runner' },
      schema: {
        tags: ['runner'],
        summary: "Installation tokens for one step of this runner's session (clone or push)",
        params: RunnerSessionParams,
        body: GitCredentialsBody,
        response: { 200: SealedGitCredentials, ...errorResponses(403, 404, 409, 422, 502) },
      },
    },
    async (request, reply) => {
      const { session } = await sessionOfRunner(ctx, request);
      if (TERMINAL_STATUSES.includes(session.status)) {
        throw new ConflictError(
          `The session has ended (${session.status}); it gets no more credentials.`,
          undefined,
          'session_closed',
        );
      }
      const tokens = sessionTokensOf({ ...ctx, github: requireGithub(ctx) });
      const { step, pushing = [], workflows = [], publicKey } = request.body;
      let sealTo: (plaintext: string) => ReturnType<typeof sealForRunner>;
      try {
        sealForRunner('', publicKey, session.id);
        sealTo = (plaintext) => sealForRunner(plaintext, publicKey, session.id);
      } catch {
        throw new BadRequestError('body.publicKey: must be an X25519 public key (SPKI DER, base64).');
      }
      const git = await tokens.credentials(session.id, step, { pushing, workflows });
      return reply.header('cache-control', 'no-store').send(sealTo(JSON.stringify({ git })));
    },
  );
}
