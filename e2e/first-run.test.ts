import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousViolations } from './support/axe.ts';
import { launchBrowser, newPage } from './support/browser.ts';
import { screenshot } from './support/screenshots.ts';
import { type StartedPlatform, startWithStartCommand } from './support/start-command.ts';
import { ensureWebBuild } from './support/web-build.ts';

const wide = { width: 1280, height: 860 };
const narrow = { width: 400, height: 860 };

/**
 * What a page must hold at every width: no horizontal scroll, no serious or critical axe violation.
 * Saves the picture as {name}-{width}.png in build/screenshots/.
 */
async function checkPage(page: Page, name: string): Promise<void> {
  // Data still loading would be judged half-drawn (a button mid-transition fails contrast).
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(250);
  const { scrollWidth, innerWidth, wider } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    // The innermost elements that stick out, to say what to fix.
    wider: [...document.querySelectorAll('body *')]
      .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 0.5 && e.children.length === 0)
      .slice(0, 5)
      .map(
        (e) => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')} "${e.textContent?.slice(0, 40)}"`,
      ),
  }));
  expect(
    scrollWidth,
    `${name} at ${innerWidth} px scrolls sideways: ${wider.join('; ')}`,
  ).toBeLessThanOrEqual(innerWidth);
  expect(await seriousViolations(page), `${name} at ${innerWidth} px`).toEqual([]);
  await screenshot(page, `${name}-${innerWidth}`);
}

