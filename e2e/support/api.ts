import type { E2ePlatform } from './platform.ts';

/** Calls the platform's API as a seeded user (bearer token), for test setup the browser need not do. */
export async function callApi<T = unknown>(
  platform: E2ePlatform,
  user: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const res = await fetch(`${platform.url}${path}`, {
    method,
    headers: { ...(await platform.as(user)), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (res.status === 204 ? undefined : await res.json()) as T;
}

export interface FinishedSession {
  project: string;
  sessionId: string;
  /** Messages in its log. */
  lastSeq: number;
}

/**
 * A session with more than one page (200 messages) of history: a project and workspace of its own,
 * 75 localexec commands of three messages each. Resolves when the session has ended.
 */
export async function runLongSession(platform: E2ePlatform, user: string): Promise<FinishedSession> {
  const api = <T>(method: string, path: string, body?: unknown) =>
    callApi<T>(platform, user, method, path, body);
  await platform.link(user);
  await api('POST', '/api/projects', {
    name: 'longrun',
    displayName: 'Long-running demo',
    storage: { kind: 'managed' },
  });
  await api('POST', '/api/projects/longrun/workspaces', { name: 'Long', upstream: 'acme/umbrella' });
  const prompt = Array.from({ length: 75 }, (_, i) => `echo line-${i + 1}`).join('\n');
  const { id } = await api<{ id: string }>('POST', '/api/projects/longrun/workspaces/long/sessions', {
    adapter: 'localexec',
    prompt,
    createFork: true,
  });
  for (let i = 0; i < 240; i++) {
    const { status } = await api<{ status: string }>('GET', `/api/projects/longrun/sessions/${id}`);
    if (status !== 'queued' && status !== 'running') break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const { lastSeq } = await api<{ lastSeq: number }>(
    'GET',
    `/api/projects/longrun/sessions/${id}/messages?limit=1`,
  );
  return { project: 'longrun', sessionId: id, lastSeq };
}
