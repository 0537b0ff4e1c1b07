import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type Principal, readCredential, resolvePrincipal } from '../auth/principal.ts';
import type { ForgeContext } from '../context.ts';
import { entryAt, readBlob, resolveCommit } from '../git/read.ts';
import { canAccess, READ_CONTENTS } from '../policies/repo-access.ts';
import { findPull, findRepo, repoGitDir } from '../state/queries.ts';
import { serveGit } from './git-http.ts';
import { escapeHtml, page } from './web-session.ts';

/** `/{owner}/{repo}/raw/{ref}/{path}` (the forge's raw.githubusercontent.com); refs may contain slashes. */
async function serveRaw(
  ctx: ForgeContext,
  req: FastifyRequest,
  reply: FastifyReply,
  owner: string,
  name: string,
  rest: string,
) {
  let principal: Principal;
  try {
    principal = await resolvePrincipal(ctx, readCredential(req.headers.authorization), req.ip);
  } catch {
    return reply.code(404).type('text/plain').send('404: Not Found');
  }
  const repo = findRepo(ctx.store.read, owner, name);
  if (!repo || !canAccess(ctx.store.read, principal, repo, READ_CONTENTS)) {
    return reply.code(404).type('text/plain').send('404: Not Found');
  }
  const gitDir = repoGitDir(ctx.reposDir, repo);
  const parts = rest.split('/');
  for (let i = 1; i < parts.length; i++) {
    const commit = await resolveCommit(gitDir, parts.slice(0, i).join('/'));
    if (!commit) continue;
    const entry = await entryAt(gitDir, commit, parts.slice(i).join('/'));
    const blob = entry?.type === 'blob' ? await readBlob(gitDir, entry.sha) : null;
    if (blob) return reply.type('text/plain; charset=utf-8').send(blob);
  }
  return reply.code(404).type('text/plain').send('404: Not Found');
}

export function webRoutes(app: FastifyInstance, ctx: ForgeContext): void {
  app.get('/', async (_req, reply) =>
    page(
      reply,
      'RFE Workbench forge',
      `<p>GitHub-compatible API at <code>${escapeHtml(ctx.urls.api)}</code>.</p><p><a href="/login">Sign in</a></p>`,
    ),
  );

  app.get<{ Params: { owner: string; repo: string } }>('/:owner/:repo', async (req, reply) => {
    const repo = findRepo(ctx.store.read, req.params.owner, req.params.repo.replace(/\.git$/, ''));
    if (!repo || repo.private) return page(reply, 'Not Found', '', 404);
    return page(
      reply,
      `${repo.owner}/${repo.name}`,
      `<p>Clone: <code>${escapeHtml(`${ctx.urls.web}/${repo.owner}/${repo.name}.git`)}</code></p>`,
    );
  });

  app.get<{ Params: { owner: string; repo: string; number: string } }>(
    '/:owner/:repo/pull/:number',
    async (req, reply) => {
      const repo = findRepo(ctx.store.read, req.params.owner, req.params.repo);
      const pull =
        repo && !repo.private ? findPull(ctx.store.read, repo.id, Number(req.params.number)) : null;
      if (!repo || !pull) return page(reply, 'Not Found', '', 404);
      return page(reply, `${pull.title} #${pull.number}`, `<p>${escapeHtml(pull.state)}</p>`);
    },
  );

  // Git smart HTTP needs the raw request stream: no body parsing in this scope.
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_req, _payload, done) => done(null));
    scope.route<{ Params: { owner: string; repo: string; '*': string } }>({
      method: ['GET', 'POST'],
      url: '/:owner/:repo/*',
      handler: async (req, reply) => {
        const { owner, repo, '*': rest } = req.params;
        if (repo.endsWith('.git'))
          return ctx.background.track(serveGit(ctx, req, reply, owner, repo.slice(0, -4), rest));
        if (req.method === 'GET' && rest.startsWith('raw/'))
          return serveRaw(ctx, req, reply, owner, repo, rest.slice(4));
        return page(reply, 'Not Found', '', 404);
      },
    });
  });
}
