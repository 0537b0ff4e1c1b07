import type { Channel, Level, MessageDraft, MessageType, PayloadOf } from '@rfe/protocol';
import type { Redactor } from '../redactor.ts';
import type { RunnerLog } from '../runner-log.ts';

type GitAction = PayloadOf<'git_event'>['action'];
type Phase = PayloadOf<'status'>['phase'];
type PromptState = PayloadOf<'prompt_state'>['state'];

/**
 * What the runner tells the backend. Every message goes through the channel's durable outbox in call
 * order, with secrets redacted; a message the channel refuses (too large, invalid) is logged locally
 * and never stops the run.
 */
export class Reporter {
  readonly #channel: Channel;
  readonly #redactor: Redactor;
  readonly #log: RunnerLog;
  #inFlight = new Set<Promise<unknown>>();

  constructor(channel: Channel, redactor: Redactor, log: RunnerLog) {
    this.#channel = channel;
    this.#redactor = redactor;
    this.#log = log;
  }

  send<T extends MessageType>(type: T, payload: PayloadOf<T>, level: Level = 'info'): void {
    const draft = { type, payload: this.#redactor.value(payload), level } as MessageDraft;
    const sent = this.#channel.send(draft).catch((error: Error) => {
      this.#log.warn(`could not send a ${type} message: ${error.message}`);
    });
    this.#inFlight.add(sent);
    void sent.finally(() => this.#inFlight.delete(sent));
  }

  status(phase: Phase, progress: number): void {
    this.send('status', { phase, progress });
  }

  log(text: string, level: Level = 'info'): void {
    this.send('log', { text }, level);
    this.#log[level === 'error' ? 'error' : level === 'warn' ? 'warn' : 'info'](text);
  }

  /** What became of the prompt with seq `promptSeq`; a dropped one is a warning, with its reason. */
  promptState(promptSeq: number, state: PromptState, reason?: string): void {
    this.send('prompt_state', { promptSeq, state, ...(reason ? { reason } : {}) }, reason ? 'warn' : 'info');
    if (state === 'dropped') this.#log.warn(`prompt ${promptSeq} dropped: ${reason}`);
  }

  gitEvent(action: GitAction, repo: string, branch: string, details: string): void {
    this.send('git_event', { action, repo, branch, details });
  }

  error(code: string, message: string, level: Level = 'error'): void {
    this.send('error', { code, message }, level);
    this.#log.error(`${code}: ${message}`);
  }

  /** Resolves once every message reported so far is in the outbox. */
  async settled(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.all([...this.#inFlight]);
  }
}
