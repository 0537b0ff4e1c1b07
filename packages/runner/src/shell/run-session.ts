import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Channel, ChannelOptions } from '@rfe/protocol';
import type { Adapter, AdapterContext } from '../adapters/adapter.ts';
import { createAdapter } from '../adapters/select-adapter.ts';
import { removeSecretFiles } from '../credentials-file.ts';
import { asRunError, RunError } from '../errors.ts';
import { cloneWorkspace, type Workspace } from '../git/clone-workspace.ts';
import { credentialsForStep } from '../git/credential-source.ts';
import { detectChangedRepositories } from '../git/detect-changes.ts';
import { FileChangeTracker } from '../git/file-changes.ts';
import { Git } from '../git/git.ts';
import { GitAuth } from '../git/git-auth.ts';
import { publishChanges } from '../git/publish-changes.ts';
import { RepositoryGuard } from '../git/repository-guard.ts';
import { upstreamsTouchingWorkflows } from '../git/touches-workflows.ts';
import { FileOutbox } from '../outbox/file-outbox.ts';
import { Redactor } from '../redactor.ts';
import { createRunnerLog, type RunnerLog } from '../runner-log.ts';
import type { RunnerSettings } from '../settings.ts';
import { RUNNER_VERSION } from '../version.ts';
import { AgentSandbox, claudeConfigDir } from './agent-sandbox.ts';
import { childEnvironment } from './child-env.ts';
import { connectChannel, drainWithin } from './connect-channel.ts';
import { InputRouter } from './input-router.ts';
import { Reporter } from './reporter.ts';
import { RunControl } from './run-control.ts';
import { readRunState, writeRunState } from './run-state.ts';

/** `undelivered`: the run ended but messages stayed unacknowledged until the deadline (EX_TEMPFAIL). */
export const EXIT = { succeeded: 0, failed: 1, undelivered: 75, cancelled: 130 } as const;

export interface SessionDependencies {
  /** Given by main so SIGTERM can stop the run; a fresh one otherwise. */
  control?: RunControl;
  log?: RunnerLog;
  /** Channel overrides (tests: faster backoff). */
  channel?: Partial<ChannelOptions>;
  /** Adapter factory (default: by RFE_ADAPTER). */
  createAdapter?: (settings: RunnerSettings) => Adapter | Promise<Adapter>;
}

/**
 * The runner shell: connects, clones, runs the adapter, publishes the changes, reports the outcome,
 * then waits (bounded) for the backend to acknowledge everything. Resolves with the exit status.
 */
export async function runSession(settings: RunnerSettings, deps: SessionDependencies = {}): Promise<number> {
  const redactor = redactorFor(settings);
  const log = deps.log ?? createRunnerLog(redactor);
  const control = deps.control ?? new RunControl();
  // Secrets are in memory now; the files go before any adapter code could read them.
  for (const file of removeSecretFiles(settings.secretFiles))
    log.warn(`could not remove the secret file ${file}; the launcher must keep it from the agent`);
  await mkdir(settings.workDir, { recursive: true });
  const outbox = await FileOutbox.open(join(settings.workDir, 'outbox'));
  if (outbox.skippedLines > 0) log.warn(`outbox: skipped ${outbox.skippedLines} damaged journal line(s)`);
  let reporter: Reporter | undefined;
  const router = new InputRouter(control, () => reporter);
  const channel = connectChannel(settings, {
    outbox,
    onMessage: (message) => router.deliver(message),
    log,
    ...(deps.channel ? { options: deps.channel } : {}),
  });
  reporter = new Reporter(channel, redactor, log);

  const previous = await readRunState(settings.workDir);
  let exitCode: number;
  if (previous?.status === 'finished') {
    log.info(
      `this session already finished with ${previous.exitCode}; delivering what is left in the outbox`,
    );
    exitCode = previous.exitCode;
  } else {
    const attempt = (previous?.attempt ?? 0) + 1;
    await writeRunState(settings.workDir, { status: 'running', attempt });
    if (previous)
      reporter.log(`The runner restarted (attempt ${attempt}); starting the session over.`, 'warn');
    exitCode = await execute(settings, { control, reporter, router, redactor, log, deps });
    await writeRunState(settings.workDir, { status: 'finished', attempt, exitCode });
  }
  const delivered = await finish(channel, reporter, outbox, drainDeadline(settings, exitCode), log);
  return delivered ? exitCode : EXIT.undelivered;
}

