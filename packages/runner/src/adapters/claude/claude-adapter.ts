import {
  type Options,
  query,
  type SDKResultMessage,
  type SpawnedProcess,
  type SpawnOptions,
} from '@anthropic-ai/claude-agent-sdk';
import { RunError } from '../../errors.ts';
import type { Adapter, AdapterContext, AdapterOutcome, Prompt } from '../adapter.ts';
import { AgentQuestions } from './agent-questions.ts';
import { ConversationState } from './conversation-state.ts';
import { PromptQueue } from './prompt-queue.ts';
import { SdkEventMapper } from './sdk-events.ts';

/** Tools the agent may use without asking: it works alone in a disposable work tree. */
const ALLOWED_TOOLS = [
  'Read',
  'Write',
  'Edit',
  'MultiEdit',
  'NotebookEdit',
  'Glob',
  'Grep',
  'Bash',
  'TodoWrite',
];

/**
 * The Claude Agent SDK in the umbrella work tree: the session prompt is the first user turn, each
 * `prompt` input a follow-up turn; tool calls become `tool_event`s and the files they change
 * `file_change`s. Each follow-up is delivered when the SDK takes it and answered by the `result` of the
 * turn that took it in. The agent's questions (AskUserQuestion) and requests for tools outside the allowed
 * set go to the session's owner, whose next prompts answer them. The conversation is persisted in the state
 * directory, so a restarted runner resumes it instead of starting over. The model endpoint comes from
 * ANTHROPIC_BASE_URL (the session's gateway) and the session's model key. Cancel aborts the SDK.
 */
export class ClaudeAdapter implements Adapter {
  readonly name = 'claude';
  #context!: AdapterContext;
  #prompt = '';
  readonly #prompts = new PromptQueue();
  readonly #abort = new AbortController();
  #questions!: AgentQuestions;
  #conversation!: ConversationState;
  #resume: string | undefined;
  #cancelled: string | undefined;

  /** `prompt` overrides the context's prompt (the specify adapter asks for something more precise). */
  constructor(private readonly options: { prompt?: string } = {}) {}

  async init(context: AdapterContext): Promise<void> {
    this.#context = context;
    this.#prompt = this.options.prompt ?? context.prompt;
    if (!this.#prompt.trim()) {
      throw new RunError('adapter_failed', 'RFE_PROMPT is empty: the claude adapter needs a prompt');
    }
    this.#questions = new AgentQuestions(context.report);
    this.#conversation = new ConversationState(context.stateDir);
    this.#resume = await this.#conversation.read();
    // Queued now, so follow-ups that arrive before run() come after it. A resumed conversation already
    // holds the prompt: it is told to carry on instead.
    this.#prompts.push(
      this.#resume
        ? 'The runner was restarted and this conversation resumed. Carry on with the task where you left off; check the files for what is already done.'
        : this.#prompt,
    );
    if (this.#resume) context.report.log('Resuming the agent conversation after a runner restart.', 'warn');
  }

