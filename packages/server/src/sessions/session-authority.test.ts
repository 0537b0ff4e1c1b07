import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Octokit } from '@octokit/rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PlatformWithForge, startPlatformWithForge } from '../../test/support/platform-with-forge.ts';
import { sessionTokensOf } from '../github/session-tokens.ts';

const run = promisify(execFile);

type Session = { id: string; status: string; error: string | null };
type Message = { seq: number; type: string; payload: Record<string, unknown>; sender?: { subject: string } };
type AuditRow = { action: string; actor: string; outcome: string; target: string; details: string };

/** Token formats the platform mints or holds: GitHub installation/user/OAuth/refresh tokens, runner tokens. */
const TOKEN_SHAPE = /\b(?:gh[opsur]_[A-Za-z0-9]{20,}|rfr_[A-Za-z0-9_-]{20,})/;

describe('a session’s authority stays with its owner (against the forge)', () => {
  let t: PlatformWithForge;
  /** Every secret the platform minted or held during the suite, recorded where it is produced. */
  const secrets = new Set<string>();
  const installationTokens = new Map<string, { sessionId?: string; repositories: string[] }>();
  const call = async (user: string, method: string, url: string, payload?: unknown) =>
    t.app.inject({ method: method as 'GET', url, headers: await t.as(user), payload: payload as object });

  async function status(id: string): Promise<Session> {
    return (await call('alice', 'GET', `/api/projects/acme/sessions/${id}`)).json() as Session;
  }
  async function finished(id: string): Promise<Session> {
    const deadline = Date.now() + 90_000;
    for (;;) {
      const s = await status(id);
      if (['succeeded', 'failed', 'cancelled'].includes(s.status)) {
        await t.ctx.sessions.settled(id);
        return s;
      }
      if (Date.now() > deadline) throw new Error(`session ${id} still ${s.status}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  async function log(id: string): Promise<Message[]> {
    return (
      await call('alice', 'GET', `/api/projects/acme/sessions/${id}/messages?after=0&limit=1000`)
    ).json().items as Message[];
  }
  async function audit(where: (row: AuditRow) => boolean): Promise<AuditRow[]> {
    return (await t.ctx.db.selectFrom('audit_events').selectAll().orderBy('id').execute()).filter(where);
  }
  const forgeAnswer = async (token: string) =>
    (
      await fetch(`${t.forge.apiUrl}/installation/repositories`, {
        headers: { authorization: `token ${token}` },
      })
    ).status;

  beforeAll(async () => {
    t = await startPlatformWithForge();
    const github = t.ctx.github!;
    // Observe (not replace) where secrets come from, so the test can look for each one by value.
    const mint = github.broker.mintInstallationToken.bind(github.broker);
    github.broker.mintInstallationToken = async (request) => {
      const minted = await mint(request);
      secrets.add(minted.token);
      installationTokens.set(minted.token, {
        sessionId: request.sessionId,
        repositories: minted.repositories,
      });
      return minted;
    };
    const userToken = github.broker.userAccessToken.bind(github.broker);
    github.broker.userAccessToken = async (userId) => {
      const token = await userToken(userId);
      secrets.add(token.token);
      return token;
    };
    const issue = t.ctx.runnerTokens.issue.bind(t.ctx.runnerTokens);
    t.ctx.runnerTokens.issue = (sessionId) => {
      const token = issue(sessionId);
      secrets.add(token);
      return token;
    };
    for (const u of ['alice', 'bob', 'carol']) await t.link(u);
    for (const u of ['alice', 'bob']) secrets.add(await t.forge.userToken(u));
    await call('alice', 'POST', '/api/projects', { name: 'acme', storage: { kind: 'managed' } });
    await call('alice', 'PUT', '/api/projects/acme/members/bob', { role: 'edit' });
    const ws = await call('alice', 'POST', '/api/projects/acme/workspaces', {
      name: 'authority',
      upstream: 'acme/umbrella',
      components: [
        { name: 'api', url: 'acme/api', required: true },
        { name: 'web', url: 'acme/web', required: false },
      ],
    });
    expect(ws.statusCode, ws.body).toBe(201);
  }, 180_000);
  afterAll(() => t?.close());

  it("bob (edit) cannot prompt or cancel alice's running session: 403 each, audited, the session and its log unaffected; alice's prompt carries sender alice", async () => {
    const started = await call('alice', 'POST', '/api/projects/acme/workspaces/authority/sessions', {
      adapter: 'localexec',
      createFork: true,
      prompt: 'echo waiting\nwhile [ ! -f stop-now ]; do sleep 0.1; done',
    });
    expect(started.statusCode, started.body).toBe(201);
    const id = started.json().id as string;
    const until = async (ok: (m: Message[]) => boolean) => {
      const deadline = Date.now() + 60_000;
      while (!ok(await log(id))) {
        if (Date.now() > deadline) throw new Error('the session never got there');
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    await until((m) => m.some((x) => x.type === 'command_output'));
    const before = (await log(id)).length;

    const prompt = await call('bob', 'POST', `/api/projects/acme/sessions/${id}/messages`, {
      type: 'prompt',
      payload: { text: 'echo bob-was-here >> README.md' },
    });
    expect(prompt.statusCode).toBe(403);
    expect(prompt.json().error.details).toEqual({ capability: 'session.input' });
    const cancelMessage = await call('bob', 'POST', `/api/projects/acme/sessions/${id}/messages`, {
      type: 'cancel',
      payload: { reason: 'bob says stop' },
    });
    expect(cancelMessage.statusCode).toBe(403);
    expect(cancelMessage.json().error.details).toEqual({ capability: 'session.cancel.any' });
    const cancel = await call('bob', 'POST', `/api/projects/acme/sessions/${id}/cancel`);
    expect(cancel.statusCode).toBe(403);
    expect(cancel.json().error.details).toMatchObject({ capability: 'session.cancel.any' });

    expect((await status(id)).status).toBe('running');
    const after = await log(id);
    expect(after.filter((m) => m.type === 'prompt' || m.type === 'cancel')).toEqual([]);
    expect(after.length).toBeGreaterThanOrEqual(before);
    const refusals = await audit((r) => r.actor === 'bob' && r.target === `session:${id}`);
    expect(refusals.map((r) => [r.action, r.outcome, JSON.parse(r.details).capability])).toEqual([
      ['session.prompt', 'denied', 'session.input'],
      ['session.cancel', 'denied', 'session.cancel.any'],
      ['session.cancel', 'denied', 'session.cancel.any'],
    ]);

    const own = await call('alice', 'POST', `/api/projects/acme/sessions/${id}/messages`, {
      type: 'prompt',
      payload: { text: 'touch stop-now' },
    });
    expect(own.statusCode, own.body).toBe(201);
    expect(own.json().sender).toMatchObject({ subject: 'alice' });
    const stored = (await log(id)).find((m) => m.type === 'prompt');
    expect(stored?.sender?.subject).toBe('alice');
    expect((await call('alice', 'POST', `/api/projects/acme/sessions/${id}/cancel`)).statusCode).toBe(200);
    expect((await finished(id)).status).toBe('cancelled');
  });

  it('a hostile localexec session finds no token anywhere it can look; after it ends every token it used is refused (401) and each mint and revocation is audited', async () => {
    // The run directories, wherever the work directory is (under the run directory, or an agent uid's elsewhere).
    const runs = path.join(t.ctx.config.dataDir, 'runs');
    const hostile = [
      'env',
      // Everything under the session's work directory and the run directories, raw (the secrets among them)…
      `find .. ${runs} -type f -not -path "*/.git/objects/*" -print0 | xargs -0 cat 2>/dev/null; true`,
      // …and anything token-shaped or an Authorization header in every file of the platform's data directory.
      `grep -raoE "(gh[opsur]|rfr)_[A-Za-z0-9_-]{10,}|(Basic|Bearer|token) [A-Za-z0-9+/=_-]{16,}" .. ${t.ctx.config.dataDir} 2>/dev/null; true`,
      'grep -ra -e ghu_ -e ghs_ -e gho_ -e rfr_ /proc/*/environ /proc/*/cmdline 2>/dev/null; true',
      'cat /proc/*/environ 2>/dev/null | tr "\\0" "\\n" | grep -i -e token -e auth -e GIT_CONFIG; true',
      'git config --list --show-origin; true',
      'cat ~/.git-credentials; true',
      `ls -la ../../secrets ${runs}/*/secrets ~ 2>&1; true`,
      'echo hostile >> README.md',
    ].join('\n');
    const started = await call('alice', 'POST', '/api/projects/acme/workspaces/authority/sessions', {
      adapter: 'localexec',
      createFork: true,
      prompt: hostile,
    });
    expect(started.statusCode, started.body).toBe(201);
    const id = started.json().id as string;
    const s = await finished(id);
    expect(s.status, s.error ?? '').toBe('succeeded');

    const messages = await log(id);
    const output = messages
      .filter((m) => m.type === 'command_output')
      .map((m) => String(m.payload.chunk))
      .join('');
    expect(output).toContain('GIT_AUTHOR_NAME='); // the commands really ran and printed
    expect(output).toContain('file:'); // git config --list --show-origin
    const used = [...installationTokens].filter(([, v]) => v.sessionId === id).map(([token]) => token);
    expect(used.length).toBeGreaterThanOrEqual(2); // a clone token and push tokens
    expect(secrets.size).toBeGreaterThan(used.length);
    for (const secret of secrets) {
      expect(output.includes(secret), 'a platform token in the hostile output').toBe(false);
      expect(output.includes(Buffer.from(`x-access-token:${secret}`).toString('base64'))).toBe(false);
    }
    expect(output).not.toMatch(TOKEN_SHAPE);
    expect(JSON.stringify(messages)).not.toMatch(TOKEN_SHAPE);

    // Revoked when the session ended: the forge refuses every one.
    for (const token of used) expect(await forgeAnswer(token)).toBe(401);
    const minted = await audit(
      (r) => r.action === 'github.token.issue' && JSON.parse(r.details).sessionId === id,
    );
    const revoked = await audit(
      (r) => r.action === 'github.token.revoke' && JSON.parse(r.details).sessionId === id,
    );
    expect(minted).toHaveLength(used.length);
    expect(revoked).toHaveLength(used.length);
    for (const row of [...minted, ...revoked]) {
      const details = JSON.parse(row.details);
      expect(details.repositories.length).toBeGreaterThan(0);
      expect(Object.keys(details.permissions)).toContain('contents');
      expect(Date.parse(details.expiresAt) - Date.now()).toBeLessThanOrEqual(3_600_000);
      for (const token of used) expect(row.details.includes(token)).toBe(false);
    }
    expect(revoked.map((r) => JSON.parse(r.details).result)).toEqual(used.map(() => 'revoked'));
    const reads = minted.map((r) => JSON.parse(r.details)).filter((d) => d.purpose === 'session.clone');
    expect(reads.map((d) => [[...d.repositories].sort(), d.permissions])).toEqual([
      [['acme/api', 'acme/umbrella', 'acme/web'], { contents: 'read', metadata: 'read' }],
    ]);
    const pushes = minted.map((r) => JSON.parse(r.details)).filter((d) => d.purpose === 'session.push');
    expect(pushes.map((d) => [d.repositories, d.permissions])).toEqual([
      [['alice/umbrella'], { contents: 'write', metadata: 'read' }],
    ]);
  });

  it('run by a root server, a hostile session’s commands run under an agent uid of their own: the shell’s environ, the secrets and the run directory are out of reach, a setsid leftover is dead before the push and saw no token, and the session still pushes and opens its PR', async () => {
    if (process.getuid?.() !== 0) {
      // CI runs as root: there, not being root is a failure, never a skip.
      if (process.env.CI) throw new Error('This test needs a root server (agent uids); CI runs as root.');
      console.warn('skipped: not root, so the process launcher gives agents no uid of their own');
      return;
    }
    const runs = path.join(t.ctx.config.dataDir, 'runs');
    const hostile = [
      'id -u; id -G',
      'cat /proc/$PPID/environ >/dev/null 2>&1 && echo shell-environ-readable || echo shell-environ-refused',
      `ls ${runs} >/dev/null 2>&1 && echo runs-listable || echo runs-refused`,
      `cat ${runs}/*/launch.json ${runs}/*/secrets/* ${runs}/*/runner.log >/dev/null 2>&1 && echo run-files-readable || echo run-files-refused`,
      `ls ${t.ctx.config.dataDir} >/dev/null 2>&1 && echo data-listable || echo data-refused`,
      'ls .. >/dev/null 2>&1 && echo workdir-listable || echo workdir-refused',
      `setsid sh -c 'while :; do echo "tick $(date +%s%3N)"; cat /proc/*/environ; sleep 0.05; done' </dev/null >"$HOME/leaked.txt" 2>&1 &`,
      'sleep 0.3',
      'echo hostile-uid >> README.md',
    ].join('\n');
    const started = await call('alice', 'POST', '/api/projects/acme/workspaces/authority/sessions', {
      adapter: 'localexec',
      createFork: true,
      prompt: hostile,
    });
    expect(started.statusCode, started.body).toBe(201);
    const id = started.json().id as string;
    const s = await finished(id);
    expect(s.status, s.error ?? '').toBe('succeeded');

    const launch = JSON.parse(fs.readFileSync(path.join(runs, id, 'launch.json'), 'utf8'));
    const uid = Number(launch.env.RFE_AGENT_UID);
    expect(uid).toBeGreaterThanOrEqual(200_000);
    const messages = await log(id);
    const output = messages
      .filter((m) => m.type === 'command_output')
      .map((m) => String(m.payload.chunk))
      .join('');
    expect(output).toContain(`${uid}\n${launch.env.RFE_AGENT_GID}\n`);
    for (const refused of ['shell-environ', 'runs', 'run-files', 'data', 'workdir'])
      expect(output).toContain(`${refused}-refused`);

    // The leftover watched until the adapter ended, never during the push, and saw no token.
    const leaked = fs.readFileSync(path.join(launch.workDir, 'home', 'leaked.txt'), 'utf8');
    const ticks = [...leaked.matchAll(/tick (\d+)/g)].map((m) => Number(m[1]));
    expect(ticks.length).toBeGreaterThan(2);
    const push = messages.find((m) => m.type === 'git_event' && m.payload.action === 'push');
    expect(push, 'a push').toBeDefined();
    expect(Math.max(...ticks)).toBeLessThan(Date.parse(String((push as unknown as { ts: string }).ts)));
    for (const secret of secrets)
      expect(leaked.includes(secret), 'a platform token seen by the leftover').toBe(false);
    expect(leaked).not.toMatch(TOKEN_SHAPE);
    expect(leaked).not.toMatch(/extraHeader|Authorization/i);

    const session = (await call('alice', 'GET', `/api/projects/acme/sessions/${id}`)).json() as {
      pullRequests: { repo: string }[];
    };
    expect(session.pullRequests.map((p) => p.repo)).toEqual(['acme/umbrella']);
  });

  it('tokens narrowed to alice/umbrella and alice/api cannot push to alice/web or acme/* (the forge refuses); revoked they push nowhere', async () => {
    const tokens = sessionTokensOf(t.ctx);
    const sessionId = 'narrowing-check';
    // alice's forks exist from the sessions above (umbrella, api; web is forked here for the check).
    const alice = new Octokit({ baseUrl: t.forge.apiUrl, auth: await t.forge.userToken('alice') });
    await alice.rest.repos.createFork({ owner: 'acme', repo: 'web' });
    await tokens.plan({
      sessionId,
      projectId: 'none',
      actor: 'alice',
      read: [{ owner: 'acme', repo: 'umbrella' }],
      push: [
        { upstream: 'acme/umbrella', repo: { owner: 'alice', repo: 'umbrella' }, direct: false },
        { upstream: 'acme/api', repo: { owner: 'alice', repo: 'api' }, direct: false },
      ],
    });
    const pushCredentials = await tokens.credentials(sessionId, 'push');
    const [readCredential] = await tokens.credentials(sessionId, 'clone');
    expect(pushCredentials.map((c) => c.url.replace(t.forge.url, ''))).toEqual([
      '/alice/umbrella',
      '/alice/api',
    ]);

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rfe-narrow-'));
    try {
      const git = (args: string[], token: string) =>
        run('git', args, {
          cwd: dir,
          env: {
            PATH: process.env.PATH,
            HOME: dir,
            GIT_TERMINAL_PROMPT: '0',
            GIT_CONFIG_COUNT: '1',
            GIT_CONFIG_KEY_0: 'http.extraHeader',
            GIT_CONFIG_VALUE_0: `Authorization: Basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}`,
          },
        }).then(
          () => 'ok',
          (err: { stderr: string }) => `refused: ${err.stderr}`,
        );
      await run('git', ['init', '-q', '-b', 'main', dir]);
      await run('git', [
        '-C',
        dir,
        '-c',
        'user.name=a',
        '-c',
        'user.email=a@x',
        'commit',
        '-q',
        '--allow-empty',
        '-m',
        'x',
      ]);
      const push = (repo: string, token: string) =>
        git(['push', `${t.forge.url}/${repo}.git`, 'HEAD:refs/heads/narrowing-check'], token);
      const [umbrellaToken, apiToken] = pushCredentials.map((c) => c.token);
      expect(await push('alice/api', apiToken!)).toBe('ok');
      expect(await push('alice/web', apiToken!)).toMatch(/^refused/);
      expect(await push('alice/web', umbrellaToken!)).toMatch(/^refused/);
      expect(await push('alice/umbrella', apiToken!)).toMatch(/^refused/);
      for (const repo of ['acme/umbrella', 'acme/api', 'acme/web']) {
        expect(await push(repo, apiToken!)).toMatch(/^refused/);
        expect(await push(repo, readCredential!.token)).toMatch(/^refused/); // contents: read
      }
      await tokens.endSession(sessionId);
      expect(await push('alice/api', apiToken!)).toMatch(/^refused/);
      for (const c of [...pushCredentials, readCredential!]) expect(await forgeAnswer(c.token)).toBe(401);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a session on an upstream whose owner has not installed the App is refused with the remedy', async () => {
    const tokens = sessionTokensOf(t.ctx);
    const refused = await tokens
      .plan({
        sessionId: 'no-installation',
        projectId: 'none',
        actor: 'alice',
        read: [{ owner: 'nobody-installed', repo: 'umbrella' }],
        push: [],
      })
      .then(
        () => null,
        (err: Error & { code?: string }) => err,
      );
    expect(refused?.code).toBe('app_not_installed');
    expect(refused?.message).toContain('Install the GitHub App on nobody-installed');
  });
});
