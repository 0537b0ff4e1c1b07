import type { Octokit } from '@octokit/rest';
import type { AppContext } from '../context.ts';
import { now } from '../db/database.ts';
import { newId } from '../db/ids.ts';
import type { PrLinksTable, SessionsTable } from '../db/schema.ts';
import { httpStatus } from '../github/github-errors.ts';
import { umbrellaBody } from './pull-request-body.ts';
import type { SkippedSubmodule } from './resolve-targets.ts';
import { pullRequestTitle } from './session-title.ts';

export interface PrIntent {
  repo: string;
  head: string;
  base: string;
  title: string;
  body: string;
}

/**
 * Opens the pull request a runner asked for, as the user (cross-fork PRs need the user's token, SPEC §6).
 * Idempotent per (session, repository): an existing link or an open PR with the same head is reused, so a
 * retry after a 5xx — whose outcome is unknown — never opens a second one.
 */
export async function openPullRequest(
  ctx: AppContext,
  octokit: Octokit,
  session: SessionsTable,
  intent: PrIntent,
): Promise<PrLinksTable> {
  const started = performance.now();
  const existing = await findLink(ctx, session.id, intent.repo);
  if (existing) return existing;
  const [owner, repo] = intent.repo.split('/') as [string, string];
  const role: PrLinksTable['role'] = intent.repo === session.input_repo ? 'umbrella' : 'submodule';
  const skipped = JSON.parse(session.skipped_submodules ?? '[]') as SkippedSubmodule[];
  const body =
    role === 'umbrella'
      ? umbrellaBody(intent.body, await componentLinks(ctx, session.id), skipped)
      : intent.body;

  let pr: { number: number; html_url: string } | undefined;
  for (let attempt = 1; !pr; attempt++) {
    pr = await findOpenPr(octokit, owner, repo, intent.head, intent.base);
    if (pr) break;
    try {
      pr = (
        await octokit.rest.pulls.create({
          owner,
          repo,
          head: intent.head,
          base: intent.base,
          title: pullRequestTitle(session.title, intent.title),
          body,
        })
      ).data;
    } catch (err) {
      const status = httpStatus(err) ?? 0;
      if (status < 500 || attempt >= 4) throw err;
      await new Promise((r) => setTimeout(r, 200 * attempt));
    }
  }
  const link: PrLinksTable = {
    id: newId(),
    session_id: session.id,
    repo: intent.repo,
    head: intent.head,
    base: intent.base,
    number: pr.number,
    url: pr.html_url,
    status: 'open',
    role,
    created_at: now(),
    updated_at: now(),
  };
  try {
    await ctx.db.insertInto('pr_links').values(link).execute();
  } catch (err) {
    const raced = await findLink(ctx, session.id, intent.repo);
    if (raced) return raced;
    throw err;
  }
  ctx.sessions.metrics.prCreation.observe((performance.now() - started) / 1000);
  if (role === 'submodule') await refreshUmbrellaBody(ctx, octokit, session);
  return link;
}

/** Keeps the umbrella PR's component links current when a component PR appears after it. */
async function refreshUmbrellaBody(ctx: AppContext, octokit: Octokit, session: SessionsTable): Promise<void> {
  const umbrella = await findLink(ctx, session.id, session.input_repo);
  if (!umbrella) return;
  const [owner, repo] = umbrella.repo.split('/') as [string, string];
  const current = await octokit.rest.pulls.get({ owner, repo, pull_number: umbrella.number });
  const skipped = JSON.parse(session.skipped_submodules ?? '[]') as SkippedSubmodule[];
  const body = umbrellaBody(current.data.body ?? '', await componentLinks(ctx, session.id), skipped);
  if (body !== current.data.body)
    await octokit.rest.pulls.update({ owner, repo, pull_number: umbrella.number, body });
}

async function findOpenPr(octokit: Octokit, owner: string, repo: string, head: string, base: string) {
  const res = await octokit.rest.pulls.list({ owner, repo, head, base, state: 'open', per_page: 10 });
  return res.data[0];
}

function findLink(ctx: AppContext, sessionId: string, repo: string) {
  return ctx.db
    .selectFrom('pr_links')
    .selectAll()
    .where('session_id', '=', sessionId)
    .where('repo', '=', repo)
    .executeTakeFirst();
}

function componentLinks(ctx: AppContext, sessionId: string) {
  return ctx.db
    .selectFrom('pr_links')
    .selectAll()
    .where('session_id', '=', sessionId)
    .where('role', '=', 'submodule')
    .orderBy('repo')
    .execute();
}