  async run(): Promise<AdapterOutcome> {
    const { report, log, workspace } = this.#context;
    const mapper = new SdkEventMapper(report);
    const session = query({ prompt: this.#prompts, options: this.#options(workspace.root) });
    let last: SDKResultMessage | undefined;
    try {
      for await (const message of session) {
        if (message.type === 'system' && message.subtype === 'init' && message.session_id !== this.#resume) {
          await this.#conversation.write(message.session_id);
        }
        const { toolEnded } = mapper.handle(message);
        if (toolEnded) await this.#context.reportFileChanges();
        if (message.type === 'assistant' && message.parent_tool_use_id === null) this.#prompts.replied();
        if (message.type !== 'result') continue;
        last = message;
        this.#prompts.turnEnded(message.queued_turn_count);
        if (message.subtype !== 'success' || message.is_error) break;
        // The input ends once no further turn is waiting, which lets the query finish.
        if ((message.queued_turn_count ?? 0) === 0 && this.#prompts.queued === 0) this.#prompts.end();
      }
    } catch (error) {
      if (this.#cancelled !== undefined) throw new RunError('cancelled', this.#cancelled);
      log.error(`claude: ${(error as Error).stack ?? error}`);
      throw new RunError('adapter_failed', `The Claude agent stopped: ${(error as Error).message}`);
    } finally {
      this.#prompts.end();
      session.close();
    }
    if (this.#cancelled !== undefined) throw new RunError('cancelled', this.#cancelled);
    await this.#context.reportFileChanges();
    if (!last) throw new RunError('adapter_failed', 'The Claude agent ended without a result');
    if (last.subtype !== 'success' || last.is_error) {
      const detail = 'errors' in last && last.errors.length > 0 ? `: ${last.errors.join('; ')}` : '';
      throw new RunError('adapter_failed', `The Claude agent failed (${last.subtype})${detail}`);
    }
    return { summary: last.result.trim() || 'The Claude agent finished.' };
  }

  input(prompt: Prompt): void {
    if (this.#questions.answer(prompt.text)) this.#prompts.joinTurn(prompt);
    else if (!this.#prompts.push(prompt.text, prompt))
      prompt.dropped('The agent had finished; the prompt was not delivered. Start a new session to go on.');
  }

  async cancel(reason: string): Promise<void> {
    this.#cancelled = reason;
    this.#prompts.end();
    this.#abort.abort();
  }

  async shutdown(): Promise<void> {
    this.#prompts.end();
    if (!this.#abort.signal.aborted) this.#abort.abort();
  }

  #options(cwd: string): Options {
    const { childEnv, settings, claudeConfigDir } = this.#context;
    return {
      cwd,
      abortController: this.#abort,
      permissionMode: 'acceptEdits',
      allowedTools: ALLOWED_TOOLS,
      // Anything else (AskUserQuestion included) is asked of the session's owner.
      permissionPrompts: 'host',
      canUseTool: (tool, input, { signal }) => this.#questions.decide(tool, input, signal),
      // The umbrella's .claude/ settings and CLAUDE.md apply; the runner's user settings do not.
      settingSources: ['project'],
      // Kept under CLAUDE_CONFIG_DIR in the state directory, so a restarted runner can resume it.
      persistSession: true,
      ...(this.#resume ? { resume: this.#resume } : {}),
      ...(settings.claude.model ? { model: settings.claude.model } : {}),
      ...(settings.claude.maxTurns ? { maxTurns: settings.claude.maxTurns } : {}),
      env: {
        ...childEnv,
        ANTHROPIC_BASE_URL: process.env.ANTHROPIC_BASE_URL,
        ...modelCredentials(process.env, settings.claude.apiKey),
        CLAUDE_CONFIG_DIR: claudeConfigDir,
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      },
      // Claude Code starts like every other adapter process: own process group, the agent's uid.
      spawnClaudeCodeProcess: (spawn) => this.#spawnClaudeCode(spawn),
      // No MCP server configuration on a command line (the custom spawn would otherwise default to argv).
      mcpServersDelivery: 'initialize',
    };
  }

  #spawnClaudeCode({ command, args, cwd, env, signal }: SpawnOptions): SpawnedProcess {
    const { spawn, log } = this.#context;
    const child = spawn(command, args, {
      ...(cwd ? { cwd } : {}),
      env,
      signal,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (data: string) => log.info(`claude: ${data.trimEnd()}`));
    // The SDK reports a failed start through 'error'; the process group is the shell's to stop.
    return child as SpawnedProcess;
  }
}

/**
 * The key for the model endpoint. On the platform it is the session's model key, which only the backend's
 * session gateway (ANTHROPIC_BASE_URL) accepts; the provider's key never reaches the runner. Run alone, the
 * runner's own ANTHROPIC_API_KEY applies; behind a gateway that needs none, Claude Code still wants a key
 * to start, so a placeholder stands in.
 */
function modelCredentials(
  env: NodeJS.ProcessEnv,
  sessionModelKey: string | undefined,
): Record<string, string | undefined> {
  if (sessionModelKey) return { ANTHROPIC_API_KEY: sessionModelKey, ANTHROPIC_AUTH_TOKEN: undefined };
  if (env.ANTHROPIC_API_KEY || env.ANTHROPIC_AUTH_TOKEN) {
    return { ANTHROPIC_API_KEY: env.ANTHROPIC_API_KEY, ANTHROPIC_AUTH_TOKEN: env.ANTHROPIC_AUTH_TOKEN };
  }
  return { ANTHROPIC_API_KEY: env.ANTHROPIC_BASE_URL ? 'rfe-runner-placeholder-key' : undefined };
}
