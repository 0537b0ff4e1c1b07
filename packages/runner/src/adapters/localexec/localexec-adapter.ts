import { RunError } from '../../errors.ts';
import type { Adapter, AdapterContext, AdapterOutcome } from '../adapter.ts';
import { parseCommands } from './parse-commands.ts';
import { type RunningCommand, runCommand, stopCommand } from './run-command.ts';

/**
 * Runs the shell commands it is given, one after the other in the umbrella work tree, streaming their
 * output and reporting the files each one changed. A follow-up prompt adds commands to the queue while it
 * runs. The first command that fails ends the run (nothing is pushed).
 */
export class LocalExecAdapter implements Adapter {
  readonly name = 'localexec';
  #context!: AdapterContext;
  readonly #queue: string[] = [];
  #current: RunningCommand | undefined;
  #finished = false;
  #cancelled: string | undefined;

  async init(context: AdapterContext): Promise<void> {
    this.#context = context;
    this.#queue.push(...commandsIn(context.prompt, 'RFE_PROMPT'));
    if (this.#queue.length === 0) {
      throw new RunError(
        'adapter_failed',
        'RFE_PROMPT holds no commands for localexec (a JSON list or one command per line)',
      );
    }
  }

  async run(): Promise<AdapterOutcome> {
    const { workspace, report, childEnv } = this.#context;
    const ran: string[] = [];
    while (this.#queue.length > 0) {
      if (this.#cancelled !== undefined) throw new RunError('cancelled', this.#cancelled);
      const cmd = this.#queue.shift()!;
      this.#current = runCommand(cmd, { cwd: workspace.root, displayCwd: '.', env: childEnv, report });
      const { exitCode } = await this.#current.done;
      this.#current = undefined;
      await this.#context.reportFileChanges();
      if (this.#cancelled !== undefined) throw new RunError('cancelled', this.#cancelled);
      ran.push(cmd);
      if (exitCode !== 0) {
        throw new RunError(
          'command_failed',
          `The command \`${cmd}\` exited with ${exitCode}; nothing was pushed.`,
        );
      }
    }
    this.#finished = true;
    const list = ran.map((c) => `- \`${c}\``).join('\n');
    return { summary: `Ran ${ran.length} command${ran.length === 1 ? '' : 's'}:\n${list}` };
  }

  input(text: string): void {
    if (this.#finished) {
      this.#context.report.log('The commands have finished; the prompt was not run.', 'warn');
      return;
    }
    try {
      this.#queue.push(...commandsIn(text, 'prompt'));
    } catch (error) {
      this.#context.report.log(`Ignored a prompt: ${(error as Error).message}`, 'warn');
    }
  }

  async cancel(reason: string): Promise<void> {
    this.#cancelled = reason;
    this.#queue.length = 0;
    stopCommand(this.#current);
  }

  async shutdown(): Promise<void> {
    this.#queue.length = 0;
    stopCommand(this.#current);
  }
}

function commandsIn(text: string, source: string): string[] {
  try {
    return parseCommands(text);
  } catch (error) {
    throw new RunError('adapter_failed', `${source}: ${(error as Error).message}`);
  }
}
