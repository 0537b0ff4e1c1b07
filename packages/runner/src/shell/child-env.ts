import type { RunnerSettings } from '../settings.ts';
import { agentHome } from './agent-sandbox.ts';

/** Variables a command or agent the runner starts must not see. */
const HIDDEN = /^(RFE_|ANTHROPIC_API_KEY$|ANTHROPIC_AUTH_TOKEN$|GIT_CONFIG_)/;

/**
 * The environment for processes an adapter starts: the runner's own settings removed (the token file
 * paths among them), commits authored as the user, and git never prompting. Under an agent uid, HOME is
 * the agent's own directory in the work directory.
 */
export function childEnvironment(
  settings: RunnerSettings,
  base: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(base)) if (!HIDDEN.test(key)) env[key] = value;
  return {
    ...env,
    GIT_AUTHOR_NAME: settings.author.name,
    GIT_AUTHOR_EMAIL: settings.author.email,
    GIT_COMMITTER_NAME: settings.author.name,
    GIT_COMMITTER_EMAIL: settings.author.email,
    GIT_TERMINAL_PROMPT: '0',
    ...(settings.agent ? { HOME: agentHome(settings.workDir) } : {}),
  };
}
