import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LaunchSpec } from '../launcher.ts';
import { ProcessLauncher } from './process-launcher.ts';

/** A stand-in runner: starts a process as its agent uid in a session of its own (as a leftover would), then waits. */
const FAKE_RUNNER = [
  "const { spawn } = require('node:child_process');",
  'const uid = Number(process.env.RFE_AGENT_UID), gid = Number(process.env.RFE_AGENT_GID);',
  "spawn('sleep', ['600'], { uid, gid, detached: true, stdio: 'ignore' }).unref();",
  "require('node:fs').writeFileSync(process.env.RFE_WORK_DIR + '/started', String(uid));",
  'setInterval(() => {}, 1000);',
].join('\n');

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rfe-process-launcher-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const spec = (sessionId: string): LaunchSpec => ({
  sessionId,
  projectName: 'demo',
  workspaceSlug: 'demo',
  env: { RFE_SESSION_ID: sessionId },
  secrets: { runnerToken: 'rfr_not-a-real-runner-token', gitCredentials: '{"git":[]}' },
  timeoutMs: 60_000,
});

function processesOf(uid: number): number[] {
  return fs
    .readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .filter((pid) => {
      try {
        const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
        return !/^State:\s*Z/m.test(status) && new RegExp(`^Uid:\\s*${uid}\\b`, 'm').test(status);
      } catch {
        return false;
      }
    })
    .map(Number);
}

async function until(condition: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

// Needs root (the server gives agent uids only as root); CI runs as root, so there a non-root run fails.
describe.runIf(process.getuid?.() === 0 || !!process.env.CI)(
  'the process launcher as root, with RUNNER_AGENT_UID_RANGE',
  () => {
    it('gives each session its own agent uid and a work directory outside the data directory; stopping the runner kills what its agent left; discard frees the uid', async () => {
      const runsDir = path.join(dir, 'data', 'runs');
      const agentWorkRoot = path.join(dir, 'agents');
      const launcher = new ProcessLauncher({
        runsDir,
        agentWorkRoot,
        agentUids: { first: 300_200, last: 300_209 },
        command: { file: process.execPath, args: ['-e', FAKE_RUNNER], cwd: dir },
        logger: pino({ level: 'silent' }),
      });
      expect(launcher.separatesAgents).toBe(true);
      const handles = [await launcher.launch(spec('session-a')), await launcher.launch(spec('session-b'))];
      const launches = ['session-a', 'session-b'].map((id) =>
        JSON.parse(fs.readFileSync(path.join(runsDir, id, 'launch.json'), 'utf8')),
      );
      const [uidA, uidB] = launches.map((l) => l.agentUid as number);
      expect(uidA).not.toBe(uidB);
      for (const [i, l] of launches.entries()) {
        expect(l.env).toMatchObject({ RFE_AGENT_UID: String(l.agentUid), RFE_AGENT_GID: String(l.agentUid) });
        expect(l.workDir).toBe(path.join(agentWorkRoot, ['session-a', 'session-b'][i]!));
      }
      await until(() => fs.existsSync(path.join(launches[0].workDir, 'started')));
      await until(() => processesOf(uidA!).length > 0);
      // Closed to the agent: the runs and their secrets; open to pass through: the agents' root.
      expect(fs.statSync(runsDir).mode & 0o777).toBe(0o700);
      expect(fs.statSync(path.join(runsDir, 'session-a', 'secrets')).mode & 0o777).toBe(0o700);
      expect(fs.statSync(agentWorkRoot).mode & 0o777).toBe(0o711);

      await launcher.stop('session-a', handles[0]!, 200);
      expect(processesOf(uidA!)).toEqual([]);
      await until(() => fs.existsSync(path.join(launches[1].workDir, 'started')));
      await until(() => processesOf(uidB!).length > 0); // the other session's agent is untouched

      await launcher.discard('session-a', handles[0]!);
      expect(fs.existsSync(path.join(agentWorkRoot, '.claims', String(uidA)))).toBe(false);
      expect(fs.existsSync(path.join(runsDir, 'session-a', 'secrets'))).toBe(false);
      await launcher.stop('session-b', handles[1]!, 200);
      expect(processesOf(uidB!)).toEqual([]);
      await launcher.close();
    });

    it('refuses an agents’ root that someone else could write (created beforehand in a shared /tmp)', () => {
      const agentWorkRoot = path.join(dir, 'open');
      fs.mkdirSync(agentWorkRoot, { mode: 0o777 });
      fs.chmodSync(agentWorkRoot, 0o777);
      expect(
        () =>
          new ProcessLauncher({
            runsDir: path.join(dir, 'runs'),
            agentWorkRoot,
            agentUids: { first: 300_300, last: 300_301 },
            logger: pino({ level: 'silent' }),
          }),
      ).toThrow('must be a directory owned by root that only root can write');
    });
  },
);
