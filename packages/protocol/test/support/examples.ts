import type { EnvelopeOf, MessageType, PayloadOf, PersistedEnvelope } from '../../src/index.ts';

/** A valid payload for every message type (the mapped type makes a missing one a compile error). */
export const PAYLOADS: { [T in MessageType]: PayloadOf<T> } = {
  init: { runnerVersion: '0.1.0', adapter: 'claude', repo: 'acme/umbrella', branch: 'rfe/checkout' },
  status: { phase: 'running', progress: 42.5 },
  log: { text: 'cloning umbrella' },
  command_start: { cmd: 'npm test', cwd: '/work/umbrella' },
  command_output: { stream: 'stderr', chunk: 'warning: deprecated\n' },
  command_end: { cmd: 'npm test', exitCode: 1, durationMs: 5321 },
  file_change: {
    path: 'specs/checkout/plan.md',
    change: 'rename',
    oldPath: 'specs/checkout/draft.md',
    diff: '@@',
  },
  git_event: {
    action: 'push',
    repo: 'alice/umbrella',
    branch: 'rfe/checkout/session-1a2b',
    details: 'pushed 3 commits',
  },
  pr_event: {
    action: 'opened',
    repo: 'acme/umbrella',
    number: 17,
    url: 'https://github.com/acme/umbrella/pull/17',
    base: 'rfe/checkout',
    head: 'alice:rfe/checkout/session-1a2b',
  },
  pr_intent: {
    repo: 'acme/umbrella',
    head: 'alice:rfe/checkout/session-1a2b',
    base: 'rfe/checkout',
    title: 'Plan',
    body: '',
  },
  tool_event: { name: 'Edit', action: 'end', args: { file: 'a.ts' }, result: { ok: true } },
  prompt: { text: 'write the plan' },
  prompt_state: {
    promptSeq: 7,
    state: 'dropped',
    reason: 'The agent had finished; the prompt was not delivered.',
  },
  cancel: { reason: 'user pressed stop' },
  result: { summary: 'done', artifacts: [{ path: 'report.html', bytes: 2048, contentType: 'text/html' }] },
  error: { code: 'push_denied', message: 'push to alice/umbrella was denied' },
  heartbeat: {},
};

export const SESSION_ID = 'session-1';

let counter = 0;
export function uuid(): string {
  counter++;
  return `00000000-0000-4000-8000-${counter.toString(16).padStart(12, '0')}`;
}

export function example<T extends MessageType>(type: T, extra: Partial<EnvelopeOf<T>> = {}): EnvelopeOf<T> {
  return {
    id: uuid(),
    sessionId: SESSION_ID,
    ts: '2025-01-31T12:34:56.789Z',
    type,
    level: 'info',
    origin: type === 'prompt' || type === 'cancel' ? 'ui' : 'runner',
    payload: PAYLOADS[type],
    ...extra,
  } as EnvelopeOf<T>;
}

export function persisted(seq: number, type: MessageType = 'log'): PersistedEnvelope {
  return { ...example(type), seq } as PersistedEnvelope;
}
