import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findLeaks, type GithubHarness, startGithubHarness } from '../../test/support/github-harness.ts';
import { findGithubLink } from '../db/github-links.ts';
import { findUserBySubject, type User } from '../db/users.ts';
import { refreshSealContext, TokenBroker } from './token-broker.ts';

const run = promisify(execFile);
const MINT_ROUTE = 'POST /api/v3/app/installations/:id/access_tokens';

describe('TokenBroker against the forge', () => {
  let h: GithubHarness;
  let alice: User;
  let aliceInstallation: number;
  const issued: string[] = [];
  const mint = async (...args: Parameters<TokenBroker['mintInstallationToken']>) => {
    const minted = await h.github.broker.mintInstallationToken(...args);
    issued.push(minted.token);
    return minted;
  };
  const mints = () => h.forge.stats().byRoute[MINT_ROUTE] ?? 0;

  beforeAll(async () => {
    h = await startGithubHarness();
    const browser = await h.signIn('alice');
    expect((await h.linkAccount(browser)).status).toBe(302);
    alice = (await findUserBySubject(h.t.ctx.db, 'alice'))!;
    [aliceInstallation] = await h.installationsOf('alice');
    for (const repo of ['acme/api', 'acme/web']) {
      const fork = h.record(
        await h.t.app.inject({
          method: 'POST',
          url: '/api/github/forks',
          headers: await h.t.as('alice'),
          payload: { repo },
        }),
      );
      expect(fork.statusCode, fork.body).toBe(202);
    }
  });
  afterAll(() => h?.close());

  async function pushNewBranch(repo: string, token: string): Promise<{ ok: boolean; output: string }> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rfe-push-'));
    const env = {
      ...process.env,
      GIT_TERMINAL_PROMPT: '0',
      GIT_AUTHOR_NAME: 'Alice',
      GIT_AUTHOR_EMAIL: 'alice@example.test',
      GIT_COMMITTER_NAME: 'Alice',
      GIT_COMMITTER_EMAIL: 'alice@example.test',
      // The credential goes in through the environment: not in argv, not in any .git/config.
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: 'http.extraHeader',
      GIT_CONFIG_VALUE_0: `Authorization: Basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}`,
    };
    try {
      await run('git', ['init', '-q', '-b', 'main', dir], { env });
      fs.writeFileSync(path.join(dir, 'NOTES.md'), 'session output\n');
      await run('git', ['add', '.'], { cwd: dir, env });
      await run('git', ['commit', '-q', '-m', 'session work'], { cwd: dir, env });
      const out = await run(
        'git',
        ['push', `${h.forge.url}/${repo}.git`, 'HEAD:refs/heads/rfe/demo/session-1'],
        { cwd: dir, env },
      );
      return { ok: true, output: out.stderr };
    } catch (err) {
      return { ok: false, output: String((err as { stderr?: string }).stderr ?? err) };
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  it('a token minted for alice/api can push to alice/api and cannot push to alice/web (the forge refuses)', async () => {
    const token = await mint({
      installationId: aliceInstallation,
      repositories: ['api'],
      permissions: { contents: 'write' },
      purpose: 'session.push',
      actor: 'alice',
      sessionId: 'S1',
    });
    expect(token.repositories).toEqual(['alice/api']);
    expect(token.permissions).toEqual({ contents: 'write', metadata: 'read' });
    expect(Date.parse(token.expiresAt) - Date.now()).toBeGreaterThan(55 * 60_000);
    expect(await pushNewBranch('alice/api', token.token)).toMatchObject({ ok: true });
    const refused = await pushNewBranch('alice/web', token.token);
    expect(refused.ok).toBe(false);
    expect(refused.output).toMatch(/not found|denied|403|404/i);
  });

  it('minting a cached scope makes zero forge calls, however the scope is spelled', async () => {
    const scope = {
      installationId: aliceInstallation,
      permissions: { contents: 'read' as const, pull_requests: 'write' as const },
      purpose: 'p',
      actor: 'alice',
    };
    const first = await mint({ ...scope, repositories: ['api', 'web'] });
    const before = h.forge.stats().requests;
    const again = await mint({
      ...scope,
      repositories: ['web', 'api', 'web'],
      permissions: { pull_requests: 'write', contents: 'read' },
    });
    expect(h.forge.stats().requests - before).toBe(0);
    expect(again.token).toBe(first.token);
  });

  it('20 concurrent mints of one new scope make one forge request and share its token', async () => {
    const before = mints();
    const tokens = await Promise.all(
      Array.from({ length: 20 }, () =>
        mint({
          installationId: aliceInstallation,
          repositories: ['web'],
          permissions: { contents: 'read' },
          purpose: 'clone',
          actor: 'bob',
        }),
      ),
    );
    expect(mints() - before).toBe(1);
    expect(new Set(tokens.map((t) => t.token)).size).toBe(1);
  });

  it('another scope (repositories or permissions) gets its own token', async () => {
    const a = await mint({
      installationId: aliceInstallation,
      repositories: ['api'],
      permissions: { contents: 'read' },
      purpose: 'p',
      actor: 'alice',
    });
    const b = await mint({
      installationId: aliceInstallation,
      repositories: ['api'],
      permissions: { contents: 'write', workflows: 'write' },
      purpose: 'p',
      actor: 'alice',
    });
    expect(a.token).not.toBe(b.token);
    expect(b.permissions).toMatchObject({ workflows: 'write' });
  });

  it('a cached token is replaced 10 minutes before it expires', async () => {
    // Only the broker's clock moves: the App JWT must stay valid on the forge's (real) clock.
    let now = Date.now();
    const broker = new TokenBroker({
      settings: h.github,
      db: h.t.ctx.db,
      secretBox: h.t.ctx.secretBox,
      logger: h.t.ctx.logger,
      now: () => now,
    });
    const scope = {
      installationId: aliceInstallation,
      repositories: ['api'],
      permissions: { pull_requests: 'read' as const },
      purpose: 'p',
      actor: 'alice',
    };
    const first = await broker.mintInstallationToken(scope);
    issued.push(first.token);
    now += 49 * 60_000;
    const before = mints();
    expect((await broker.mintInstallationToken(scope)).token).toBe(first.token);
    expect(mints()).toBe(before);
    now += 2 * 60_000; // 9 minutes left: too close to expiry to hand out
    const fresh = await broker.mintInstallationToken(scope);
    issued.push(fresh.token);
    expect(fresh.token).not.toBe(first.token);
    expect(mints()).toBe(before + 1);
  });

  it('a repository outside the installation is refused by the forge with a clear error', async () => {
    await expect(
      mint({
        installationId: aliceInstallation,
        repositories: ['umbrella'],
        permissions: { contents: 'read' },
        purpose: 'p',
        actor: 'alice',
      }),
    ).rejects.toMatchObject({ status: 422, code: 'github_token_refused' });
    await expect(
      mint({
        installationId: aliceInstallation,
        repositories: [],
        permissions: { contents: 'read' },
        purpose: 'p',
        actor: 'a',
      }),
    ).rejects.toMatchObject({
      status: 400,
    });
  });

  it('each issuance is audited with actor, purpose, session, repositories, permissions and expiry', async () => {
    const rows = await h.t.ctx.db
      .selectFrom('audit_events')
      .selectAll()
      .where('action', '=', 'github.token.issue')
      .execute();
    expect(rows.length).toBeGreaterThanOrEqual(25);
    const push = rows.find((r) => JSON.parse(r.details).sessionId === 'S1')!;
    expect(push).toMatchObject({
      actor: 'alice',
      target: `installation:${aliceInstallation}`,
      outcome: 'success',
    });
    expect(JSON.parse(push.details)).toEqual({
      purpose: 'session.push',
      sessionId: 'S1',
      repositories: ['alice/api'],
      permissions: { contents: 'write', metadata: 'read' },
      expiresAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      cached: false,
    });
  });

  it("refreshes the user's access token with the refresh token and stores the rotated one, sealed", async () => {
    const sealedBefore = (await findGithubLink(h.t.ctx.db, alice.id))!.refreshTokenSealed!;
    const refreshBefore = h.t.ctx.secretBox.open(sealedBefore, refreshSealContext(alice.id));
    issued.push(refreshBefore, (await h.github.broker.userAccessToken(alice.id)).token);
    const later = Date.now() + 8 * 3600_000; // the linked access token has expired by then
    const broker = new TokenBroker({
      settings: h.github,
      db: h.t.ctx.db,
      secretBox: h.t.ctx.secretBox,
      logger: h.t.ctx.logger,
      now: () => later,
    });
    const tokens = await Promise.all(Array.from({ length: 5 }, () => broker.userAccessToken(alice.id)));
    expect(new Set(tokens.map((t) => t.token)).size).toBe(1); // one refresh: a second would have used a rotated-away token
    const sealedAfter = (await findGithubLink(h.t.ctx.db, alice.id))!.refreshTokenSealed!;
    const refreshAfter = h.t.ctx.secretBox.open(sealedAfter, refreshSealContext(alice.id));
    issued.push(tokens[0]!.token, refreshAfter);
    expect(refreshAfter).not.toBe(refreshBefore);
    const me = await fetch(`${h.forge.apiUrl}/user`, {
      headers: { authorization: `token ${tokens[0]!.token}` },
    });
    expect(((await me.json()) as { login: string }).login).toBe('alice');
    const reused = await fetch(`${h.forge.url}/login/oauth/access_token`, {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/json' },
      body: JSON.stringify({
        client_id: h.forge.app.clientId,
        client_secret: h.forge.app.clientSecret,
        grant_type: 'refresh_token',
        refresh_token: refreshBefore,
      }),
    });
    expect(((await reused.json()) as { error: string }).error, 'the old refresh token is spent').toBe(
      'bad_refresh_token',
    );
  });

  it('a user without a link gets a clear error instead of a token', async () => {
    const bob = (await findUserBySubject(h.t.ctx.db, 'bob'))!;
    await expect(h.github.broker.userAccessToken(bob.id)).rejects.toMatchObject({
      status: 409,
      code: 'github_not_linked',
    });
  });

  // Runs last: everything above had its chance to leak.
  it('no token the broker handed out appears in logs, responses, the audit log or anything on disk', async () => {
    expect(issued.length).toBeGreaterThanOrEqual(8);
    expect(h.logLines.length).toBeGreaterThan(10);
    const audit = await h.t.ctx.db.selectFrom('audit_events').selectAll().execute();
    expect(findLeaks(h, [...new Set(issued)], audit)).toEqual([]);
    // The scanner itself works: a token planted in a log line is found.
    expect(
      findLeaks({ ...h, logLines: [...h.logLines, `oops ${issued[0]}`] }, [issued[0]!], []),
    ).toHaveLength(1);
  });
});
