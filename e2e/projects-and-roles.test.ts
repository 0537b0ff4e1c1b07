import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { callApi, type FinishedSession, runLongSession } from './support/api.ts';
import { seriousViolations } from './support/axe.ts';
import { launchBrowser, newPage, signIn } from './support/browser.ts';
import { acmeProject } from './support/fixtures.ts';
import { longSessionTests } from './support/long-session-tests.ts';
import { type E2ePlatform, startE2ePlatform } from './support/platform.ts';
import { screenshot } from './support/screenshots.ts';

let platform: E2ePlatform;
let browser: Browser;
let longSession: Promise<FinishedSession>;

beforeAll(async () => {
  platform = await startE2ePlatform();
  browser = await launchBrowser();
  // A long session of alice's runs in the background, in a project of its own, while the tests below work.
  longSession = runLongSession(platform, 'alice');
  longSession.catch(() => {});
});

afterAll(async () => {
  await browser?.close();
  await platform?.close();
});

// Each test opens its own window and makes what it needs (support/fixtures.ts), so any one runs alone.
describe('projects, members and roles in the browser', () => {
  const windows: BrowserContext[] = [];
  afterEach(async () => {
    for (const context of windows.splice(0)) await context.close();
  });

  async function open(viewport?: { width: number; height: number }): Promise<Page> {
    const { page, context } = await newPage(browser, platform.url, viewport);
    windows.push(context);
    return page;
  }

  async function signedIn(name: string, viewport?: { width: number; height: number }): Promise<Page> {
    const page = await open(viewport);
    await signIn(page, name);
    return page;
  }

  it('alice signs in by picking her user on the dev sign-in page', async () => {
    const alice = await open();
    await alice.goto('/');
    await alice.waitForURL(/\/sign-in/);
    await alice.getByRole('button', { name: 'Continue as Alice Admin' }).waitFor();
    expect(await seriousViolations(alice)).toEqual([]);
    await screenshot(alice, 'sign-in');

    await alice.getByRole('button', { name: 'Continue as Alice Admin' }).click();
    await alice.getByRole('heading', { level: 1, name: 'Projects' }).waitFor();
    expect(await alice.getByRole('banner').textContent()).toContain('Alice Admin');
  });

  it('a project name that is not a DNS label is refused at the name field', async () => {
    const alice = await signedIn('Alice Admin');
    await alice.getByRole('link', { name: 'New project' }).first().click();
    await alice.getByLabel('Name', { exact: true }).fill('Bad Name');
    await alice.getByRole('button', { name: 'Create project' }).click();

    const name = alice.getByLabel('Name', { exact: true });
    await expect.poll(() => name.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await name.getAttribute('aria-describedby'))!;
    expect(await alice.locator(`[id="${describedBy}"]`).textContent()).toContain('DNS label');
    expect(await seriousViolations(alice)).toEqual([]);
    await screenshot(alice, 'new-project-validation');
  });

  it('alice creates a project, and the same name again is a conflict shown at the name field', async () => {
    const alice = await signedIn('Alice Admin');
    await alice.goto('/projects/new');
    await alice.getByLabel('Name', { exact: true }).fill('globex');
    await alice.getByLabel('Display name').fill('Globex Corporation');
    await alice.getByRole('button', { name: 'Create project' }).click();
    await alice.waitForURL('**/projects/globex/workspaces');
    await alice.getByRole('heading', { level: 1, name: 'Globex Corporation' }).waitFor();
    await alice.getByText('Your role: admin').waitFor();

    await alice.goto('/projects/new');
    await alice.getByLabel('Name', { exact: true }).fill('globex');
    await alice.getByRole('button', { name: 'Create project' }).click();
    const name = alice.getByLabel('Name', { exact: true });
    await expect.poll(() => name.getAttribute('aria-invalid')).toBe('true');
    await alice.getByText('A project named "globex" already exists; pick another name.').waitFor();
  });

  it('alice adds bob as a viewer and sees it in the members list and the audit log', async () => {
    // A project of this test's own, where bob is not a member yet.
    await callApi(platform, 'alice', 'POST', '/api/projects', {
      name: 'initech',
      displayName: 'Initech',
      storage: { kind: 'managed' },
    });
    const alice = await signedIn('Alice Admin');
    await alice.goto('/projects/initech/settings');
    const form = alice.getByRole('form', { name: 'Add a member' });
    await form.getByLabel('User').fill('bob');
    await form.getByLabel('Role').selectOption('view');
    await form.getByRole('button', { name: 'Add member' }).click();
    await alice.getByText('Added user bob as view.').waitFor();
    await expect.poll(() => alice.getByLabel('Role of bob').inputValue()).toBe('view');

    const audit = alice.getByRole('region', { name: 'Audit log' });
    await audit.getByText('member.put').waitFor();
    expect(await seriousViolations(alice)).toEqual([]);
    await screenshot(alice, 'project-settings');
  });

  it('the projects page lists the project with its storage state', async () => {
    await acmeProject(platform);
    const alice = await signedIn('Alice Admin');
    await alice.goto('/github');
    await alice.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Projects' }).click();
    const list = alice.getByRole('list', { name: 'Projects' });
    const acme = list.getByRole('listitem').filter({ hasText: 'Acme Platform' });
    await acme.waitFor();
    await expect.poll(() => acme.textContent()).toContain('Managed · ready');
    expect(await seriousViolations(alice)).toEqual([]);
    await screenshot(alice, 'projects');
  });

  it('bob sees the project read-only: admin actions are disabled and say why', async () => {
    await acmeProject(platform);
    const bob = await signedIn('Bob Viewer');
    await bob.getByRole('link', { name: /Acme Platform/ }).click();
    await bob.getByText('Your role: view').waitFor();

    const newWorkspace = bob.getByRole('button', { name: 'New workspace' });
    expect(await newWorkspace.isDisabled()).toBe(true);
    await bob.getByText('Creating workspaces needs the admin role; you are view.').waitFor();
    expect(await seriousViolations(bob)).toEqual([]);

    await bob.getByRole('link', { name: 'Settings' }).click();
    const addMember = bob.getByRole('button', { name: 'Add member' });
    expect(await addMember.isDisabled()).toBe(true);
    await bob.getByText('Managing members needs the admin role; you are view.').waitFor();
    expect(await bob.getByLabel('Role of alice').isDisabled()).toBe(true);
    expect(await bob.getByRole('button', { name: 'Change storage' }).isDisabled()).toBe(true);
    await bob.getByText('Changing storage needs the admin role; you are view.').waitFor();
    await bob.getByText('Reading the audit log needs the admin role; you are view.').waitFor();
    expect(await seriousViolations(bob)).toEqual([]);
    await screenshot(bob, 'project-settings-viewer');
  });

  it('the layout holds in a narrow window', async () => {
    await acmeProject(platform);
    const page = await signedIn('Alice Admin', { width: 390, height: 844 });
    await page.goto('/projects/acme/settings');
    await page.getByRole('heading', { level: 2, name: 'Members' }).waitFor();
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, 'project-settings-narrow');
  });
});

longSessionTests(() => ({ platform, browser, session: longSession }));
