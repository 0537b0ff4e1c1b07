import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PlatformWithForge, startPlatformWithForge } from '../../../test/support/platform-with-forge.ts';
import type { ProcessLauncher } from '../../launchers/process/process-launcher.ts';

type Message = { id: string; seq: number; type: string; payload: Record<string, unknown> };

describe('a runner killed mid-session', () => {
  let t: PlatformWithForge;
  const call = async (method: string, url: string, payload?: unknown) =>
    t.app.inject({ method: method as 'GET', url, headers: await t.as('alice'), payload: payload as object });
  const messages = async (id: string): Promise<Message[]> =>
    (await call('GET', `/api/projects/acme/sessions/${id}/messages?after=0&limit=1000`)).json().items;

  beforeAll(async () => {
    t = await startPlatformWithForge();
    await t.link('alice');
    await call('POST', '/api/projects', { name: 'acme', storage: { kind: 'managed' } });
    const ws = await call('POST', '/api/projects/acme/workspaces', {
      name: 'restart',
      upstream: 'acme/umbrella',
    });
    expect(ws.statusCode, ws.body).toBe(201);
  }, 120_000);
  afterAll(() => t?.close());

  it('is started again and the session log loses nothing: gap-free, no duplicate ids, the work completes', async () => {
    const res = await call('POST', '/api/projects/acme/workspaces/restart/sessions', {
      adapter: 'localexec',
      createFork: true,
      prompt: 'echo before-kill\nsleep 3\necho "after" >> README.md',
    });
    expect(res.statusCode, res.body).toBe(201);
    const id = res.json().id;
    const launcher = t.ctx.sessions.launcher as ProcessLauncher;
    const deadline = Date.now() + 30_000;
    while (!(await messages(id)).some((m) => m.type === 'command_output') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const beforeKill = await messages(id);
    const pid = launcher.pidOf(id)!;
    process.kill(-pid, 'SIGKILL'); // the whole process group, as when a node or container dies

    let s = res.json();
    while (!['succeeded', 'failed', 'cancelled'].includes(s.status) && Date.now() < deadline + 60_000) {
      await new Promise((r) => setTimeout(r, 250));
      s = (await call('GET', `/api/projects/acme/sessions/${id}`)).json();
    }
    await t.ctx.sessions.settled(id);
    s = (await call('GET', `/api/projects/acme/sessions/${id}`)).json();
    expect(s.status, s.error ?? '').toBe('succeeded');
    const log = await messages(id);
    expect(log.map((m) => m.seq)).toEqual(log.map((_, i) => i + 1));
    expect(new Set(log.map((m) => m.id)).size).toBe(log.length);
    for (const m of beforeKill) expect(log[m.seq - 1]!.id).toBe(m.id);
    expect(log.filter((m) => m.type === 'init').length).toBeGreaterThanOrEqual(2);
    expect(s.pullRequests.map((p: { repo: string }) => p.repo)).toEqual(['acme/umbrella']);
  });
});
