import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTcpProxy, type TcpProxy } from '../../../test/support/messaging/tcp-proxy.ts';
import { createTestDatabase, postgresAdminUrl } from '../../../test/support/postgres.ts';
import { type S3rverHandle, startS3rver } from '../../../test/support/s3rver.ts';
import {
  type CrashWorld,
  type Message,
  startCrashWorld,
} from '../../../test/support/sessions/crash-world.ts';
import { startHaproxy } from '../../../test/support/sessions/haproxy.ts';
import { processStartTime } from '../../launchers/process/runner-process.ts';

// Three instances on PostgreSQL, Redis and s3rver behind Debian's haproxy (round-robin): the runner's
// every reconnect may land on another instance, which then takes the session's log over. Never skipped:
// scripts/test.sh starts PostgreSQL and Redis and installs haproxy.
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6390';
const INSTANCES = 3;
const LINES = 3000;
const TIMEOUT_SECONDS = 30;

const output = (log: Message[]) =>
  log
    .filter((m) => m.type === 'command_output')
    .map((m) => String(m.payload.chunk))
    .join('');

async function handovers(world: CrashWorld): Promise<number> {
  let total = 0;
  for (const port of world.ports) {
    const text = await fetch(`http://127.0.0.1:${port}/metrics`).then(
      (r) => r.text(),
      () => '',
    );
    for (const line of text.split('\n'))
      if (line.startsWith('rfe_session_handovers_total{')) total += Number(line.split(' ').pop());
  }
  return total;
}

const alive = (pid: number) => processStartTime(pid) !== undefined;

describe('three instances behind haproxy (PostgreSQL, Redis, s3rver)', () => {
  let world: CrashWorld;
  let s3: S3rverHandle;
  let cutter: TcpProxy | undefined;
  let dropDatabase: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    const admin = postgresAdminUrl();
    if (!admin) throw new Error('TEST_DATABASE_URL is not set: run the suite through scripts/test.sh');
    const database = await createTestDatabase(admin);
    dropDatabase = database.drop;
    s3 = await startS3rver({ buckets: ['replicas'] });
    world = await startCrashWorld(
      {
        OBJECT_STORE: 's3',
        S3_ENDPOINT: s3.endpoint,
        S3_BUCKET: 'replicas',
        S3_ACCESS_KEY_ID: s3.accessKeyId,
        S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
        S3_FORCE_PATH_STYLE: 'true',
        REDIS_URL,
        SESSION_TIMEOUT_SECONDS: String(TIMEOUT_SECONDS),
        // A dead instance's sessions are taken over after 3 s instead of 10.
        RFE_MESSAGING_SETTINGS: JSON.stringify({ writerLeaseMs: 3000 }),
      },
      {
        instances: INSTANCES,
        databaseUrl: database.url,
        // Runners reach the instances through a proxy the test cuts, then haproxy; the test's API calls
        // go to haproxy directly.
        frontDoor: async (ports) => {
          const haproxy = await startHaproxy(ports);
          cutter = await startTcpProxy(Number(new URL(haproxy.url).port));
          return {
            url: haproxy.url,
            publicUrl: `http://127.0.0.1:${cutter.port}`,
            close: async () => {
              await cutter?.close();
              await haproxy.close();
            },
          };
        },
      },
    );
    for (let k = 0; k < INSTANCES; k++) await world.start(k);
  }, 180_000);

  /** A session launched by instance `k` whose runner has reported its first output. */
  async function startedOn(k: number, command: string): Promise<{ id: string; pid: number }> {
    const id = await world.startSession(`echo started\n${command}`, k);
    const pid = (await world.runnerPid(id))!;
    await world.until(
      'the runner to report',
      async () => (await world.messages(id)).some((m) => m.type === 'command_output'),
      60_000,
    );
    return { id, pid };
  }

  afterAll(async () => {
    await world?.close();
    await s3?.stop();
    await dropDatabase?.();
  });

  it(`${LINES} numbered lines with the runner cut every second: each reconnect may reach another instance; the log holds 1..N once in order, one PR`, async () => {
    const script = `for i in $(seq 1 ${LINES}); do echo "line $i"; [ $((i % 25)) -eq 0 ] && sleep 0.04; done; true`;
    const id = await world.startSession(`${script}\necho replicas >> README.md`);
    const before = await handovers(world);
    const cuts = setInterval(() => cutter?.cutAll(), 1000);
    let s: Awaited<ReturnType<CrashWorld['finished']>>;
    try {
      s = await world.finished(id, 120_000);
    } finally {
      clearInterval(cuts);
    }
    expect(s.status, `${s.error} / ${s.remediation}`).toBe('succeeded');
    expect(cutter!.cuts, 'the runner was cut').toBeGreaterThanOrEqual(3);
    expect(await handovers(world), 'the session moved between instances').toBeGreaterThan(before);

    const log = await world.messages(id);
    expect(log.map((m) => m.seq)).toEqual(log.map((_, i) => i + 1));
    expect(new Set(log.map((m) => m.id)).size).toBe(log.length);
    expect(output(log)).toBe(Array.from({ length: LINES }, (_, i) => `line ${i + 1}\n`).join(''));
    expect(log.filter((m) => m.type === 'result')).toHaveLength(1);
    expect(log.filter((m) => m.type === 'pr_event')).toHaveLength(1);
    const pulls = (await world.forgePulls()).filter((p) => p.head.ref.includes(id.slice(-8).toLowerCase()));
    expect(pulls, 'exactly one PR at the forge').toHaveLength(1);
  }, 180_000);

  it('a cancel issued on an instance that did not launch the session stops the runner within 5 s', async () => {
    const { id, pid } = await startedOn(0, 'sleep 120');
    const cancelled = await world.api('POST', `/api/projects/acme/sessions/${id}/cancel`, undefined, 1);
    expect(cancelled.status, JSON.stringify(cancelled.json)).toBeLessThan(300);
    const asked = Date.now();
    await world.until('the runner to stop', async () => !alive(pid), 5000);
    expect(Date.now() - asked).toBeLessThan(5000);
    const s = await world.finished(id, 30_000);
    expect(s.status).toBe('cancelled');
  }, 120_000);

  it('the timeout is enforced after the launching instance was killed', async () => {
    const { id, pid } = await startedOn(2, 'sleep 300');
    await world.kill(2);
    const s = await world.finished(id, (TIMEOUT_SECONDS + 40) * 1000);
    expect(s.status).toBe('failed');
    expect(`${s.error}`).toMatch(/time/i);
    await world.until('the runner to stop', async () => !alive(pid), 15_000);
  }, 150_000);
});