describe('first run to first PR, in the browser, from the start command', () => {
  let platform: StartedPlatform;
  let browser: Browser;

  beforeAll(async () => {
    ensureWebBuild();
    [platform, browser] = await Promise.all([startWithStartCommand(), launchBrowser()]);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await platform?.close();
  });

  it('the start command serves the UI on http://localhost:PORT, as the README says', () => {
    expect(platform.url).toMatch(/^http:\/\/localhost:\d+$/);
  });

  it('alice goes from sign-in to two grouped pull requests with titles, every page fitting 1280 and 400 px', async () => {
    const { page, context } = await newPage(browser, platform.url, wide);
    page.setDefaultTimeout(20_000);
    const visited: { name: string; path: string; ready: (p: Page) => Promise<unknown> }[] = [];
    const seen = async (name: string, ready: (p: Page) => Promise<unknown>) => {
      await ready(page);
      visited.push({ name, path: new URL(page.url()).pathname + new URL(page.url()).search, ready });
      await checkPage(page, name);
    };

    // Sign in on localhost (never 127.0.0.1: the cookie, the GitHub callback and the stream agree).
    await page.goto('/');
    await seen('sign-in', (p) => p.getByRole('button', { name: 'Continue as Alice Admin' }).waitFor());
    await page.getByRole('button', { name: 'Continue as Alice Admin' }).click();
    await seen('projects', (p) => p.getByRole('heading', { level: 1, name: 'Projects' }).waitFor());

    // Create a project; the form reports every missing field at once first.
    await page.getByRole('link', { name: 'New project' }).first().click();
    await seen('new-project', (p) => p.getByRole('heading', { level: 1, name: 'New project' }).waitFor());
    await page.getByLabel('Name', { exact: true }).fill('story');
    await page.getByLabel('Display name').fill('Dark mode story');
    await page.getByRole('button', { name: 'Create project' }).click();
    await page.waitForURL(/\/projects\/story/);
    await seen('project-workspaces', (p) =>
      p.getByRole('heading', { level: 1, name: 'Dark mode story' }).waitFor(),
    );

    // The workspace dialog asks for GitHub first, with a link, before any field.
    await page.getByRole('button', { name: 'New workspace' }).first().click();
    const gate = page.getByRole('dialog', { name: 'New workspace' });
    await gate.getByText('Connect GitHub first').waitFor();
    await gate.getByRole('link', { name: 'Connect GitHub' }).click();

    // Connect GitHub through the forge's install pages; the account linked is named on return.
    await page.getByText('Not connected').waitFor();
    await seen('github', (p) => p.getByRole('heading', { level: 2, name: 'GitHub connection' }).waitFor());
    await page.getByRole('link', { name: 'Connect GitHub' }).click();
    await page.getByRole('link', { name: 'alice', exact: true }).click();
    await page.waitForURL(/\/\?github=linked$/);
    expect(new URL(page.url()).hostname).toBe('localhost');
    await page.getByText('GitHub account @alice linked').waitFor();

    // Create a workspace from the umbrella's .gitmodules suggestions.
    await page.goto('/projects/story/workspaces');
    await page.getByRole('button', { name: 'New workspace' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'New workspace' });
    await dialog.getByRole('button', { name: 'Create workspace' }).click();
    await dialog.getByText('Name is required.').waitFor();
    await dialog.getByText('Upstream umbrella repository is required.').waitFor();
    await dialog.getByLabel('Name', { exact: true }).fill('Dark Mode');
    await dialog.getByLabel('Upstream umbrella repository').fill('acme/umbrella');
    await dialog.getByLabel('api — acme/api').check();
    await dialog.getByLabel('web — acme/web').check();
    expect(
      await dialog
        .getByLabel('Repository', { exact: true })
        .evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value)),
    ).toEqual(['acme/api', 'acme/web']);
    await dialog.getByRole('button', { name: 'Create workspace' }).click();
    await page.waitForURL('**/projects/story/workspaces/dark-mode', { timeout: 60_000 });
    await seen('workspace', (p) => p.getByRole('heading', { level: 1, name: 'Dark Mode' }).waitFor());
    await page.getByRole('region', { name: 'Components' }).getByRole('link', { name: 'repos/api' }).waitFor();

    // Browse the umbrella.
    await page.getByRole('link', { name: 'Repository' }).click();
    await seen('repository-browser', (p) =>
      p
        .getByRole('list', { name: 'Files' })
        .getByRole('button', { name: /^repos/ })
        .waitFor(),
    );

    // Specify: with write access upstream it pushes to the canonical branch, and says so.
    await page.goto('/projects/story/workspaces/dark-mode');
    await page.getByRole('button', { name: 'Run Specify' }).click();
    const specify = page.getByRole('dialog', { name: 'Run Specify' });
    await specify.getByLabel('Description').fill('Let people switch the UI to a dark theme.');
    await specify.getByRole('button', { name: 'Run Specify' }).click();
    await page.waitForURL(/\/projects\/story\/sessions\/[0-9A-Z]{26}$/);
    await page
      .getByRole('heading', { level: 1, name: 'Let people switch the UI to a dark theme.' })
      .waitFor();
    await page.getByText('succeeded', { exact: true }).waitFor({ timeout: 60_000 });
    await page.getByText(/pushes directly to acme\/umbrella:rfe\/dark-mode/).waitFor();
    await page.goto('/projects/story/workspaces/dark-mode/browse?path=specs');
    await page
      .getByRole('list', { name: 'Files' })
      .getByRole('button', { name: /^001-dark-mode/ })
      .waitFor();

    // A localexec session from the dialog's example.
    await page.goto('/projects/story/workspaces/dark-mode');
    await page.getByRole('button', { name: 'Start session' }).click();
    const start = page.getByRole('dialog', { name: 'Start a session' });
    await start.getByText('one shell command per line').waitFor();
    await start.getByRole('button', { name: 'Use this example' }).click();
    await start.getByLabel('Title').fill('Document dark mode');
    await start.getByRole('button', { name: 'Start session' }).click();
    await page.waitForURL(/\/projects\/story\/sessions\/[0-9A-Z]{26}$/);
    await page.getByRole('heading', { level: 1, name: 'Document dark mode' }).waitFor();
    await page.getByText('succeeded', { exact: true }).waitFor({ timeout: 90_000 });
    const prs = page.getByRole('region', { name: 'Pull requests' });
    await expect.poll(() => prs.getByRole('listitem').count(), { timeout: 30_000 }).toBe(2);
    await page.reload();
    const rows = page.getByRole('region', { name: 'Pull requests' }).getByRole('listitem');
    await rows.first().getByText('[rfe/dark-mode] Document dark mode').waitFor();
    expect(await rows.nth(0).textContent()).toMatch(
      /umbrella.*acme\/umbrella#\d+.*\+\d+ −\d+ · \d+ files?.*open/,
    );
    expect(await rows.nth(1).textContent()).toMatch(
      /submodule.*acme\/api#\d+.*\[rfe\/dark-mode\] Document dark mode.*open/,
    );
    await page.getByRole('region', { name: 'Messages' }).getByText('Finished · full history').waitFor();
    expect(await page.getByRole('button', { name: 'Cancel session' }).count()).toBe(0);
    await seen('session', (p) => p.getByRole('heading', { level: 1, name: 'Document dark mode' }).waitFor());

    await page.goto('/projects/story/sessions');
    await seen('sessions', (p) => p.getByRole('link', { name: 'Document dark mode' }).waitFor());
    await page.goto('/projects/story/settings');
    await seen('project-settings', (p) => p.getByRole('heading', { level: 2, name: 'Members' }).waitFor());

    // Every main page again at 400 px.
    await page.setViewportSize(narrow);
    for (const v of visited) {
      if (v.name === 'sign-in') continue;
      await page.goto(v.path);
      await v.ready(page);
      await checkPage(page, v.name);
    }
    await context.close();

    const { page: signedOut, context: other } = await newPage(browser, platform.url, narrow);
    await signedOut.goto('/');
    await signedOut.getByRole('button', { name: 'Continue as Alice Admin' }).waitFor();
    await checkPage(signedOut, 'sign-in');
    await other.close();
  }, 420_000);

  it('cancelling asks first, says what happens, and the session ends cancelled — not failed', async () => {
    const token = await platform.token('alice');
    const api = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
      const res = await fetch(`${platform.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
      });
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    };
    // Its own project and GitHub link, so it needs nothing from the other tests.
    const { page, context } = await newPage(browser, platform.url, wide);
    page.setDefaultTimeout(20_000);
    await page.goto('/');
    await page.getByRole('button', { name: 'Continue as Alice Admin' }).click();
    await page.getByRole('heading', { level: 1, name: 'Projects' }).waitFor();
    const status = await api<{ linked: boolean }>('GET', '/api/github/status');
    if (!status.linked) {
      await page.goto('/github');
      await page.getByRole('link', { name: 'Connect GitHub' }).click();
      await page.getByRole('link', { name: 'alice', exact: true }).click();
      await page.waitForURL(/\/\?github=linked$/);
    }
    await api('POST', '/api/projects', { name: 'stopping', storage: { kind: 'managed' } });
    await api('POST', '/api/projects/stopping/workspaces', { name: 'Long', upstream: 'acme/umbrella' });
    const session = await api<{ id: string }>('POST', '/api/projects/stopping/workspaces/long/sessions', {
      adapter: 'localexec',
      prompt: 'echo started\nsleep 120',
      title: 'Wait two minutes',
      createFork: true,
    });

    await page.goto(`/projects/stopping/sessions/${session.id}`);
    await page.getByRole('heading', { level: 1, name: 'Wait two minutes' }).waitFor();
    await page.getByRole('region', { name: 'Messages' }).getByText('sleep 120').waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Cancel session' }).click();
    const confirm = page.getByRole('dialog', { name: 'Cancel this session?' });
    await confirm.getByText(/The runner is stopped now/).waitFor();
    await confirm.getByRole('button', { name: 'Keep running' }).click();
    expect(await confirm.isVisible()).toBe(false);
    await page.getByRole('button', { name: 'Cancel session' }).click();
    await confirm.getByRole('button', { name: 'Cancel session' }).click();

    await page.getByText('cancelled', { exact: true }).waitFor({ timeout: 30_000 });
    await page.getByText('The session was cancelled').waitFor();
    expect(await page.getByText('The session failed').count()).toBe(0);
    const stream = page.getByRole('region', { name: 'Messages' });
    await stream.getByText('Finished · full history').waitFor();
    await stream.getByText('stopped by cancel').waitFor();
    expect(await stream.getByText('stopped by cancel').count()).toBe(1);
    expect(await stream.getByText(/exit 137|exit 143/).count()).toBe(0);
    await stream.getByText('Finished · full history').waitFor();
    expect(await page.getByRole('button', { name: 'Cancel session' }).count()).toBe(0);
    await context.close();
  }, 240_000);

  it('an unknown session id is a not-found page with nothing to press', async () => {
    const { page, context } = await newPage(browser, platform.url, narrow);
    await page.goto('/');
    await page.getByRole('button', { name: 'Continue as Bob Viewer' }).click();
    await page.getByRole('heading', { level: 1, name: 'Projects' }).waitFor();
    await page.goto('/projects/nowhere/sessions/01ARZ3NDEKTSV4RRFFQ69G5FAV');
    await page.getByText('Session not found').waitFor();
    expect(await page.getByRole('button', { name: 'Cancel session' }).count()).toBe(0);
    await checkPage(page, 'session-not-found');
    await context.close();
  });
});
