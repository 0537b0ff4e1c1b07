import { RunError } from '../../errors.ts';
import type { Adapter, AdapterContext, AdapterOutcome, Prompt } from '../adapter.ts';
import { parseCommands } from './parse-commands.ts';
import { type RunningCommand, runCommand, stopCommand } from './run-command.ts';

/** A queued command; `prompt` is the follow-up it came from, `last` marks that prompt's last command. */
interface Queued {
  cmd: string;
  prompt?: Prompt;
  last?: boolean;
}

/**
 * Runs the shell commands it is given, one after the other in the umbrella work tree, streaming their
 * output and reporting the files each one changed. A follow-up prompt adds commands to the queue while it
 * runs: it is delivered when its first command starts and answered when its last one ends. The first
 * command that fails ends the run (nothing is pushed); prompts whose commands did not start are dropped.
 */
export class LocalExecAdapter implements Adapter {
  readonly name = 'localexec';
  #context!: AdapterContext;
  readonly #queue: Queued[] = [];
  #current: RunningCommand | undefined;
  #finished = false;
  #cancelled: string | undefined;

  async init(context: AdapterContext): Promise<void> {
    this.#context = context;
    this.#queue.push(...commandsIn(context.prompt, 'RFE_PROMPT').map((cmd) => ({ cmd })));
    if (this.#queue.length === 0) {
      throw new RunError(
        'adapter_failed',
        'RFE_PROMPT holds no commands for localexec (a JSON list or one command per line)',
      );
    }
  }

  async run(): Promise<AdapterOutcome> {
    const { workspace, report, childEnv, spawn } = this.#context;
    const ran: string[] = [];
    while (this.#queue.length > 0) {
      if (this.#cancelled !== undefined) throw new RunError('cancelled', this.#cancelled);
      const { cmd, prompt, last } = this.#queue.shift()!;
      prompt?.delivered();
      this.#current = runCommand(cmd, { cwd: workspace.root, displayCwd: '.', env: childEnv, report, spawn });
      const { exitCode } = await this.#current.done;
      this.#current = undefined;
      await this.#context.reportFileChanges();
      if (this.#cancelled !== undefined) throw new RunError('cancelled', this.#cancelled);
      ran.push(cmd);
      if (exitCode !== 0) {
        this.#dropQueued(`The command \`${cmd}\` failed before the prompt's commands ran.`);
        throw new RunError(
          'command_failed',
          `The command \`${cmd}\` exited with ${exitCode}; nothing was pushed.`,
        );
      }
      if (last) prompt?.answered();
    }
    this.#finished = true;
    const list = ran.map((c) => `- \`${c}\``).join('\n');
    return { summary: `Ran ${ran.length} command${ran.length === 1 ? '' : 's'}:\n${list}` };
  }

  input(prompt: Prompt): void {
    if (this.#finished || this.#cancelled !== undefined) {
      prompt.dropped('The commands had finished; the prompt was not run. Start a new session to go on.');
      return;
    }
    let commands: string[];
    try {
      commands = commandsIn(prompt.text, 'prompt');
    } catch (error) {
      prompt.dropped(`The prompt was not run: ${(error as Error).message}`);
      return;
    }
    if (commands.length === 0) {
      prompt.dropped('The prompt holds no commands (one shell command per line); nothing was run.');
      return;
    }
    this.#queue.push(...commands.map((cmd, i) => ({ cmd, prompt, last: i === commands.length - 1 })));
  }

  async cancel(reason: string): Promise<void> {
    this.#cancelled = reason;
    this.#dropQueued("The session was cancelled before the prompt's commands ran.");
    stopCommand(this.#current);
  }

  async shutdown(): Promise<void> {
    this.#dropQueued("The run stopped before the prompt's commands ran.");
    stopCommand(this.#current);
  }

  /** Empties the queue; a prompt none of whose commands started is dropped, saying `reason`. */
  #dropQueued(reason: string): void {
    for (const { prompt } of this.#queue.splice(0)) prompt?.dropped(reason);
  }
}

function commandsIn(text: string, source: string): string[] {
  try {
    return parseCommands(text);
  } catch (error) {
    throw new RunError('adapter_failed', `${source}: ${(error as Error).message}`);
  }
}
