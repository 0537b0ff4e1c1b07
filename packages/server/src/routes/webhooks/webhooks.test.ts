import { createHmac, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASES } from '../../../test/support/databases.ts';
import { createSessionFixture } from '../../../test/support/messaging/session-fixture.ts';
import { type PlatformWithForge, startPlatformWithForge } from '../../../test/support/platform-with-forge.ts';
import { startTestApp } from '../../../test/support/test-app.ts';
import { newId } from '../../db/ids.ts';

describe.each(DATABASES)('GitHub webhook deliveries (%s)', (database) => {
  let t: PlatformWithForge;
  let sessionId: string;

  /** Posts `body` as GitHub does; `sign` false leaves the signature out, a string replaces it. */
  async function deliver(
    event: string,
    body: string,
    opts: { sign?: boolean | string; delivery?: string; secret?: string } = {},
  ) {
    const secret = opts.secret ?? t.forge.app.webhookSecret;
    const signature =
      typeof opts.sign === 'string'
        ? opts.sign
        : `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
    return t.app.inject({
      method: 'POST',
      url: '/api/webhooks/github',
      headers: {
        'content-type': 'application/json',
        'x-github-event': event,
        'x-github-delivery': opts.delivery ?? randomUUID(),
        ...(opts.sign === false ? {} : { 'x-hub-signature-256': signature }),
      },
      payload: body,
    });
  }
  const deliveries = async () =>
    (await t.ctx.db.selectFrom('webhook_deliveries').select('delivery_id').execute()).map(
      (d) => d.delivery_id,
    );
  const prStatus = async () =>
    (
      await t.ctx.db
        .selectFrom('pr_links')
        .select('status')
        .where('session_id', '=', sessionId)
        .executeTakeFirst()
    )?.status;

  beforeAll(async () => {
    // The forge's own deliveries stay off: every delivery in this suite is one the test made.
    t = await startPlatformWithForge({}, { webhooks: false, database });
    sessionId = (await createSessionFixture(t, t.url, 'hooks')).sessionId;
    await t.ctx.db
      .insertInto('pr_links')
      .values({
        id: newId(),
        session_id: sessionId,
        repo: 'acme/api',
        head: 'alice:rfe/x/session-1',
        base: 'main',
        number: 7,
        url: `${t.forge.url}/acme/api/pull/7`,
        status: 'open',
        role: 'submodule',
        created_at: new Date().toISOString(),
        updated_at: new Date().toISOString(),
      })
      .execute();
  });
  afterAll(() => t?.close());

  const merged = JSON.stringify({
    action: 'closed',
    repository: { name: 'api', owner: { login: 'acme' } },
    pull_request: { number: 7, state: 'closed', merged: true, base: { repo: { full_name: 'acme/api' } } },
  });

  it('refuses a delivery without a signature, with a wrong secret, or whose bytes changed after signing: 401, nothing recorded', async () => {
    const before = await deliveries();
    const unsigned = await deliver('pull_request', merged, { sign: false });
    const wrongSecret = await deliver('pull_request', merged, { secret: 'not-the-secret' });
    const signed = `sha256=${createHmac('sha256', t.forge.app.webhookSecret).update(merged).digest('hex')}`;
    const reformatted = await deliver('pull_request', JSON.stringify(JSON.parse(merged), null, 2), {
      sign: signed,
    });
    for (const res of [unsigned, wrongSecret, reformatted]) {
      expect(res.statusCode, res.body).toBe(401);
      expect(res.json().error.message).toMatch(/X-Hub-Signature-256/);
    }
    expect(await deliveries()).toEqual(before);
    expect(await prStatus()).toBe('open');
  });

  it('refuses a delivery without a body (400), a signed one without event or delivery id (400) or not JSON (400 malformed_json)', async () => {
    const body = '{"zen":"ok"}';
    const sig = `sha256=${createHmac('sha256', t.forge.app.webhookSecret).update(body).digest('hex')}`;
    const noEvent = await t.app.inject({
      method: 'POST',
      url: '/api/webhooks/github',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': sig, 'x-github-delivery': 'd-1' },
      payload: body,
    });
    expect(noEvent.statusCode).toBe(400);
    expect(noEvent.json().error.message).toMatch(/X-GitHub-Event/);
    const noBody = await t.app.inject({ method: 'POST', url: '/api/webhooks/github' });
    expect(noBody.statusCode, noBody.body).toBe(400);
    expect(noBody.json().error.message).toMatch(/Content-Type: application\/json/);
    const notJson = await deliver('push', '{not json');
    expect(notJson.statusCode).toBe(400);
    expect(notJson.json().error.code).toBe('malformed_json');
  });

  it('a signed pull_request delivery is accepted (202) and moves the PR link to merged; a redelivery is a 200 duplicate', async () => {
    const delivery = randomUUID();
    const res = await deliver('pull_request', merged, { delivery });
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toEqual({ status: 'accepted' });
    const deadline = Date.now() + 10_000;
    while ((await prStatus()) !== 'merged' && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    expect(await prStatus()).toBe('merged');

    const again = await deliver('pull_request', merged, { delivery });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ status: 'duplicate' });
    expect((await deliveries()).filter((d) => d === delivery)).toHaveLength(1);
  });

  it('an event for a repository nobody follows is accepted and changes nothing', async () => {
    const body = JSON.stringify({
      ref: 'refs/heads/main',
      repository: { name: 'elsewhere', owner: { login: 'nobody' } },
    });
    const res = await deliver('push', body);
    expect(res.statusCode).toBe(202);
    expect(await prStatus()).toBe('merged');
  });
});

describe.each(DATABASES)('GitHub webhooks without a connected Git host (%s)', (database) => {
  it('answer 503 github_unavailable', async () => {
    const t = await startTestApp({}, {}, { database });
    try {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/webhooks/github',
        headers: { 'content-type': 'application/json', 'x-github-event': 'ping', 'x-github-delivery': 'x' },
        payload: '{}',
      });
      expect(res.statusCode).toBe(503);
      expect(res.json().error.code).toBe('github_unavailable');
    } finally {
      await t.close();
    }
  });
});
