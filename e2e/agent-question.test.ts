import { type MessagesRequest, ScriptedMessagesApi, toolResultsIn } from '@rfe/testkit';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type PlatformWithForge,
  startPlatformWithForge,
} from '../packages/server/test/support/platform-with-forge.ts';
import { callApi } from './support/api.ts';
import { launchBrowser, newPage, signIn } from './support/browser.ts';
import { screenshot } from './support/screenshots.ts';
import { ensureWebBuild } from './support/web-build.ts';

const PROVIDER_KEY = `sk-ant-scripted-${'Br0w'.repeat(8)}`;
const QUESTION = 'Which colour should the banner be?';
const hasToolUse = (r: MessagesRequest, id: string) => JSON.stringify(r.messages).includes(`"id":"${id}"`);

describe("the agent's question in the session view", () => {
  let platform: PlatformWithForge;
  let provider: ScriptedMessagesApi;
  let browser: Browser;
  let alice: Page;
  const api = <T = unknown>(method: string, path: string, body?: unknown) =>
    callApi<T>(platform, 'alice', method, path, body);

  beforeAll(async () => {
    provider = await ScriptedMessagesApi.start(
      (request) => {
        if (!(request.tools ?? []).some((t) => t.name === 'Write'))
          return { content: [{ type: 'text', text: 'ok' }] };
        if (!hasToolUse(request, 'toolu_ask')) {
          return {
            content: [
              {
                type: 'tool_use',
                id: 'toolu_ask',
                name: 'AskUserQuestion',
                input: {
                  questions: [
                    {
                      question: QUESTION,
                      header: 'Colour',
                      options: [
                        { label: 'Red', description: 'warm' },
                        { label: 'Blue', description: 'calm' },
                      ],
                      multiSelect: false,
                    },
                  ],
                },
              },
            ],
          };
        }
        return { content: [{ type: 'text', text: 'The banner will be the colour you chose.' }] };
      },
      { apiKey: PROVIDER_KEY },
    );
    ensureWebBuild();
    platform = await startPlatformWithForge({ modelProviderHosts: ['127.0.0.1'] });
    await platform.link('alice');
    await api('POST', '/api/projects', { name: 'acme', storage: { kind: 'managed' } });
    await api('POST', '/api/projects/acme/workspaces', { name: 'banner', upstream: 'acme/umbrella' });
    await api('PUT', '/api/projects/acme/model', { endpoint: provider.url, apiKey: PROVIDER_KEY });
    browser = await launchBrowser();
    alice = (await newPage(browser, platform.url)).page;
    await signIn(alice, 'Alice Admin');
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await platform?.close();
    await provider?.stop();
  });

  it('is shown with its options, answered with a click, and the answer reaches the model', async () => {
    const session = await api<{ id: string }>('POST', '/api/projects/acme/workspaces/banner/sessions', {
      adapter: 'claude',
      createFork: true,
      prompt: 'Make a banner, ask me its colour',
    });
    await alice.goto(`/projects/acme/sessions/${session.id}`);
    const asks = alice.getByRole('group', { name: 'The agent asks' });
    await asks.getByText(QUESTION).waitFor({ timeout: 60_000 });
    await screenshot(alice, 'agent-question');
    await asks.getByRole('button', { name: 'Blue' }).click();
    await asks.getByText('Answered: Blue').waitFor();

    const deadline = Date.now() + 90_000;
    let status = '';
    while (!['succeeded', 'failed', 'cancelled'].includes(status) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      status = (await api<{ status: string }>('GET', `/api/projects/acme/sessions/${session.id}`)).status;
    }
    expect(status).toBe('succeeded');
    const next = provider.requests.find((r) => hasToolUse(r, 'toolu_ask') && toolResultsIn(r) > 0);
    expect(next, "the model's next request").toBeDefined();
    const results = JSON.stringify(
      next!.messages
        .flatMap((m) => (typeof m.content === 'string' ? [] : m.content))
        .filter((b) => b.type === 'tool_result'),
    );
    expect(results).toContain('Blue');
    await alice.getByText('The banner will be the colour you chose.').first().waitFor({ timeout: 30_000 });
    // The answer went as alice's prompt; its chip followed it to the agent and back: answered.
    const chip = alice.locator('[data-prompt-state]');
    await expect.poll(() => chip.getAttribute('data-prompt-state'), { timeout: 30_000 }).toBe('answered');
    expect(await chip.textContent()).toBe('answered');
  }, 240_000);
});
