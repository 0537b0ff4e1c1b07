import { randomUUID } from 'node:crypto';
import { BackendPeer } from './backend-peer.ts';
import type { ForgeWorld, Login } from './forge-world.ts';
import { type RunnerProcess, type SessionEnvOptions, sessionEnv, startRunner } from './runner-process.ts';

const PEOPLE: Record<Login, { name: string; email: string }> = {
  alice: { name: 'Alice Admin', email: 'alice@example.com' },
  bob: { name: 'Bob Reader', email: 'bob@example.com' },
  carol: { name: 'Carol Contractor', email: 'carol@example.com' },
};

export interface SessionPlan {
  login: Login;
  slug: string;
  adapter: SessionEnvOptions['adapter'];
  prompt: string;
  submodules?: SessionEnvOptions['submodules'];
  /** Upstreams pushed directly instead of through the user's fork. */
  directPush?: string[];
  extra?: Record<string, string>;
  /** localexec commands that need the session's paths: they replace `prompt` (as a JSON list). */
  commands?: (env: Record<string, string>) => string[];
  /** Runs once the environment exists, right before the runner starts. */
  beforeStart?: (env: Record<string, string>) => Promise<unknown>;
}

export interface StartedSession {
  sessionId: string;
  peer: BackendPeer;
  runner: RunnerProcess;
  env: Record<string, string>;
}

/**
 * What the backend would do before launching: fork each repository for the user, build the push
 * targets, write the credentials (the user's token for the forge host), start a backend peer, then
 * start the runner process.
 */
export async function startSession(world: ForgeWorld, plan: SessionPlan): Promise<StartedSession> {
  const sessionId = randomUUID();
  const peer = await BackendPeer.start(sessionId);
  const output: SessionEnvOptions['output'] = {};
  for (const upstream of ['acme/umbrella', 'acme/api', 'acme/web']) {
    const base = upstream === 'acme/umbrella' ? `rfe/${plan.slug}` : 'main';
    if (plan.directPush?.includes(upstream)) {
      output[upstream] = { pushUrl: world.gitUrl(upstream), base, directPush: true };
      continue;
    }
    if (plan.login === 'carol' && upstream === 'acme/web') continue; // she cannot fork what she cannot read
    const fork = await world.fork(plan.login, upstream);
    output[upstream] = { pushUrl: world.gitUrl(fork), forkFullName: fork, base };
  }
  const env = await sessionEnv({
    sessionId,
    slug: plan.slug,
    backendUrl: peer.url,
    runnerToken: peer.token,
    inputRepo: world.gitUrl('acme/umbrella'),
    adapter: plan.adapter,
    prompt: plan.prompt,
    output,
    git: { [`${world.forge.url}/`]: [plan.login, world.tokens[plan.login]] },
    author: PEOPLE[plan.login],
    baseDir: world.tmp,
    ...(plan.submodules ? { submodules: plan.submodules } : {}),
    ...(plan.extra ? { extra: plan.extra } : {}),
  });
  if (plan.commands) env.RFE_PROMPT = JSON.stringify(plan.commands(env));
  await plan.beforeStart?.(env);
  return { sessionId, peer, runner: startRunner(env), env };
}
