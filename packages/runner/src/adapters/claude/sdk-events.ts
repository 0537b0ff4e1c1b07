import type { SDKMessage } from '@anthropic-ai/claude-agent-sdk';
import type { Reporter } from '../../shell/reporter.ts';
import { truncateValue } from './truncate.ts';

interface Block {
  type: string;
  id?: string;
  name?: string;
  input?: unknown;
  text?: string;
  tool_use_id?: string;
  content?: unknown;
  is_error?: boolean;
}

/**
 * Turns the SDK's stream into workbench messages: each `tool_use` a `tool_event` start, each
 * `tool_result` the matching end, the assistant's text a `log`, API retries a warning. Returns true
 * when a tool call finished (the caller then looks for changed files).
 */
export class SdkEventMapper {
  readonly #report: Reporter;
  readonly #toolNames = new Map<string, string>();

  constructor(report: Reporter) {
    this.#report = report;
  }

  handle(message: SDKMessage): { toolEnded: boolean } {
    let toolEnded = false;
    if (message.type === 'assistant' && message.parent_tool_use_id === null) {
      for (const block of blocks(message.message.content)) {
        if (block.type === 'tool_use' && block.id && block.name) {
          this.#toolNames.set(block.id, block.name);
          this.#report.send('tool_event', {
            name: block.name,
            action: 'start',
            args: truncateValue(block.input ?? {}),
          });
        } else if (block.type === 'text' && block.text?.trim()) {
          this.#report.send('log', { text: truncateValue(block.text, 100_000) as string });
        }
      }
    } else if (message.type === 'user' && message.parent_tool_use_id === null) {
      for (const block of blocks(message.message.content)) {
        if (block.type !== 'tool_result' || !block.tool_use_id) continue;
        const name = this.#toolNames.get(block.tool_use_id) ?? 'tool';
        this.#toolNames.delete(block.tool_use_id);
        this.#report.send(
          'tool_event',
          { name, action: 'end', result: truncateValue(block.content ?? null) },
          block.is_error ? 'warn' : 'info',
        );
        toolEnded = true;
      }
    } else if (message.type === 'system' && message.subtype === 'api_retry') {
      this.#report.log(
        `The model API failed (${message.error_status ?? message.error}); retry ${message.attempt} of ${message.max_retries} in ${message.retry_delay_ms} ms`,
        'warn',
      );
    }
    return { toolEnded };
  }
}

function blocks(content: unknown): Block[] {
  return Array.isArray(content) ? (content as Block[]) : [];
}
