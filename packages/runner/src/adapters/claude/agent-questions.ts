import type { PermissionResult } from '@anthropic-ai/claude-agent-sdk';
import type { Reporter } from '../../shell/reporter.ts';
import { truncateValue } from './truncate.ts';

interface Question {
  question: string;
  header?: string;
  options?: { label: string; description?: string }[];
  multiSelect?: boolean;
}

/**
 * What the agent asks the session's owner: its AskUserQuestion tool (one answer per question) and
 * permission for a tool outside the allowed set. The question goes to the session log (a `tool_event`
 * named `question` with the questions, and a `log` that says how to answer); the owner's next prompts are
 * the answers, in order, and reach the agent as the tool's `answers` or as the permission decision.
 */
export class AgentQuestions {
  readonly #waiting: ((text: string) => void)[] = [];

  constructor(private readonly report: Reporter) {}

  /** True when a question took the text as its answer (it is then not a new user turn). */
  answer(text: string): boolean {
    const next = this.#waiting.shift();
    if (!next) return false;
    next(text);
    return true;
  }

  get pending(): number {
    return this.#waiting.length;
  }

  async decide(tool: string, input: Record<string, unknown>, signal: AbortSignal): Promise<PermissionResult> {
    if (tool === 'AskUserQuestion') return this.#ask(input, signal);
    this.report.send('tool_event', {
      name: 'question',
      action: 'start',
      args: { kind: 'permission', tool, input: truncateValue(input) },
    });
    this.report.log(
      `The agent asks to use ${tool}. Reply "allow" to let it, anything else to refuse.`,
      'warn',
    );
    const reply = await this.#next(signal);
    const allowed = /^\s*(allow|yes|y|ok)\b/i.test(reply);
    this.report.send('tool_event', { name: 'question', action: 'end', result: { tool, allowed } });
    return allowed
      ? { behavior: 'allow', updatedInput: input }
      : { behavior: 'deny', message: `The session's owner refused ${tool}: ${reply}` };
  }

  async #ask(input: Record<string, unknown>, signal: AbortSignal): Promise<PermissionResult> {
    const questions = (Array.isArray(input.questions) ? input.questions : []) as Question[];
    this.report.send('tool_event', {
      name: 'question',
      action: 'start',
      args: { kind: 'ask', questions: truncateValue(questions) },
    });
    const answers: Record<string, string> = {};
    for (const q of questions) {
      const options = q.options?.map((o) => o.label).join(' / ');
      this.report.log(
        `The agent asks: ${q.question}${options ? ` (${options})` : ''} — reply to answer.`,
        'warn',
      );
      answers[q.question] = (await this.#next(signal)).trim();
    }
    this.report.send('tool_event', { name: 'question', action: 'end', result: { answers } });
    return { behavior: 'allow', updatedInput: { ...input, answers } };
  }

  #next(signal: AbortSignal): Promise<string> {
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(new Error('aborted'));
      const onAbort = () => {
        const i = this.#waiting.indexOf(take);
        if (i >= 0) this.#waiting.splice(i, 1);
        reject(new Error('aborted'));
      };
      const take = (text: string) => {
        signal.removeEventListener('abort', onAbort);
        resolve(text);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.#waiting.push(take);
    });
  }
}
