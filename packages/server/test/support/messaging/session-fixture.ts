import type { AddressInfo } from 'node:net';
import { now } from '../../../src/db/database.ts';
import { newId } from '../../../src/db/ids.ts';
import { insertSession } from '../../../src/db/sessions.ts';
import type { TestApp } from '../test-app.ts';

export interface SessionFixture {
  project: string;
  workspaceId: string;
  sessionId: string;
  runnerToken: string;
  /** ws://… of the runner channel and the UI stream. */
  runnerUrl: string;
  streamUrl: string;
  /** http://… of the messages endpoint. */
  messagesUrl: string;
}

/**
 * A project (alice admin, bob view, carol edit), a workspace and a running session, created through the
 * API and the row helpers until the session operations exist; plus the session's runner token.
 */
export async function createSessionFixture(
  t: TestApp,
  baseUrl: string,
  project = 'msgs',
): Promise<SessionFixture> {
  const alice = await t.as('alice');
  const created = await t.app.inject({
    method: 'POST',
    url: '/api/projects',
    headers: alice,
    payload: { name: project, storage: { kind: 'managed' } },
  });
  if (created.statusCode !== 201 && created.statusCode !== 409) throw new Error(`project: ${created.body}`);
  for (const [member, role] of [
    ['bob', 'view'],
    ['carol', 'edit'],
  ]) {
    await t.app.inject({
      method: 'PUT',
      url: `/api/projects/${project}/members/${member}`,
      headers: alice,
      payload: { role },
    });
  }
  const projectRow = await t.ctx.db
    .selectFrom('projects')
    .selectAll()
    .where('name', '=', project)
    .executeTakeFirstOrThrow();
  const aliceRow = await t.ctx.db
    .selectFrom('users')
    .selectAll()
    .where('subject', '=', 'alice')
    .executeTakeFirstOrThrow();
  const workspaceId = newId();
  const slug = `ws-${workspaceId.slice(-6).toLowerCase()}`;
  await t.ctx.db
    .insertInto('workspaces')
    .values({
      id: workspaceId,
      project_id: projectRow.id,
      slug,
      name: slug,
      upstream_host: 'forge.local',
      upstream_owner: 'acme',
      upstream_repo: 'umbrella',
      canonical_branch: `rfe/${slug}`,
      feature_slug: null,
      storage_prefix: `rfe_workflows/${workspaceId}/`,
      created_by: 'alice',
      created_at: now(),
    })
    .execute();
  const sessionId = newId();
  await insertSession(t.ctx.db, {
    id: sessionId,
    project_id: projectRow.id,
    workspace_id: workspaceId,
    user_id: aliceRow.id,
    kind: 'session',
    adapter: 'localexec',
    prompt: 'test',
    input_repo: 'acme/umbrella',
    input_branch: `rfe/${slug}`,
    output_repo: null,
    output_branch: `rfe/${slug}/session-${sessionId.slice(-6)}`,
    direct_push: 0,
    status: 'running',
    flags: '[]',
    error: null,
    remediation: null,
    created_at: now(),
    started_at: now(),
    finished_at: null,
  });
  const ws = baseUrl.replace(/^http/, 'ws');
  return {
    project,
    workspaceId,
    sessionId,
    runnerToken: t.ctx.runnerTokens.issue(sessionId),
    runnerUrl: `${ws}/api/runner/sessions/${sessionId}`,
    streamUrl: `${ws}/api/projects/${project}/sessions/${sessionId}/stream`,
    messagesUrl: `${baseUrl}/api/projects/${project}/sessions/${sessionId}/messages`,
  };
}

/** Listens on a loopback port and returns the base URL. */
export async function listen(t: TestApp): Promise<string> {
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = t.app.server.address() as AddressInfo;
  return `http://127.0.0.1:${port}`;
}
