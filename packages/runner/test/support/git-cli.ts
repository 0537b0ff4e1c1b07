import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * git for test set-up and checks, asynchronous so an in-process forge keeps serving. `token` is sent as
 * Basic credentials for `login`, the way the runner does it (never in the URL).
 */
export async function git(
  args: string[],
  options: { cwd?: string; login?: string; token?: string } = {},
): Promise<string> {
  const config: string[] = [];
  if (options.token) {
    const basic = Buffer.from(`${options.login ?? 'x-access-token'}:${options.token}`).toString('base64');
    config.push('-c', `http.extraHeader=Authorization: Basic ${basic}`);
  }
  const { stdout } = await run('git', [...config, ...args], {
    cwd: options.cwd,
    env: {
      ...process.env,
      GIT_TERMINAL_PROMPT: '0',
      GIT_AUTHOR_NAME: 'Test Setup',
      GIT_AUTHOR_EMAIL: 'setup@example.com',
      GIT_COMMITTER_NAME: 'Test Setup',
      GIT_COMMITTER_EMAIL: 'setup@example.com',
    },
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout.trim();
}
