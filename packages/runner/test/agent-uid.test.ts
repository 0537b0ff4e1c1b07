import { chmod, readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ScriptedMessagesApi, toolResultsIn } from '@rfe/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canRunAgentUid } from './support/agent-uid.ts';
import { ForgeWorld } from './support/forge-world.ts';
import { git } from './support/git-cli.ts';
import { startSession } from './support/session-for.ts';

/** This file's own agent uid/gid: `kill -1` as it must reach no other test's processes. */
const AGENT_UID = 199_001;
const AGENT_GID = 199_011;

let world: ForgeWorld;

describe.runIf(canRunAgentUid('runner agent uid'))('the runner with RFE_AGENT_UID (as root)', () => {
  beforeAll(async () => {
    world = await ForgeWorld.start();
    // The agent uid must be able to reach its work tree: every directory above it searchable.
    await chmod(world.tmp, 0o711);
    await world.createUmbrellaBranch('rfe/agent-uid');
  });
  afterAll(async () => {
    await world?.close();
  });

  it('runs every command as the agent uid with no supplementary groups, HOME in the work directory; the shell’s environ, the secrets and the run directory are out of reach; a setsid leftover is dead before the push; the session still pushes', async () => {
    const home = (workDir: string) => join(workDir, 'home');
    const { peer, runner, env } = await startSession(world, {
      login: 'alice',
      slug: 'agent-uid',
      adapter: 'localexec',
      prompt: 'true', // replaced below, once the paths are known
      extra: { RFE_AGENT_UID: String(AGENT_UID), RFE_AGENT_GID: String(AGENT_GID) },
      commands: (env) => {
        const secrets = dirname(env.RFE_GIT_CREDENTIALS_FILE!);
        const fsmonitorLog = join(home(env.RFE_WORK_DIR!), 'fsmonitor-ran');
        return [
          'id -u; id -g; id -G',
          'echo "home=$HOME"',
          'cat /proc/$PPID/environ >/dev/null 2>&1 && echo shell-environ-readable || echo shell-environ-refused',
          `ls ${secrets} >/dev/null 2>&1 && echo secrets-listable || echo secrets-refused`,
          'ls .. >/dev/null 2>&1 && echo workdir-listable || echo workdir-refused',
          'ls ../outbox >/dev/null 2>&1 && echo outbox-listable || echo outbox-refused',
          // Escapes its process group and session, and watches every environment it can read.
          `setsid sh -c 'echo $$ > "$HOME/leftover.pid"; while :; do echo "tick $(date +%s%3N)"; cat /proc/*/environ; sleep 0.05; done' </dev/null >"$HOME/leaked.txt" 2>&1 &`,
          `(nohup sh -c 'echo $$ > "$HOME/nohup.pid"; exec sleep 600' </dev/null >/dev/null 2>&1 &)`,
          // Configuration the shell's own git would run (as root) if it read the agent's .git/config.
          `git config core.fsmonitor 'echo "ran-$(id -u)" >> ${fsmonitorLog}; true'`,
          'sleep 0.3',
          'echo agent-was-here >> README.md',
        ];
      },
    });
    const { code } = await runner.exited;
    expect(code, runner.stderr()).toBe(0);

    const output = peer
      .messages('command_output')
      .map((m) => String(m.payload.chunk))
      .join('');
    expect(output).toContain(`${AGENT_UID}\n${AGENT_GID}\n${AGENT_GID}\n`); // id -G: its gid, nothing else
    expect(output).toContain(`home=${home(env.RFE_WORK_DIR!)}\n`);
    for (const refused of ['shell-environ', 'secrets', 'workdir', 'outbox'])
      expect(output).toContain(`${refused}-refused`);

    // The leftovers are dead, and the watcher's last look came before the push.
    const agentHome = home(env.RFE_WORK_DIR!);
    for (const file of ['leftover.pid', 'nohup.pid']) {
      const pid = (await readFile(join(agentHome, file), 'utf8')).trim();
      // Gone, or a zombie (killed; its new parent has not reaped it yet).
      const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => 'State: gone');
      expect(/^State:\s*(\S+)/m.exec(status)?.[1], `${file}: pid ${pid} still runs`).toMatch(/^(gone|Z)$/);
    }
    const leaked = await readFile(join(agentHome, 'leaked.txt'), 'utf8');
    const ticks = [...leaked.matchAll(/tick (\d+)/g)].map((m) => Number(m[1]));
    expect(ticks.length).toBeGreaterThan(2);
    const pushes = peer.messages('git_event').filter((m) => m.payload.action === 'push');
    expect(pushes.length).toBeGreaterThan(0);
    expect(Math.max(...ticks)).toBeLessThan(Date.parse(pushes[0]!.ts));
    for (const secret of [world.tokens.alice, peer.token]) expect(leaked).not.toContain(secret);
    expect(leaked).not.toMatch(/extraHeader|Authorization/i); // git's credentials arrive that way

    // The agent's git configuration ran only as the agent, never in the shell's commit or push.
    const ran = await readFile(join(agentHome, 'fsmonitor-ran'), 'utf8').catch(() => '');
    expect(ran.split('\n').filter((l) => l && l !== `ran-${AGENT_UID}`)).toEqual([]);

    // The shell took the tree back, committed and pushed it.
    const readme = await stat(join(env.RFE_WORK_DIR!, 'workspace', 'README.md'));
    expect([readme.uid, readme.gid]).toEqual([process.getuid!(), process.getgid!()]);
    const intents = peer.messages('pr_intent').map((m) => m.payload);
    expect(intents.map((i) => i.repo)).toEqual(['acme/umbrella']);
    const fork = await world.checkout('alice/umbrella', intents[0].head.slice('alice:'.length));
    expect(await git(['show', 'HEAD:README.md'], { cwd: fork })).toContain('agent-was-here');
    await peer.stop();
  });

  it('starts Claude Code as the agent uid: its Bash tool runs as that uid, its edits are pushed', async () => {
    let workTree = '';
    const api = await ScriptedMessagesApi.start((request) => {
      const tools = (request.tools ?? []).map((t) => t.name);
      if (!tools.includes('Bash')) return { content: [{ type: 'text', text: 'ok' }] };
      switch (toolResultsIn(request)) {
        case 0:
          return {
            content: [
              {
                type: 'tool_use',
                id: 'toolu_id',
                name: 'Bash',
                input: { command: 'echo "who=$(id -u):$(id -G) home=$HOME"', description: 'who am I' },
              },
            ],
          };
        case 1:
          return {
            content: [
              {
                type: 'tool_use',
                id: 'toolu_write',
                name: 'Write',
                input: { file_path: join(workTree, 'AGENT.md'), content: 'written by the agent\n' },
              },
            ],
          };
        default:
          return { content: [{ type: 'text', text: 'Wrote AGENT.md.' }] };
      }
    });
    try {
      const { peer, runner, env } = await startSession(world, {
        login: 'alice',
        slug: 'agent-uid',
        adapter: 'claude',
        prompt: 'Say who you are, then write AGENT.md.',
        extra: {
          ANTHROPIC_BASE_URL: api.url,
          ANTHROPIC_API_KEY: 'sk-test-not-a-real-key',
          RFE_CLAUDE_MODEL: 'claude-scripted',
          RFE_AGENT_UID: String(AGENT_UID),
          RFE_AGENT_GID: String(AGENT_GID),
        },
        beforeStart: async (env) => {
          workTree = join(env.RFE_WORK_DIR!, 'workspace');
        },
      });
      expect((await runner.exited).code, runner.stderr()).toBe(0);
      const results = JSON.stringify(api.requests.map((r) => r.messages));
      expect(results).toContain(`who=${AGENT_UID}:${AGENT_GID} home=${join(env.RFE_WORK_DIR!, 'home')}`);
      const intents = peer.messages('pr_intent').map((m) => m.payload);
      expect(intents.map((i) => i.repo)).toEqual(['acme/umbrella']);
      const fork = await world.checkout('alice/umbrella', intents[0].head.slice('alice:'.length));
      expect(await readFile(join(fork, 'AGENT.md'), 'utf8')).toBe('written by the agent\n');
      await peer.stop();
    } finally {
      await api.stop();
    }
  });

  it('refuses RFE_AGENT_UID when the agent uid cannot reach its work tree, before any command runs', async () => {
    const { peer, runner, env } = await startSession(world, {
      login: 'alice',
      slug: 'agent-uid',
      adapter: 'localexec',
      prompt: 'echo never',
      extra: { RFE_AGENT_UID: String(AGENT_UID), RFE_AGENT_GID: String(AGENT_GID) },
      beforeStart: async (env) => chmod(dirname(env.RFE_WORK_DIR!), 0o700),
    });
    try {
      expect((await runner.exited).code).toBe(1);
      expect(peer.messages('error')[0]?.payload).toMatchObject({ code: 'workspace_invalid' });
      expect(peer.messages('error')[0]?.payload.message).toContain(`uid ${AGENT_UID} cannot reach`);
      expect(peer.messages('command_start')).toHaveLength(0);
    } finally {
      await chmod(dirname(env.RFE_WORK_DIR!), 0o711);
      await peer.stop();
    }
  });
});
