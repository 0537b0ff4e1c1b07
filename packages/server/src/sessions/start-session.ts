import type { AppContext } from '../context.ts';
import { appendAudit } from '../db/audit.ts';
import { now } from '../db/database.ts';
import { newId } from '../db/ids.ts';
import type { ProjectsTable, SessionsTable, WorkspacesTable } from '../db/schema.ts';
import { insertSession, updateSessionStatus } from '../db/sessions.ts';
import type { User } from '../db/users.ts';
import { UnprocessableError } from '../errors.ts';
import { requireGithub } from '../github/github-services.ts';
import { type SessionCredentialPlan, sessionTokensOf } from '../github/session-tokens.ts';
import { upstreamReader } from '../github/upstream-reader.ts';
import type { RunnerHandle } from '../launchers/launcher.ts';
import { modelForSession } from '../model/session-model.ts';
import { listSubmodules } from '../workspaces/workspace-store.ts';
import { resolveSessionTargets } from './resolve-targets.ts';
import { runnerBackendUrl } from './runner-url.ts';
import { sessionTitle } from './session-title.ts';

export interface StartSessionInput {
  kind: 'session' | 'specify';
  adapter: 'localexec' | 'claude' | 'specify';
  prompt: string;
  fork?: string;
  createFork?: boolean;
  inputBranch?: string;
  outputBranch?: string;
  directPush?: boolean;
  feature?: string;
  /** Shown in lists and used as the PR title; the prompt's first line when left out. */
  title?: string;
}

/** A distinct, short, branch-safe suffix: the random tail of the ULID (its head is the timestamp). */
export const sessionShortId = (id: string): string => id.slice(-8).toLowerCase();

/**
 * Starts a session: validates input/output repositories and submodules before anything launches, plans
 * the installation tokens its runner may ask for (refused when the App is not installed where it must
 * read or push), records the session `queued` and hands it to the launcher.
 */
