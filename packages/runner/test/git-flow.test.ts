import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ForgeWorld } from './support/forge-world.ts';
import { git } from './support/git-cli.ts';
import { startSession } from './support/session-for.ts';

let world: ForgeWorld;

beforeAll(async () => {
  world = await ForgeWorld.start();
});
afterAll(async () => {
  await world?.close();
});

const EDIT_UMBRELLA_AND_API = JSON.stringify([
  'echo "Notes from the session" >> README.md',
  'echo "export const version = 2;" > repos/api/src/version.js',
]);

describe('a session on the forge', () => {
  it('pushes a session branch to alice’s fork of each changed repository and asks for exactly two PRs', async () => {
    await world.createUmbrellaBranch('rfe/checkout-flow');
    const { peer, runner, env } = await startSession(world, {
      login: 'alice',
      slug: 'checkout-flow',
      adapter: 'localexec',
      prompt: EDIT_UMBRELLA_AND_API,
    });
    const { code } = await runner.exited;
    expect(code, runner.stderr()).toBe(0);
    const branch = `rfe/checkout-flow/session-${env.RFE_SESSION_ID.replace(/-/g, '').slice(0, 8)}`;

    const intents = peer.messages('pr_intent').map((m) => m.payload);
    expect(intents.map((i) => [i.repo, i.head, i.base])).toEqual([
      ['acme/api', `alice:${branch}`, 'main'],
      ['acme/umbrella', `alice:${branch}`, 'rfe/checkout-flow'],
    ]);
    expect(intents[1].body).toContain('`repos/api` (acme/api)');

    // The api change is on alice/api, authored by alice; the umbrella commit moves repos/api to it.
    const apiHead = await world.branchHead('alice/api', branch);
    expect(apiHead).toBeDefined();
    const umbrella = await world.checkout('alice/umbrella', branch);
    expect(await readFile(join(umbrella, 'README.md'), 'utf8')).toContain('Notes from the session');
    expect(await git(['ls-tree', 'HEAD', 'repos/api'], { cwd: umbrella })).toContain(`commit ${apiHead}`);
    expect(await git(['log', '-1', '--format=%an <%ae>'], { cwd: umbrella })).toBe(
      'Alice Admin <alice@example.com>',
    );
    const api = await world.checkout('alice/api', branch);
    expect(await readFile(join(api, 'src/version.js'), 'utf8')).toBe('export const version = 2;\n');

    // Nothing else changed upstream, and no token leaked into a message or the clone's config.
    expect(await world.branchHead('acme/umbrella', branch)).toBeUndefined();
    const everything = JSON.stringify(peer.log);
    expect(everything).not.toContain(world.tokens.alice);
    const config = await readFile(join(env.RFE_WORK_DIR, 'workspace', '.git', 'config'), 'utf8');
    expect(config).not.toContain(world.tokens.alice);

    const pushes = peer.messages('git_event').filter((m) => m.payload.action === 'push');
    expect(pushes.map((m) => m.payload.repo)).toEqual(['acme/api', 'acme/umbrella']);
    expect(peer.messages('result')).toHaveLength(1);
    expect(peer.messages('status').at(-1)?.payload).toEqual({ phase: 'done', progress: 100 });
    await peer.stop();
  });

  it('carol’s clone skips the optional repos/web she cannot read and says so in the umbrella PR', async () => {
    await world.createUmbrellaBranch('rfe/contractor');
    const { peer, runner } = await startSession(world, {
      login: 'carol',
      slug: 'contractor',
      adapter: 'localexec',
      prompt: 'echo "carol was here" > NOTES.md',
    });
    const { code } = await runner.exited;
    expect(code, runner.stderr()).toBe(0);

    const warnings = peer
      .messages('log')
      .filter((m) => m.level === 'warn')
      .map((m) => m.payload.text);
    expect(warnings.join('\n')).toContain('Skipped optional submodule repos/web (acme/web)');
    const intents = peer.messages('pr_intent').map((m) => m.payload);
    expect(intents.map((i) => i.repo)).toEqual(['acme/umbrella']);
    expect(intents[0].body).toContain('## Skipped submodules');
    expect(intents[0].body).toContain('- [ ] `repos/web` (acme/web)');
    await peer.stop();
  });

  it('a required submodule carol cannot read fails the session fast, naming it', async () => {
    await world.createUmbrellaBranch('rfe/contractor-strict');
    const { peer, runner } = await startSession(world, {
      login: 'carol',
      slug: 'contractor-strict',
      adapter: 'localexec',
      prompt: 'echo never runs > NOTES.md',
      submodules: [{ path: 'repos/web', required: true }],
    });
    const { code, ms } = await runner.exited;
    expect(code).toBe(1);
    expect(ms).toBeLessThan(15_000);
    const [error] = peer.messages('error');
    expect(error.payload.code).toBe('submodule_inaccessible');
    expect(error.payload.message).toContain('Required submodule repos/web (acme/web)');
    expect(peer.messages('command_start')).toHaveLength(0);
    await peer.stop();
  });

  it('a push the fork refuses ends with an error that says how to fix it', async () => {
    await world.createUmbrellaBranch('rfe/refused');
    const { peer, runner } = await startSession(world, {
      login: 'bob',
      slug: 'refused',
      adapter: 'localexec',
      prompt: 'echo change >> README.md',
      // bob may read acme/umbrella but not write it: a "direct push" there is refused.
      directPush: ['acme/umbrella'],
    });
    const { code } = await runner.exited;
    expect(code).toBe(1);
    const [error] = peer.messages('error');
    expect(error.payload.code).toBe('push_denied');
    expect(error.payload.message).toContain('acme/umbrella');
    expect(error.payload.message).toMatch(/write access|push through your fork/);
    expect(peer.messages('pr_intent')).toHaveLength(0);
    await peer.stop();
  });

  it('a direct push updates the base branch and asks for no PR', async () => {
    await world.createUmbrellaBranch('rfe/direct');
    const before = await world.branchHead('acme/umbrella', 'rfe/direct');
    const { peer, runner } = await startSession(world, {
      login: 'alice',
      slug: 'direct',
      adapter: 'localexec',
      prompt: 'echo direct >> README.md',
      directPush: ['acme/umbrella'],
    });
    expect((await runner.exited).code, runner.stderr()).toBe(0);
    expect(await world.branchHead('acme/umbrella', 'rfe/direct')).not.toBe(before);
    expect(peer.messages('pr_intent')).toHaveLength(0);
    const push = peer.messages('git_event').find((m) => m.payload.action === 'push');
    expect(push?.payload).toMatchObject({ repo: 'acme/umbrella', branch: 'rfe/direct' });
    await peer.stop();
  });
});
