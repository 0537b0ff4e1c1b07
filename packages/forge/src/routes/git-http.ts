import { randomUUID } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Principal, readCredential, resolvePrincipal } from '../auth/principal.ts';
import type { ForgeContext } from '../context.ts';
import { runHttpBackend } from '../git/http-backend.ts';
import { type RefUpdate, recordRefUpdates } from '../operations/record-push.ts';
import { canAccess, mayWriteWorkflows, READ_CONTENTS, WRITE_CONTENTS } from '../policies/repo-access.ts';
import type { RepoRecord } from '../state/model.ts';
import { findRepo } from '../state/queries.ts';
import { actorLogin } from './helpers.ts';

const SERVICES = new Set(['git-upload-pack', 'git-receive-pack']);

function plain(reply: FastifyReply, status: number, text: string, headers: Record<string, string> = {}) {
  reply
    .code(status)
    .headers({ 'content-type': 'text/plain; charset=utf-8', ...headers })
    .send(`${text}\n`);
}

const askForCredentials = (reply: FastifyReply) =>
  plain(reply, 401, 'Authentication required', { 'www-authenticate': 'Basic realm="GitHub"' });

/** Which git service a smart-HTTP path asks for, or null for anything else (the dumb protocol is not served). */
function serviceOf(subpath: string, query: Record<string, unknown>): string | null {
  if (subpath === 'info/refs')
    return typeof query.service === 'string' && SERVICES.has(query.service) ? query.service : null;
  return SERVICES.has(subpath) ? subpath : null;
}

/**
 * `/{owner}/{repo}.git/*`: authenticates like GitHub (Basic with a token as password, anonymous reads of
 * public repositories), enforces the token's repositories and permissions, then hands over to git.
 */
export async function serveGit(
  ctx: ForgeContext,
  req: FastifyRequest,
  reply: FastifyReply,
  owner: string,
  repoName: string,
  subpath: string,
): Promise<void> {
  const service = serviceOf(subpath, req.query as Record<string, unknown>);
  if (!service || (subpath !== 'info/refs' && req.method !== 'POST')) return plain(reply, 404, 'Not Found');
  const isPush = service === 'git-receive-pack';
  let principal: Principal;
  try {
    principal = await resolvePrincipal(ctx, readCredential(req.headers.authorization), req.ip);
  } catch {
    return plain(
      reply,
      401,
      'Invalid username or token. Password authentication is not supported for Git operations.',
      {
        'www-authenticate': 'Basic realm="GitHub"',
      },
    );
  }
  const state = ctx.store.read;
  const repo = findRepo(state, owner, repoName);
  if (principal.kind === 'anonymous' && (!repo || repo.private || isPush)) return askForCredentials(reply);
  if (!repo || !canAccess(state, principal, repo, READ_CONTENTS))
    return plain(reply, 404, 'Repository not found.');
  if (isPush && !canAccess(state, principal, repo, WRITE_CONTENTS)) {
    return plain(
      reply,
      403,
      `Permission to ${repo.owner}/${repo.name}.git denied to ${actorLogin(ctx, principal)}.`,
    );
  }
  await proxyToBackend(ctx, req, reply, repo, principal, subpath, isPush && req.method === 'POST');
}

async function proxyToBackend(
  ctx: ForgeContext,
  req: FastifyRequest,
  reply: FastifyReply,
  repo: RepoRecord,
  principal: Principal,
  subpath: string,
  receiving: boolean,
): Promise<void> {
  const pushLog = receiving ? join(tmpdir(), `forge-push-${randomUUID()}.log`) : '';
  const url = new URL(req.url, 'http://forge.invalid');
  // Without the workflows permission every ref goes through the proc-receive hook, which refuses the
  // ones touching .github/workflows/ with GitHub's reason and hands the others back to receive-pack.
  const workflowCheck: Record<string, string> =
    receiving && !mayWriteWorkflows(ctx.store.read, principal, repo)
      ? { 'receive.procReceiveRefs': 'refs/' }
      : {};
  reply.hijack();
  await runHttpBackend(req.raw, reply.raw, {
    projectRoot: ctx.reposDir,
    pathInfo: `/${repo.owner.toLowerCase()}/${repo.name.toLowerCase()}.git/${subpath}`,
    queryString: url.search.replace(/^\?/, ''),
    remoteUser: actorLogin(ctx, principal),
    config: {
      'core.hooksPath': ctx.hooksDir,
      'http.receivepack': 'true',
      'uploadpack.allowAnySHA1InWant': 'true',
      'receive.denyDeleteCurrent': 'true',
      'safe.directory': '*',
      ...workflowCheck,
    },
    env: { FORGE_PUSH_LOG: pushLog },
  });
  if (!receiving) return;
  let log = '';
  try {
    log = await readFile(pushLog, 'utf8');
  } catch {
    return; // nothing was accepted
  } finally {
    await rm(pushLog, { force: true });
  }
  const updates: RefUpdate[] = log
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [before, after, ref] = line.split(' ');
      return { before, after, ref };
    });
  await recordRefUpdates(ctx, repo, updates, principal);
}
