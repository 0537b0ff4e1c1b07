import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSettings } from './settings.ts';

let credentials: string;
let base: Record<string, string>;

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rfe-settings-'));
  credentials = join(dir, 'credentials.json');
  await writeFile(
    credentials,
    JSON.stringify({
      runnerToken: 'runner-token',
      git: [{ url: 'https://git.example/', token: 'ghs_secret' }],
    }),
    { mode: 0o600 },
  );
  base = {
    RFE_SESSION_ID: '01J9Z3ABCDEF',
    RFE_WORKSPACE_SLUG: 'checkout-flow',
    RFE_BACKEND_WS_URL: 'ws://backend.local/api/runner/sessions/01J9Z3ABCDEF',
    RFE_GIT_CREDENTIALS_FILE: credentials,
    RFE_INPUT_REPO: 'https://git.example/acme/umbrella.git',
    RFE_OUTPUT: JSON.stringify({
      'acme/umbrella': {
        pushUrl: 'https://git.example/alice/umbrella.git',
        forkFullName: 'alice/umbrella',
        base: 'rfe/checkout-flow',
      },
    }),
    RFE_ADAPTER: 'localexec',
    RFE_PROMPT: 'true',
    RFE_WORK_DIR: '/tmp/work',
    RFE_AUTHOR_NAME: 'Alice',
    RFE_AUTHOR_EMAIL: 'alice@example.com',
  };
});

describe('runner settings', () => {
  it('reads a complete environment, with the documented defaults', () => {
    const settings = loadSettings(base);
    expect(settings.input).toEqual({
      url: base.RFE_INPUT_REPO,
      repo: 'acme/umbrella',
      branch: 'rfe/checkout-flow',
    });
    expect(settings.output.branch).toBe('rfe/checkout-flow/session-01j9z3ab');
    expect(settings.output.targets.get('acme/umbrella')).toMatchObject({
      forkFullName: 'alice/umbrella',
      directPush: false,
    });
    expect(settings.runnerToken()).toBe('runner-token');
    expect(settings.gitCredentials).toEqual([
      { url: 'https://git.example/', token: 'ghs_secret', username: 'x-access-token' },
    ]);
    expect(settings.timeoutMs).toBe(3_600_000);
    expect(settings.submodules).toEqual([]);
  });

  it.each([
    ['RFE_SESSION_ID', undefined, /RFE_SESSION_ID: is required/],
    ['RFE_ADAPTER', 'bash', /RFE_ADAPTER: must be one of localexec, claude, specify/],
    ['RFE_BACKEND_WS_URL', 'ftp://x', /RFE_BACKEND_WS_URL: must use ws: or wss:/],
    [
      'RFE_INPUT_REPO',
      'https://alice:tok@git.example/acme/umbrella.git',
      /RFE_INPUT_REPO: must not embed credentials/,
    ],
    [
      'RFE_OUTPUT',
      '{"acme/api": {"pushUrl": "https://x/alice/api.git", "base": "main"}}',
      /RFE_OUTPUT: acme\/api.forkFullName/,
    ],
    ['RFE_OUTPUT', 'not json', /RFE_OUTPUT: is not valid JSON/],
    ['RFE_OUTPUT_BRANCH', 'rfe/x..y', /RFE_OUTPUT_BRANCH: "rfe\/x..y" is not a valid branch name/],
    ['RFE_TIMEOUT_MS', '-5', /RFE_TIMEOUT_MS: must be a positive integer/],
    ['RFE_SUBMODULES', '[{"path": "repos/api", "required": "yes"}]', /RFE_SUBMODULES: \[0\].required/],
    ['RFE_WORK_DIR', 'relative/dir', /RFE_WORK_DIR: must be an absolute path/],
    ['RFE_AUTHOR_EMAIL', undefined, /RFE_AUTHOR_EMAIL: is required/],
  ])('a bad %s is refused with an error naming it', (name, value, message) => {
    const env: Record<string, string | undefined> = { ...base, [name]: value };
    expect(() => loadSettings(env)).toThrow(message);
  });

  it('a credentials file others can read is refused', async () => {
    await chmod(credentials, 0o644);
    try {
      expect(() => loadSettings(base)).toThrow(
        /RFE_GIT_CREDENTIALS_FILE: .* readable by others \(mode 644\)/,
      );
    } finally {
      await chmod(credentials, 0o600);
    }
  });

  it('without a runner token anywhere, says where to put one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rfe-settings-'));
    const noToken = join(dir, 'c.json');
    await writeFile(noToken, '{"git": []}', { mode: 0o600 });
    expect(() => loadSettings({ ...base, RFE_GIT_CREDENTIALS_FILE: noToken })).toThrow(
      /RFE_RUNNER_TOKEN_FILE: is required/,
    );
  });
});