/**
 * Until when the runner keeps trying to deliver its outbox: the session's deadline (it reconnects all
 * that time), but at least RFE_DRAIN_TIMEOUT_MS. A cancelled run only gets the short grace: its session
 * is over, and the backend refuses its token.
 */
function drainDeadline(settings: RunnerSettings, exitCode: number): number {
  const grace = Date.now() + settings.drainTimeoutMs;
  if (exitCode === EXIT.cancelled) return grace;
  return Math.max(grace, settings.deadlineAt ?? startedAt + settings.timeoutMs);
}

const startedAt = Date.now();

interface Run {
  control: RunControl;
  reporter: Reporter;
  router: InputRouter;
  redactor: Redactor;
  log: RunnerLog;
  deps: SessionDependencies;
}

async function execute(settings: RunnerSettings, run: Run): Promise<number> {
  const { control, reporter, log } = run;
  control.startTimer(settings.timeoutMs);
  let adapter: Adapter | undefined;
  const sandbox = new AgentSandbox(settings.agent, settings.workDir, log);
  try {
    reporter.status('starting', 0);
    reporter.send('init', {
      runnerVersion: RUNNER_VERSION,
      adapter: settings.adapter,
      repo: settings.input.repo,
      branch: settings.input.branch,
    });
    // An agent process left by an earlier attempt on this work directory must not watch the clone.
    await control.guard(sandbox.clearLeftovers());
    // The adapter's git has no credentials; the clone and the push get theirs just for that step.
    const git = new Git({
      auth: new GitAuth([]),
      redactor: run.redactor,
      author: settings.author,
      signal: control.signal,
      allowFileProtocol: settings.input.url.startsWith('file:'),
    });
    const root = join(settings.workDir, 'workspace');
    const cloneAuth = new GitAuth(await control.guard(credentialsForStep(settings, run.redactor, 'clone')));
    const workspace = await control.guard(
      cloneWorkspace(
        git.withAuth(cloneAuth),
        root,
        {
          url: settings.input.url,
          repo: settings.input.repo,
          branch: settings.input.branch,
          requirements: settings.submodules,
        },
        reporter,
      ),
    );
    reporter.status('starting', 30);
    const repositories = await RepositoryGuard.capture(workspace);
    await control.guard(sandbox.handOver());

    adapter = await control.guard(
      Promise.resolve((run.deps.createAdapter ?? ((s) => createAdapter(s.adapter)))(settings)),
    );
    const current = adapter;
    await control.guard(current.init(adapterContext(settings, workspace, git, reporter, log, sandbox)));
    control.onStop((reason) => void current.cancel(reason.message).catch(() => {}));
    run.router.attach(current);
    reporter.status('running', 40);
    const outcome = await control.guard(current.run());
    run.router.close('The agent had finished; the prompt was not delivered. Start a new session to go on.');

    reporter.status('finalizing', 80);
    // No adapter code may be running while push credentials exist: stop it, its process groups and (under
    // an agent uid) every process of that uid; then the shell takes the tree back and undoes what the
    // agent wrote into the repositories' git configuration.
    await shutdownAdapter(adapter, log);
    adapter = undefined;
    await control.guard(sandbox.stop());
    await control.guard(repositories.restore());
    const changes = await control.guard(detectChangedRepositories(git, workspace));
    const pushing = [...(changes.umbrella ? [workspace.repo] : []), ...changes.submodules.map((s) => s.repo)];
    const workflows = await control.guard(upstreamsTouchingWorkflows(git, workspace, changes));
    const pushAuth = new GitAuth(
      pushing.length
        ? await control.guard(credentialsForStep(settings, run.redactor, 'push', { pushing, workflows }))
        : [],
    );
    const published = await control.guard(
      publishChanges(
        git.withAuth(pushAuth),
        {
          workspace,
          changes,
          branch: settings.output.branch,
          targets: settings.output.targets,
          session: { slug: settings.workspaceSlug, shortId: settings.shortId, summary: outcome.summary },
        },
        reporter,
      ),
    );
    const pushed =
      published.length === 0
        ? 'No repository changed; nothing was pushed.'
        : `Pushed ${published.map((p) => p.repo).join(', ')}.`;
    reporter.send('result', { summary: `${outcome.summary}\n\n${pushed}`, artifacts: [] });
    reporter.status('done', 100);
    return EXIT.succeeded;
  } catch (error) {
    const failure = control.reason
      ? new RunError(control.reason.code, control.reason.message)
      : asRunError(error);
    if (failure.code === 'internal') log.error(`unexpected failure: ${(error as Error)?.stack ?? error}`);
    run.router.close(
      `The session ${failure.code === 'cancelled' ? 'was cancelled' : 'failed'} before the agent took the prompt in.`,
    );
    reporter.error(failure.code, failure.message, failure.code === 'cancelled' ? 'warn' : 'error');
    reporter.status('done', 100);
    return failure.code === 'cancelled' ? EXIT.cancelled : EXIT.failed;
  } finally {
    control.dispose();
    await shutdownAdapter(adapter, log);
    await sandbox.killAll().catch((error: Error) => log.error(error.message));
  }
}

