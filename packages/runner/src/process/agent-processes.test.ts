import { type ChildProcess, spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { canRunAgentUid } from '../../test/support/agent-uid.ts';
import { killEveryProcessOf, processesOf } from './agent-processes.ts';
import { spawnInGroup } from './process-groups.ts';

/** This file's own agent uid: `kill -1` as it reaches only what this file started. */
const AGENT = { uid: 199_002, gid: 199_012 };

const started: ChildProcess[] = [];
afterEach(() => {
  for (const child of started.splice(0)) child.kill('SIGKILL');
});

function output(child: ChildProcess): Promise<string> {
  let text = '';
  child.stdout?.on('data', (d) => {
    text += String(d);
  });
  return new Promise((resolve) => child.once('close', () => resolve(text)));
}

describe.runIf(canRunAgentUid('agent processes'))('processes of the agent uid (as root)', () => {
  it('an adapter process starts as the agent uid and gid, without the shell’s supplementary groups', async () => {
    const child = spawnInGroup('bash', ['-c', 'id -u; id -g; id -G'], { cwd: '/', stdio: 'pipe' }, AGENT);
    expect(await output(child)).toBe(`${AGENT.uid}\n${AGENT.gid}\n${AGENT.gid}\n`);
  });

  it('kills every process of the agent uid, whatever session or process group it escaped to, and none of another uid', async () => {
    // A setsid leftover, a double-forked nohup one, and a plain child: all the agent's.
    const escapes = spawnInGroup(
      'bash',
      [
        '-c',
        "setsid sh -c 'while :; do sleep 0.05; done' </dev/null >/dev/null 2>&1 & " +
          "(nohup sh -c 'exec sleep 600' </dev/null >/dev/null 2>&1 &); sleep 600",
      ],
      { cwd: '/', stdio: 'ignore' },
      AGENT,
    );
    started.push(escapes);
    // The shell's own process (another uid) must survive.
    const bystander = spawn('sleep', ['600'], { stdio: 'ignore' });
    started.push(bystander);
    const deadline = Date.now() + 5000;
    while (processesOf(AGENT.uid).length < 4 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    expect(processesOf(AGENT.uid).length).toBeGreaterThanOrEqual(4);

    await killEveryProcessOf(AGENT);
    expect(processesOf(AGENT.uid)).toEqual([]);
    expect(bystander.exitCode).toBeNull();
    expect(processesOf(process.getuid!())).toContain(bystander.pid);
  });

  it('finds nothing for a uid that runs nothing, and then kills nothing', async () => {
    expect(processesOf(AGENT.uid + 1)).toEqual([]);
    await killEveryProcessOf({ uid: AGENT.uid + 1, gid: AGENT.gid });
  });
});