export async function startSession(
  ctx: AppContext,
  user: User,
  project: ProjectsTable,
  ws: WorkspacesTable,
  input: StartSessionInput,
): Promise<SessionsTable> {
  const github = requireGithub(ctx);
  // Before anything is recorded: a claude session without a model is refused with what to set.
  const sessionModel = await modelForSession(ctx, project, input.adapter);
  const { token: userToken, login } = await github.broker.userAccessToken(user.id);
  const octokit = github.client.octokit({ token: userToken, scope: `user:${user.id}`, kind: 'user' });
  const inputBranch = input.inputBranch ?? ws.canonical_branch;
  const submodules = await listSubmodules(ctx.db, ws.id);
  // Refused with the remedy (install the App on the upstream's owner) before anything is forked or launched.
  const reader = await upstreamReader(ctx, ws.upstream_owner, [ws.upstream_repo], user.subject);
  const resolved = await resolveSessionTargets(octokit, reader, login, github.webUrl, ws, submodules, {
    fork: input.fork,
    createFork: input.createFork,
    directPush: input.directPush,
    inputBranch,
  });

  const id = newId();
  const model = sessionModel?.(id);
  const outputBranch = input.outputBranch ?? `rfe/${ws.slug}/session-${sessionShortId(id)}`;
  const umbrellaName = `${ws.upstream_owner}/${ws.upstream_repo}`;
  // The runner never gets the user's token: only installation tokens, minted per step when it asks
  // (routes/messages/runner-credentials.ts), narrowed to what this plan names, revoked when it ends.
  const sessionTokens = sessionTokensOf(ctx);
  await sessionTokens.plan(credentialPlanFor(id, project, user, ws, resolved));

  const flags = resolved.skipped.length ? ['incomplete-submodules'] : [];
  const row: SessionsTable = {
    id,
    project_id: project.id,
    workspace_id: ws.id,
    user_id: user.id,
    kind: input.kind,
    adapter: input.adapter,
    prompt: input.prompt,
    title: sessionTitle(input.title, input.prompt),
    input_repo: umbrellaName,
    input_branch: inputBranch,
    output_repo: resolved.targets[umbrellaName]?.forkFullName ?? umbrellaName,
    output_branch: outputBranch,
    direct_push: input.directPush ? 1 : 0,
    status: 'queued',
    flags: JSON.stringify(flags),
    error: null,
    remediation: null,
    skipped_submodules: JSON.stringify(resolved.skipped),
    created_at: now(),
    started_at: null,
    finished_at: null,
  };
  await insertSession(ctx.db, row);
  await appendAudit(ctx.db, {
    actor: user.subject,
    action: input.kind === 'specify' ? 'specify.start' : 'session.start',
    projectId: project.id,
    target: `session:${id}`,
    details: {
      workspace: ws.slug,
      adapter: input.adapter,
      outputBranch,
      directPush: Boolean(input.directPush),
      flags,
    },
  });

  // The runner is refused from this moment on; it gets 10 s past its own timeout to report and deliver.
  const timeoutMs = ctx.config.sessionTimeoutSeconds * 1000;
  const deadlineAt = new Date(Date.now() + timeoutMs + 10_000).toISOString();
  const env: Record<string, string> = {
    RFE_SESSION_ID: id,
    RFE_DEADLINE_AT: deadlineAt,
    RFE_WORKSPACE_SLUG: ws.slug,
    RFE_BACKEND_WS_URL: `${runnerBackendUrl(ctx)}/api/runner/sessions/${id}`,
    RFE_GIT_CREDENTIALS_URL: `${runnerBackendUrl(ctx).replace(/^ws/, 'http')}/api/runner/sessions/${id}/git-credentials`,
    RFE_INPUT_REPO: `${github.webUrl}/${umbrellaName}.git`,
    RFE_INPUT_BRANCH: inputBranch,
    RFE_OUTPUT: JSON.stringify(resolved.targets),
    RFE_OUTPUT_BRANCH: outputBranch,
    RFE_ADAPTER: input.adapter,
    RFE_PROMPT: input.prompt,
    RFE_AUTHOR_NAME: user.name,
    RFE_AUTHOR_EMAIL: user.email,
    RFE_SUBMODULES: JSON.stringify(submodules.map((m) => ({ path: m.path, required: m.required === 1 }))),
    ...(input.feature ? { RFE_SPECIFY_FEATURE: input.feature } : {}),
    ...model?.env,
  };
  let handle: RunnerHandle;
  try {
    handle = await ctx.sessions.launcher.launch({
      sessionId: id,
      projectName: project.name,
      workspaceSlug: ws.slug,
      env,
      secrets: {
        runnerToken: ctx.runnerTokens.issue(id),
        gitCredentials: JSON.stringify({
          git: [],
          ...(model ? { modelKey: model.modelKey } : {}),
        }),
      },
      timeoutMs,
    });
  } catch (err) {
    await sessionTokens.endSession(id);
    await updateSessionStatus(ctx.db, id, 'failed', {
      error: `The runner could not be launched: ${(err as Error).message}`,
      remediation:
        'Check the launcher configuration (RUNNER_LAUNCHER) and the server log, then start the session again.',
    });
    throw new UnprocessableError(
      'launch_failed',
      `The runner could not be launched: ${(err as Error).message}`,
    );
  }
  await ctx.sessions.launched(row, handle, deadlineAt);
  return { ...row, status: 'running', deadline_at: deadlineAt };
}

/** The repositories the runner reads (upstream, readable submodules) and pushes (forks or direct). */
function credentialPlanFor(
  sessionId: string,
  project: ProjectsTable,
  user: User,
  ws: WorkspacesTable,
  resolved: Awaited<ReturnType<typeof resolveSessionTargets>>,
): SessionCredentialPlan {
  const split = (name: string) => {
    const [owner, repo] = name.split('/') as [string, string];
    return { owner, repo };
  };
  const umbrella = `${ws.upstream_owner}/${ws.upstream_repo}`;
  const read = [
    split(umbrella),
    ...Object.keys(resolved.targets)
      .filter((n) => n !== umbrella)
      .map(split),
  ];
  const push = Object.entries(resolved.targets).map(([upstream, target]) => ({
    upstream,
    repo: split(target.directPush ? upstream : target.forkFullName!),
    direct: target.directPush,
  }));
  return { sessionId, projectId: project.id, actor: user.subject, read, push };
}
