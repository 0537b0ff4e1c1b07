import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ScriptedMessagesApi, toolResultsIn } from '@rfe/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ForgeWorld } from './support/forge-world.ts';
import { git } from './support/git-cli.ts';
import { startSession } from './support/session-for.ts';

let world: ForgeWorld;
let api: ScriptedMessagesApi;
let workTree = '';

beforeAll(async () => {
  world = await ForgeWorld.start();
  await world.createUmbrellaBranch('rfe/agent');
  // The scripted agent: write a new file in repos/api, read then edit the umbrella README, then report.
  api = await ScriptedMessagesApi.start((request) => {
    const tools = (request.tools ?? []).map((t) => t.name);
    if (!tools.includes('Write')) return { content: [{ type: 'text', text: 'ok' }] }; // side requests (titles …)
    if (JSON.stringify(request.messages).includes('Think for a long time')) {
      return { delayMs: 20_000, content: [{ type: 'text', text: 'too late' }] };
    }
    switch (toolResultsIn(request)) {
      case 0:
        return {
          delayMs: 300,
          content: [
            { type: 'text', text: 'I will add a greeting module.' },
            {
              type: 'tool_use',
              id: 'toolu_write',
              name: 'Write',
              input: {
                file_path: join(workTree, 'repos/api/src/greeting.js'),
                content: 'export const hello = "hi";\n',
              },
            },
          ],
        };
      case 1:
        return {
          content: [
            {
              type: 'tool_use',
              id: 'toolu_read',
              name: 'Read',
              input: { file_path: join(workTree, 'README.md') },
            },
          ],
        };
      case 2:
        return {
          content: [
            {
              type: 'tool_use',
              id: 'toolu_edit',
              name: 'Edit',
              input: {
                file_path: join(workTree, 'README.md'),
                old_string: '# acme/umbrella',
                new_string: '# acme/umbrella (greeted)',
              },
            },
          ],
        };
      default:
        return { content: [{ type: 'text', text: 'Added a greeting module and updated the README.' }] };
    }
  });
});
afterAll(async () => {
  await api?.stop();
  await world?.close();
});

describe('the claude adapter against a scripted Messages API', () => {
  it('reports the SDK’s tool calls and the files they changed, and the edits reach the fork branches', async () => {
    const { peer, runner, env } = await startSession(world, {
      login: 'alice',
      slug: 'agent',
      adapter: 'claude',
      prompt: 'Add a greeting module to the API and mention it in the README.',
      extra: {
        ANTHROPIC_BASE_URL: api.url,
        ANTHROPIC_API_KEY: 'sk-test-not-a-real-key',
        RFE_CLAUDE_MODEL: 'claude-scripted',
      },
    });
    workTree = join(env.RFE_WORK_DIR, 'workspace');
    await peer.until(() => peer.messages('tool_event').length > 0, 30_000);
    peer.input('prompt', { text: 'Also say goodbye.' });
    const promptSeq = peer.log.at(-1)!.seq;
    const { code } = await runner.exited;
    expect(code, runner.stderr()).toBe(0);

    const tools = peer.messages('tool_event').map((m) => [m.payload.name, m.payload.action]);
    expect(tools).toEqual([
      ['Write', 'start'],
      ['Write', 'end'],
      ['Read', 'start'],
      ['Read', 'end'],
      ['Edit', 'start'],
      ['Edit', 'end'],
    ]);
    expect(peer.messages('tool_event')[0].payload.args).toMatchObject({
      content: 'export const hello = "hi";\n',
    });
    const changes = peer.messages('file_change').map((m) => m.payload);
    expect(changes.map((c) => [c.path, c.change])).toEqual([
      ['repos/api/src/greeting.js', 'create'],
      ['README.md', 'update'],
    ]);
    expect(changes[1].diff).toContain('+# acme/umbrella (greeted)');
    expect(await readFile(join(workTree, 'README.md'), 'utf8')).toContain('# acme/umbrella (greeted)');

    // The follow-up reached the agent (the CLI folds a prompt sent mid-turn into the running turn).
    expect(api.requests.some((r) => JSON.stringify(r.messages).includes('Also say goodbye.'))).toBe(true);
    // …and the log says so: delivered when the SDK took it, answered by the turn's result.
    const states = peer.messages('prompt_state');
    expect(states.map((m) => [m.payload.promptSeq, m.payload.state])).toEqual([
      [promptSeq, 'delivered'],
      [promptSeq, 'answered'],
    ]);
    const summary = peer.log.findIndex(
      (m) => m.type === 'log' && m.payload.text.includes('updated the README'),
    );
    expect(peer.log.indexOf(states[1]!)).toBeGreaterThan(summary);
    expect(peer.messages('result')[0].payload.summary).toContain(
      'Added a greeting module and updated the README.',
    );

    const intents = peer.messages('pr_intent').map((m) => m.payload);
    expect(intents.map((i) => i.repo)).toEqual(['acme/api', 'acme/umbrella']);
    const branch = intents[0].head.slice('alice:'.length);
    const api_ = await world.checkout('alice/api', branch);
    expect(await readFile(join(api_, 'src/greeting.js'), 'utf8')).toBe('export const hello = "hi";\n');
    const umbrella = await world.checkout('alice/umbrella', branch);
    expect(await git(['show', 'HEAD:README.md'], { cwd: umbrella })).toContain('(greeted)');
    await peer.stop();
  });

  it('cancel aborts the agent mid-request: the run ends cancelled (exit 130) within 5 s', async () => {
    const { peer, runner } = await startSession(world, {
      login: 'alice',
      slug: 'agent',
      adapter: 'claude',
      prompt: 'Think for a long time.',
      extra: { ANTHROPIC_BASE_URL: api.url, ANTHROPIC_API_KEY: 'sk-test-not-a-real-key' },
    });
    await peer.until(() => peer.messages('status').some((m) => m.payload.phase === 'running'), 30_000);
    await peer.until(
      () => api.requests.some((r) => JSON.stringify(r.messages).includes('Think for a long time')),
      30_000,
    );
    const sent = Date.now();
    peer.input('cancel', { reason: 'taking too long' });
    expect((await runner.exited).code).toBe(130);
    expect(Date.now() - sent).toBeLessThan(5000);
    expect(peer.messages('error')[0].payload).toMatchObject({ code: 'cancelled' });
    expect(peer.messages('pr_intent')).toHaveLength(0);
    await peer.stop();
  });
});
