import type { Browser, BrowserContext, Page, WebSocketRoute } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { callApi } from './support/api.ts';
import { seriousViolations } from './support/axe.ts';
import { launchBrowser, newPage, signIn } from './support/browser.ts';
import {
  acmeProject,
  checkoutWorkspace,
  fork,
  githubLinked,
  sessionWithTwoPullRequests,
  twoRepoPrompt,
} from './support/fixtures.ts';
import { type E2ePlatform, startE2ePlatform } from './support/platform.ts';
import { screenshot } from './support/screenshots.ts';

// Each test opens its own window and makes what it needs (support/fixtures.ts), so any one runs alone.
describe('GitHub connection, workspaces and the repository browser', () => {
  let platform: E2ePlatform;
  let browser: Browser;
  const windows: BrowserContext[] = [];

  const api = (user: string, method: string, path: string, body?: unknown) =>
    callApi(platform, user, method, path, body);

  async function signedIn(name: string): Promise<Page> {
    const { page, context } = await newPage(browser, platform.url);
    windows.push(context);
    await signIn(page, name);
    return page;
  }

  beforeAll(async () => {
    platform = await startE2ePlatform();
    browser = await launchBrowser();
  });

  afterEach(async () => {
    for (const context of windows.splice(0)) await context.close();
  });

  afterAll(async () => {
    await browser?.close();
    await platform?.close();
  });

  it('alice links her GitHub account through the App installation and comes back linked', async () => {
    // She starts unlinked, whatever another test did before (and is linked again at the end).
    const { linked } = (await api('alice', 'GET', '/api/github/status')) as { linked: boolean };
    if (linked) await api('alice', 'DELETE', '/api/github/link');
    const alice = await signedIn('Alice Admin');
    await alice.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'GitHub' }).click();
    await alice.getByText('Not connected').waitFor();
    await alice.getByRole('link', { name: 'Connect GitHub' }).click();
    // The forge plays github.com: it asks who you are, installs the App and sends you back.
    await alice.getByRole('link', { name: 'alice', exact: true }).click();
    await alice.waitForURL(/\/\?github=linked$/);
    await alice.getByText('GitHub account @alice linked').waitFor();

    await alice.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'GitHub' }).click();
    await alice.getByText('Connected', { exact: true }).waitFor();
    await alice.getByText('@alice').waitFor();
  });

  it('the fork selector lists her forks of an upstream and creates one', async () => {
    await githubLinked(platform, 'alice');
    const alice = await signedIn('Alice Admin');
    await alice.goto('/github');
    // acme/web: the upstream no other test forks, so alice has no fork of it yet.
    await alice.getByLabel('Upstream repository').fill('acme/web');
    const forks = alice.getByRole('group', { name: 'Your fork of acme/web' });
    await forks.getByRole('button', { name: 'Create fork' }).click();
    await forks.getByRole('radio', { name: /alice\/web/ }).waitFor();
    expect(await seriousViolations(alice)).toEqual([]);
    await screenshot(alice, 'github');
  });

  it('alice creates a workspace on acme/umbrella with two components', async () => {
    // A project of this test's own, with no workspace yet.
    await githubLinked(platform, 'alice');
    await api('alice', 'POST', '/api/projects', {
      name: 'shop',
      displayName: 'Shop',
      storage: { kind: 'managed' },
    });
    const alice = await signedIn('Alice Admin');
    await alice.goto('/projects/shop/workspaces');
    await alice.getByRole('main').getByText('No workspaces yet').waitFor();
    await alice.getByRole('button', { name: 'New workspace' }).click();
    const dialog = alice.getByRole('dialog', { name: 'New workspace' });
    await dialog.getByLabel('Name', { exact: true }).fill('Checkout Flow');
    await dialog.getByLabel('Upstream umbrella repository').fill('acme/umbrella');
    await dialog.getByRole('button', { name: 'Add component' }).click();
    await dialog.getByLabel('Name', { exact: true }).nth(1).fill('api');
    await dialog.getByLabel('Repository', { exact: true }).nth(0).fill('acme/api');
    await dialog.getByRole('button', { name: 'Add component' }).click();
    await dialog.getByLabel('Name', { exact: true }).nth(2).fill('web');
    await dialog.getByLabel('Repository', { exact: true }).nth(1).fill('acme/web');
    await dialog.getByLabel('Required').nth(1).uncheck();
    await dialog.getByRole('button', { name: 'Create workspace' }).click();

    await alice.waitForURL('**/projects/shop/workspaces/checkout-flow', { timeout: 30_000 });
    await alice.getByRole('heading', { level: 1, name: 'Checkout Flow' }).waitFor();
    const components = alice.getByRole('region', { name: 'Components' });
    await components.getByRole('link', { name: 'repos/api' }).waitFor();
    await components.getByRole('link', { name: 'repos/web' }).waitFor();
    const status = alice.getByRole('region', { name: 'Canonical branch' });
    await status.getByText(/ahead/).waitFor();
    expect(await seriousViolations(alice)).toEqual([]);
    await screenshot(alice, 'workspace');
  });

  it('the repository browser marks submodules and browses into repos/api at its pinned commit', async () => {
    await checkoutWorkspace(platform);
    const alice = await signedIn('Alice Admin');
    await alice.goto('/projects/acme/workspaces/checkout-flow');
    await alice.getByRole('link', { name: 'Repository' }).click();
    const files = alice.getByRole('list', { name: 'Files' });
    await files.getByRole('button', { name: /^repos/ }).click();
    const apiEntry = files.getByRole('button', { name: /^api/ });
    await apiEntry.getByText('submodule', { exact: true }).waitFor();
    await apiEntry.click();
    await alice
      .getByRole('navigation', { name: 'Location in the repository' })
      .getByText(/acme\/api @ [0-9a-f]{7}/)
      .waitFor();
    await files.getByRole('button', { name: 'README.md' }).click();
    const file = alice.getByRole('region', { name: 'File README.md' });
    await file.getByRole('button', { name: 'rendered' }).waitFor();
    expect(await file.locator('h2, h3').count()).toBeGreaterThan(0);
    expect(await seriousViolations(alice)).toEqual([]);
    await screenshot(alice, 'repository-browser');
  });

  it('Markdown specs are rendered, and the source view is highlighted', async () => {
    await checkoutWorkspace(platform);
    const alice = await signedIn('Alice Admin');
    await alice.goto('/projects/acme/workspaces/checkout-flow/browse?path=specs&file=specs/README.md');
    const file = alice.getByRole('region', { name: 'File specs/README.md' });
    await file.getByRole('heading', { name: 'Specs' }).waitFor();
    await file.getByRole('button', { name: 'source' }).click();
    await file.getByRole('region', { name: 'File contents' }).waitFor();
  });

  it('alice starts a session and watches its messages arrive live, through a dropped connection', async () => {
    await checkoutWorkspace(platform);
    await fork(platform, 'alice', 'acme/umbrella');
    const alice = await signedIn('Alice Admin');
    // Every session stream goes through here, so the test can cut the connection like a flaky network.
    const sockets: WebSocketRoute[] = [];
    await alice.routeWebSocket(/\/stream/, (ws) => {
      ws.connectToServer();
      sockets.push(ws);
    });
    await alice.goto('/projects/acme/workspaces/checkout-flow');
    await alice.getByRole('button', { name: 'Start session' }).click();
    const dialog = alice.getByRole('dialog', { name: 'Start a session' });
    await dialog.getByRole('radio', { name: /alice\/umbrella/ }).check();
    await dialog.getByLabel('Adapter').selectOption('localexec');
    await dialog.getByLabel('Prompt').fill(twoRepoPrompt);
    await dialog.getByRole('button', { name: 'Start session' }).click();
    await alice.waitForURL(/\/projects\/acme\/sessions\/[0-9A-Z]{26}$/);

    const stream = alice.getByRole('region', { name: 'Messages' });
    await stream.locator('[data-status="open"]').waitFor();
    await stream.getByRole('button', { name: 'echo start' }).waitFor();

    sockets.at(-1)!.close({ code: 4000, reason: 'dropped by the test' });
    await stream.locator('[data-status="reconnecting"]').waitFor();
    await stream.locator('[data-status="open"]').waitFor({ timeout: 15_000 });
    expect(sockets.length).toBeGreaterThanOrEqual(2);

    await stream.getByText('exit 0').first().waitFor();
    await stream
      .getByRole('button', { name: 'echo api >> repos/api/README.md' })
      .waitFor({ timeout: 20_000 });
    await alice
      .getByRole('region', { name: 'Pull requests' })
      .getByText('2 pull requests')
      .waitFor({ timeout: 30_000 });
    // The log followed the messages as they came: it is at its end.
    const log = stream.getByRole('log', { name: 'Session messages' });
    await expect
      .poll(() => log.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight))
      .toBeLessThanOrEqual(1);
  });

  it('the stream holds every message exactly once, and the PRs are grouped umbrella first', async () => {
    const session = await sessionWithTwoPullRequests(platform);
    const alice = await signedIn('Alice Admin');
    await alice.goto(session.path);
    const stream = alice.getByRole('region', { name: 'Messages' });
    await expect
      .poll(() => stream.getByText(/\d+ loaded/).textContent(), { timeout: 10_000 })
      .toBe(`${session.lastSeq} loaded`);
    const seqs = await stream
      .locator('[data-seq]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-seq')));
    expect(new Set(seqs).size).toBe(seqs.length);

    const prs = alice.getByRole('region', { name: 'Pull requests' });
    await prs.getByText('2 pull requests').waitFor();
    const rows = await prs.getByRole('listitem').allTextContents();
    expect(rows[0]).toMatch(/umbrella.*acme\/umbrella#\d+/);
    expect(rows[1]).toMatch(/submodule.*acme\/api#\d+/);
    expect(await seriousViolations(alice)).toEqual([]);
    await screenshot(alice, 'session', { fullPage: false });
  });

  it('the sessions dashboard lists the session with its grouped pull requests', async () => {
    await sessionWithTwoPullRequests(platform);
    const alice = await signedIn('Alice Admin');
    await alice.goto('/projects/acme/sessions');
    const list = alice.getByRole('list', { name: 'Sessions' });
    await list.getByText('2 pull requests').first().waitFor();
    expect(await seriousViolations(alice)).toEqual([]);
    await screenshot(alice, 'sessions');
  });

  it('alice runs Specify and the spec appears on the canonical branch', async () => {
    await checkoutWorkspace(platform);
    const alice = await signedIn('Alice Admin');
    await alice.goto('/projects/acme/workspaces/checkout-flow');
    await alice.getByRole('button', { name: 'Run Specify' }).click();
    const dialog = alice.getByRole('dialog', { name: 'Run Specify' });
    await dialog.getByLabel('Feature').fill('checkout');
    await dialog.getByLabel('Description').fill('Let customers pay with a saved card.');
    await dialog.getByRole('button', { name: 'Run Specify' }).click();
    await alice.waitForURL(/\/projects\/acme\/sessions\/[0-9A-Z]{26}$/);
    // Titled by the description's first line; "Specify" and where it pushed are under the title.
    await alice.getByRole('heading', { level: 1, name: 'Let customers pay with a saved card.' }).waitFor();
    await alice.getByText(/^Specify [0-9a-z]{8} · alice/).waitFor();
    await alice.getByText('succeeded', { exact: true }).waitFor({ timeout: 30_000 });

    await alice.goto('/projects/acme/workspaces/checkout-flow/browse?path=specs/001-checkout');
    await alice.getByRole('list', { name: 'Files' }).getByRole('button', { name: 'spec.md' }).click();
    await alice
      .getByRole('region', { name: 'File specs/001-checkout/spec.md' })
      .getByRole('heading')
      .first()
      .waitFor();
  });

  it('bob browses the workspace read-only: starting a session and Specify are disabled with the reason', async () => {
    await acmeProject(platform);
    const session = await sessionWithTwoPullRequests(platform);
    const bob = await signedIn('Bob Viewer');
    await bob.goto('/projects/acme/workspaces/checkout-flow');
    await bob.getByRole('heading', { level: 1, name: 'Checkout Flow' }).waitFor();
    expect(await bob.getByRole('button', { name: 'Start session' }).isDisabled()).toBe(true);
    await bob.getByText('Starting a session needs the edit role; you are view.').waitFor();
    expect(await bob.getByRole('button', { name: 'Run Specify' }).isDisabled()).toBe(true);
    await bob.getByText('Running Specify needs the edit role; you are view.').waitFor();
    expect(await bob.getByRole('button', { name: 'Sync now' }).isDisabled()).toBe(true);
    await bob.getByText('Syncing with the upstream needs the edit role; you are view.').waitFor();
    expect(await seriousViolations(bob)).toEqual([]);
    await screenshot(bob, 'workspace-viewer');

    await bob.goto(session.path);
    await bob
      .getByRole('region', { name: 'Messages' })
      .getByText(/\d+ loaded/)
      .waitFor();
    await bob.getByText('Sending input to a session needs the edit role; you are view.').waitFor();
  });

  it("carol (edit) cannot send prompts to alice's session, and is told whose it is", async () => {
    await acmeProject(platform);
    const session = await sessionWithTwoPullRequests(platform);
    await api('alice', 'PUT', '/api/projects/acme/members/carol', { role: 'edit' });
    const carol = await signedIn('Carol Contributor');
    await carol.goto(session.path);
    await carol.getByText(/^Only alice, who started this session, can send prompts/).waitFor();
    expect(await carol.getByLabel('Prompt for the agent').isDisabled()).toBe(true);
  });
});
