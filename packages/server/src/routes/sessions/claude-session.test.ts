import { Octokit } from '@octokit/rest';
import { ScriptedMessagesApi, toolResultsIn } from '@rfe/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PlatformWithForge, startPlatformWithForge } from '../../../test/support/platform-with-forge.ts';

/** The runner's work tree, as the Claude Code CLI tells the model in its system prompt. */
function workingDirectory(request: unknown): string {
  const text = JSON.stringify(request);
  const match = /[Ww]orking directory: (\/[^\s"\\]+)/.exec(text);
  if (!match) throw new Error('no working directory in the request');
  return match[1]!.replace(/\\n.*$/, '');
}

describe('a claude session through the platform, against a scripted Messages API', () => {
  let t: PlatformWithForge;
  let api: ScriptedMessagesApi;
  const call = async (method: string, url: string, payload?: unknown) =>
    t.app.inject({ method: method as 'GET', url, headers: await t.as('alice'), payload: payload as object });

  beforeAll(async () => {
    api = await ScriptedMessagesApi.start((request) => {
      const tools = (request.tools ?? []).map((x) => x.name);
      if (!tools.includes('Edit')) return { content: [{ type: 'text', text: 'ok' }] };
      const cwd = workingDirectory(request);
      if (toolResultsIn(request) === 0) {
        return {
          content: [
            { type: 'text', text: 'Adding a note.' },
            {
              type: 'tool_use',
              id: 'toolu_1',
              name: 'Write',
              input: { file_path: `${cwd}/specs/agent-note.md`, content: '# Note from the agent\n' },
            },
          ],
        };
      }
      return { content: [{ type: 'text', text: 'Wrote specs/agent-note.md.' }] };
    });
    t = await startPlatformWithForge({ anthropicBaseUrl: api.url });
    await t.link('alice');
    await call('POST', '/api/projects', { name: 'acme', storage: { kind: 'managed' } });
    const ws = await call('POST', '/api/projects/acme/workspaces', {
      name: 'agent',
      upstream: 'acme/umbrella',
    });
    expect(ws.statusCode, ws.body).toBe(201);
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await api?.stop();
  });

  it("the SDK's tool calls appear as tool_event and file_change messages and the edit reaches the PR", async () => {
    const res = await call('POST', '/api/projects/acme/workspaces/agent/sessions', {
      adapter: 'claude',
      createFork: true,
      prompt: 'Add a note',
    });
    expect(res.statusCode, res.body).toBe(201);
    const id = res.json().id;
    const deadline = Date.now() + 90_000;
    let s = res.json();
    while (!['succeeded', 'failed', 'cancelled'].includes(s.status) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      s = (await call('GET', `/api/projects/acme/sessions/${id}`)).json();
    }
    await t.ctx.sessions.settled(id);
    s = (await call('GET', `/api/projects/acme/sessions/${id}`)).json();
    expect(s.status, s.error ?? '').toBe('succeeded');
    const log = (await call('GET', `/api/projects/acme/sessions/${id}/messages?after=0&limit=1000`)).json()
      .items as {
      type: string;
      payload: Record<string, unknown>;
    }[];
    expect(log.filter((m) => m.type === 'tool_event').map((m) => [m.payload.name, m.payload.action])).toEqual(
      expect.arrayContaining([
        ['Write', 'start'],
        ['Write', 'end'],
      ]),
    );
    expect(log.some((m) => m.type === 'file_change' && m.payload.path === 'specs/agent-note.md')).toBe(true);
    const umbrella = s.pullRequests.find((p: { role: string }) => p.role === 'umbrella');
    const gh = new Octokit({ baseUrl: t.forge.apiUrl, auth: await t.forge.userToken('alice') });
    const file = await gh.rest.repos.getContent({
      owner: 'alice',
      repo: 'umbrella',
      path: 'specs/agent-note.md',
      ref: s.output.branch,
    });
    expect(Buffer.from((file.data as { content: string }).content, 'base64').toString()).toContain(
      'Note from the agent',
    );
    expect(umbrella.base).toBe('rfe/agent');
  });
});