function adapterContext(
  settings: RunnerSettings,
  workspace: Workspace,
  git: Git,
  report: Reporter,
  log: RunnerLog,
  sandbox: AgentSandbox,
): AdapterContext {
  const childEnv = childEnvironment(settings);
  // The tree belongs to the agent while it runs: the shell looks at it with the agent's rights.
  const tracker = new FileChangeTracker(git.asAgent(settings.agent, childEnv), workspace);
  const stateDir = join(settings.workDir, 'adapter');
  return {
    settings,
    workspace,
    prompt: settings.prompt,
    report,
    log,
    childEnv,
    stateDir,
    claudeConfigDir: claudeConfigDir(stateDir),
    spawn: (command, args, options) => sandbox.spawn(command, args, options),
    giveToAgent: (path) => sandbox.giveToAgent(path),
    async reportFileChanges() {
      const changes = await tracker.scan();
      for (const change of changes) report.send('file_change', change);
      return changes;
    },
  };
}

async function shutdownAdapter(adapter: Adapter | undefined, log: RunnerLog): Promise<void> {
  if (!adapter) return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, 3000);
  });
  try {
    await Promise.race([adapter.shutdown(), late]);
  } catch (error) {
    log.warn(`adapter shutdown failed: ${(error as Error).message}`);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Everything is in the outbox; the channel keeps reconnecting until the backend acknowledged all of it or
 * `deadline` passed. False when messages are left: they stay in the outbox for a restart on this work
 * directory, and the runner exits with EXIT.undelivered — never as if the session had succeeded.
 */
async function finish(
  channel: Channel,
  reporter: Reporter,
  outbox: FileOutbox,
  deadline: number,
  log: RunnerLog,
): Promise<boolean> {
  await reporter.settled();
  const delivered = await drainWithin(channel, Math.max(0, deadline - Date.now()));
  if (!delivered) {
    const left = (await outbox.pending()).length;
    log.error(
      `${left} message(s) not acknowledged by ${new Date(deadline).toISOString()}; they stay in the outbox for a restart (exit ${EXIT.undelivered})`,
    );
  }
  await channel.close();
  await outbox.close();
  return delivered;
}

function redactorFor(settings: RunnerSettings): Redactor {
  const redactor = new Redactor();
  for (const credential of settings.gitCredentials) redactor.addBasic(credential.username, credential.token);
  try {
    redactor.add(settings.runnerToken());
  } catch {
    // reported when connecting
  }
  return redactor;
}
