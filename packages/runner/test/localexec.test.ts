import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ForgeWorld } from './support/forge-world.ts';
import { startSession } from './support/session-for.ts';

let world: ForgeWorld;

beforeAll(async () => {
  world = await ForgeWorld.start();
  await world.createUmbrellaBranch('rfe/streams');
});
afterAll(async () => {
  await world?.close();
});

describe('the localexec adapter', () => {
  it('streams each command’s output in order and reports its exit code and duration', async () => {
    const commands = [
      'for i in $(seq 1 300); do echo "line $i"; done',
      'echo out-1; sleep 0.1; echo err-1 >&2; sleep 0.1; echo out-2; sleep 0.1; echo err-2 >&2',
      'printf "%s\\n" "édition ✓" && true',
    ];
    const { peer, runner } = await startSession(world, {
      login: 'alice',
      slug: 'streams',
      adapter: 'localexec',
      prompt: JSON.stringify(commands),
    });
    expect((await runner.exited).code, runner.stderr()).toBe(0);

    const starts = peer.messages('command_start').map((m) => m.payload);
    expect(starts).toEqual(commands.map((cmd) => ({ cmd, cwd: '.' })));
    const ends = peer.messages('command_end').map((m) => m.payload);
    expect(ends.map((e) => [e.cmd, e.exitCode])).toEqual(commands.map((cmd) => [cmd, 0]));
    expect(ends.every((e) => e.durationMs >= 0)).toBe(true);
    expect(ends[1].durationMs).toBeGreaterThanOrEqual(300);

    // Output between a command's start and its end, in the order it was written, chunked.
    const seqOf = (type: string, n: number) => peer.log.filter((m) => m.type === type)[n].seq;
    const outputOf = (n: number) =>
      peer
        .messages('command_output')
        .filter((m) => m.seq > seqOf('command_start', n) && m.seq < seqOf('command_end', n))
        .map((m) => m.payload);
    const first = outputOf(0);
    expect(first.map((c) => c.chunk).join('')).toBe(
      Array.from({ length: 300 }, (_, i) => `line ${i + 1}\n`).join(''),
    );
    expect(first.length).toBeLessThan(300); // joined into chunks, not a message per line
    expect(outputOf(1)).toEqual([
      { stream: 'stdout', chunk: 'out-1\n' },
      { stream: 'stderr', chunk: 'err-1\n' },
      { stream: 'stdout', chunk: 'out-2\n' },
      { stream: 'stderr', chunk: 'err-2\n' },
    ]);
    expect(outputOf(2)).toEqual([{ stream: 'stdout', chunk: 'édition ✓\n' }]);
    await peer.stop();
  });

  it('reports the files each command changed, with unified diffs, in the umbrella and in submodules', async () => {
    const { peer, runner } = await startSession(world, {
      login: 'alice',
      slug: 'streams',
      adapter: 'localexec',
      prompt: [
        'echo "more" >> README.md',
        'mkdir -p docs && echo "new doc" > docs/new.md',
        'echo "export const x = 1;" >> repos/api/src/index.js && rm repos/api/README.md',
      ].join('\n'),
    });
    expect((await runner.exited).code, runner.stderr()).toBe(0);
    const changes = peer.messages('file_change').map((m) => m.payload);
    expect(changes.map((c) => [c.path, c.change])).toEqual([
      ['README.md', 'update'],
      ['docs/new.md', 'create'],
      ['repos/api/README.md', 'delete'],
      ['repos/api/src/index.js', 'update'],
    ]);
    expect(changes[0].diff).toContain('+more');
    expect(changes[1].diff).toContain('+new doc');
    expect(changes[3].diff).toMatch(/^\+export const x = 1;$/m);
    // Each file once: the second command did not report README.md again.
    const commandOfChange = changes.map((c) => c.path);
    expect(new Set(commandOfChange).size).toBe(commandOfChange.length);
    await peer.stop();
  });

  it('a failing command ends the session as failed with its exit code, and nothing is pushed', async () => {
    const { peer, runner } = await startSession(world, {
      login: 'alice',
      slug: 'streams',
      adapter: 'localexec',
      prompt: 'echo changed >> README.md\nexit 3\necho never',
    });
    expect((await runner.exited).code).toBe(1);
    expect(peer.messages('command_end').map((m) => m.payload.exitCode)).toEqual([0, 3]);
    expect(peer.messages('error')[0].payload).toMatchObject({ code: 'command_failed' });
    expect(peer.messages('error')[0].payload.message).toContain('exited with 3');
    expect(peer.messages('git_event').filter((m) => m.payload.action === 'push')).toHaveLength(0);
    expect(peer.messages('status').at(-1)?.payload.phase).toBe('done');
    await peer.stop();
  });
});
