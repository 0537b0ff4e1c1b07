import { type MessagesRequest, ScriptedMessagesApi, toolResultsIn } from '@rfe/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PlatformWithForge, startPlatformWithForge } from '../../../test/support/platform-with-forge.ts';
import type { ProcessLauncher } from '../../launchers/process/process-launcher.ts';

const PROVIDER_KEY = `sk-ant-scripted-${'L1v3'.repeat(8)}`;
type Message = { seq: number; type: string; payload: Record<string, unknown> };

/** The whole conversation of a request as text (the assistant's tool calls and the tool results too). */
const transcript = (r: MessagesRequest) => JSON.stringify(r.messages);
const hasToolUse = (r: MessagesRequest, id: string) => transcript(r).includes(`"id":"${id}"`);

describe('a live conversation through the gateway: follow-up prompts, questions to the owner, resume after a restart', () => {
  let t: PlatformWithForge;
  let api: ScriptedMessagesApi;
  const call = async (method: string, url: string, payload?: unknown) =>
    t.app.inject({ method: method as 'GET', url, headers: await t.as('alice'), payload: payload as object });
  const messages = async (id: string): Promise<Message[]> =>
    (await call('GET', `/api/projects/acme/sessions/${id}/messages?after=0&limit=1000`)).json().items;
  const until = async (what: string, check: () => Promise<boolean>, ms = 60_000) => {
    const deadline = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const start = async (prompt: string) => {
    const res = await call('POST', '/api/projects/acme/workspaces/live/sessions', {
      adapter: 'claude',
      createFork: true,
      prompt,
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };
  const finished = async (id: string) => {
    await until(
      'the session to end',
      async () =>
        ['succeeded', 'failed', 'cancelled'].includes(
          (await call('GET', `/api/projects/acme/sessions/${id}`)).json().status,
        ),
      120_000,
    );
    await t.ctx.sessions.settled(id);
    return (await call('GET', `/api/projects/acme/sessions/${id}`)).json();
  };
  const prompt = (id: string, text: string) =>
    call('POST', `/api/projects/acme/sessions/${id}/messages`, { type: 'prompt', payload: { text } });

  beforeAll(async () => {
    api = await ScriptedMessagesApi.start(
      (request) => {
        if (!(request.tools ?? []).some((x) => x.name === 'Write'))
          return { content: [{ type: 'text', text: 'ok' }] };
        const text = transcript(request);
        if (text.includes('Ask me a colour')) {
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
                        question: 'Which colour should the banner be?',
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
          return { content: [{ type: 'text', text: 'Using the colour you chose.' }] };
        }
        if (text.includes('Sleep, then wait')) {
          if (text.includes('conversation resumed'))
            return { content: [{ type: 'text', text: 'Resumed and done.' }] };
          if (!hasToolUse(request, 'toolu_first')) {
            return {
              content: [
                {
                  type: 'tool_use',
                  id: 'toolu_first',
                  name: 'Bash',
                  input: { command: 'echo first-turn-done' },
                },
              ],
            };
          }
          if (!hasToolUse(request, 'toolu_sleep')) {
            return {
              content: [
                { type: 'tool_use', id: 'toolu_sleep', name: 'Bash', input: { command: 'sleep 60' } },
              ],
            };
          }
          return { content: [{ type: 'text', text: 'Slept.' }] };
        }
        if (text.includes('Wait for a follow-up')) {
          if (toolResultsIn(request) === 0) {
            return {
              content: [{ type: 'tool_use', id: 'toolu_wait', name: 'Bash', input: { command: 'sleep 4' } }],
            };
          }
          if (text.includes('Also mention penguins'))
            return { content: [{ type: 'text', text: 'Penguins noted.' }] };
          return { content: [{ type: 'text', text: 'Done waiting.' }] };
        }
        return { content: [{ type: 'text', text: 'Nothing to do.' }] };
      },
      { apiKey: PROVIDER_KEY },
    );
    t = await startPlatformWithForge({ modelProviderHosts: ['127.0.0.1'] });
    await t.link('alice');
    await call('POST', '/api/projects', { name: 'acme', storage: { kind: 'managed' } });
    const ws = await call('POST', '/api/projects/acme/workspaces', {
      name: 'live',
      upstream: 'acme/umbrella',
    });
    expect(ws.statusCode, ws.body).toBe(201);
    const set = await call('PUT', '/api/projects/acme/model', { endpoint: api.url, apiKey: PROVIDER_KEY });
    expect(set.statusCode, set.body).toBe(200);
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await api?.stop();
  });

  it('a prompt sent mid-session is answered in the same conversation', async () => {
    const id = await start('Wait for a follow-up');
    await until('the agent to be working', async () =>
      (await messages(id)).some((m) => m.type === 'tool_event' && m.payload.name === 'Bash'),
    );
    const sent = await prompt(id, 'Also mention penguins');
    expect(sent.statusCode).toBe(201);
    const promptSeq = sent.json().seq as number;
    const s = await finished(id);
    expect(s.status, s.error ?? '').toBe('succeeded');
    const followUp = api.requests.find((r) => transcript(r).includes('Also mention penguins'));
    expect(followUp, 'the follow-up reached the model').toBeDefined();
    // Same conversation: the request with the follow-up carries the first prompt and the first tool call.
    expect(transcript(followUp!)).toContain('Wait for a follow-up');
    expect(hasToolUse(followUp!, 'toolu_wait')).toBe(true);
    const log = await messages(id);
    const answer = log.findIndex(
      (m) => m.type === 'log' && String(m.payload.text).includes('Penguins noted.'),
    );
    expect(answer).toBeGreaterThan(-1);
    // The prompt's state, in order: delivered when the agent took it in, answered after its answer.
    const states = log.filter((m) => m.type === 'prompt_state' && m.payload.promptSeq === promptSeq);
    expect(states.map((m) => m.payload.state)).toEqual(['delivered', 'answered']);
    expect(states[0]!.seq).toBeGreaterThan(promptSeq);
    expect(states[0]!.seq).toBeLessThan(log[answer]!.seq);
    expect(states[1]!.seq).toBeGreaterThan(log[answer]!.seq);
  }, 150_000);

  it("the agent's AskUserQuestion reaches the owner, whose answer reaches the model's next request", async () => {
    const id = await start('Ask me a colour');
    await until('the question in the session log', async () =>
      (await messages(id)).some((m) => m.type === 'tool_event' && m.payload.name === 'question'),
    );
    const asked = (await messages(id)).find((m) => m.type === 'tool_event' && m.payload.name === 'question')!;
    expect(asked.payload).toMatchObject({
      action: 'start',
      args: {
        kind: 'ask',
        questions: [expect.objectContaining({ question: 'Which colour should the banner be?' })],
      },
    });
    const sent = await prompt(id, 'Blue');
    expect(sent.statusCode).toBe(201);
    const s = await finished(id);
    expect(s.status, s.error ?? '').toBe('succeeded');
    const states = (await messages(id)).filter(
      (m) => m.type === 'prompt_state' && m.payload.promptSeq === sent.json().seq,
    );
    expect(states.map((m) => m.payload.state)).toEqual(['delivered', 'answered']);
    const after = api.requests.find((r) => hasToolUse(r, 'toolu_ask') && toolResultsIn(r) > 0);
    expect(after, 'a request after the question').toBeDefined();
    const result = JSON.stringify(
      after!.messages
        .flatMap((m) => (typeof m.content === 'string' ? [] : m.content))
        .filter((b) => b.type === 'tool_result'),
    );
    expect(result).toContain('Blue');
    expect(result).toContain('Which colour should the banner be?');
  }, 150_000);

  it('a runner killed mid-conversation is restarted and resumes the same conversation', async () => {
    const id = await start('Sleep, then wait');
    const launcher = t.ctx.sessions.launcher as ProcessLauncher;
    // The first tool call completed, the second (a long sleep) is running when the runner dies.
    await until(
      'the second tool call',
      async () =>
        api.requests.some((r) => toolResultsIn(r) === 1) &&
        (await messages(id)).filter((m) => m.type === 'tool_event' && m.payload.name === 'Bash').length >= 3,
    );
    const before = api.requests.length;
    process.kill(-launcher.pidOf(id)!, 'SIGKILL');
    const s = await finished(id);
    expect(s.status, s.error ?? '').toBe('succeeded');
    const resumed = api.requests.slice(before).find((r) => transcript(r).includes('conversation resumed'));
    expect(resumed, 'the restarted runner asked the model to carry on').toBeDefined();
    // The earlier turns came along: the first prompt and the completed tool call from before the kill.
    expect(transcript(resumed!)).toContain('Sleep, then wait');
    expect(hasToolUse(resumed!, 'toolu_first')).toBe(true);
    expect(transcript(resumed!)).toContain('first-turn-done');
    expect((await messages(id)).filter((m) => m.type === 'init').length).toBeGreaterThanOrEqual(2);
  }, 180_000);
});
